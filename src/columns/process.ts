import {type Field, FIELDS} from '../core/process-info.js'
import {defineColumn, getColumn} from './registry.js'

/** The columns of the core record, one definition each, in schema order. */

function formatStart(value: unknown): string {
  const d = new Date(String(value))
  const now = new Date()
  const pad = (x: number) => String(x).padStart(2, '0')
  if (d.toDateString() === now.toDateString()) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  const month = d.toLocaleString('en-US', {month: 'short'})
  return d.getFullYear() === now.getFullYear() ? `${month} ${pad(d.getDate())}` : `${d.getFullYear()}`
}

defineColumn({description: 'process id', header: 'PID', id: 'pid', kind: 'id'})
defineColumn({description: 'parent process id', header: 'PPID', id: 'ppid', kind: 'id', needs: ['ppid']})
defineColumn({aliases: ['pgrp'], description: 'process group id', header: 'PGID', id: 'pgid', kind: 'id', needs: ['pgid']})
defineColumn({aliases: ['session'], description: 'session id', header: 'SID', id: 'sid', kind: 'id', needs: ['sid']})
defineColumn({description: 'controlling terminal (pts/0, tty1), null if none', header: 'TTY', id: 'tty', kind: 'string', needs: ['tty']})
defineColumn({
  aliases: ['s'],
  description: 'state: R running, S sleeping, D disk wait, Z zombie, T stopped, t traced, I idle, X dead',
  header: 'S',
  id: 'state',
  kind: 'string',
  needs: ['state'],
})
defineColumn({
  aliases: ['comm'],
  description: 'process name (comm, extended from argv[0] when cut at 15 bytes); the table adds <defunct> for a zombie, as ps',
  header: 'NAME',
  id: 'name',
  kind: 'string',
  needs: ['name'],
})
defineColumn({description: 'executable path, null when denied or gone', header: 'EXE', id: 'exe', kind: 'string', needs: ['exe']})
defineColumn({
  aliases: ['cmd', 'args', 'cmdline'],
  description: 'full command line; [name] for zombies and kernel threads, and in the table where it cannot be read (JSON: null); the table adds <defunct> for a zombie, as ps',
  header: 'COMMAND',
  id: 'command',
  kind: 'string',
  needs: ['command'],
})
defineColumn({
  description: 'argument vector (JSON array in CSV)',
  header: 'ARGV',
  id: 'argv',
  kind: 'list',
  needs: ['argv'],
})
defineColumn({description: 'effective user name', header: 'USER', id: 'user', kind: 'string', needs: ['user']})
defineColumn({aliases: ['euid'], description: 'effective user id', header: 'UID', id: 'uid', kind: 'id', needs: ['uid']})
defineColumn({aliases: ['egid'], description: 'effective group id', header: 'GID', id: 'gid', kind: 'id', needs: ['gid']})
defineColumn({
  aliases: ['start', 'lstart'],
  description: 'start time, ISO-8601 UTC (table: local time today, else date)',
  format: formatStart,
  header: 'START',
  id: 'startTime',
  kind: 'time',
  needs: ['startTime'],
})
defineColumn({
  description: 'start time in clock ticks since boot (with bootId, the identity of a process)',
  header: 'TICKS',
  id: 'startTicks',
  kind: 'count',
  needs: ['startTicks'],
})
defineColumn({description: 'boot id of the machine the record was read on', header: 'BOOT', id: 'bootId', kind: 'string', needs: ['bootId']})
defineColumn({
  aliases: ['hostname'],
  description: 'host name of the machine the record was read on (kill and wait act only on records of this host and boot)',
  header: 'HOST',
  id: 'host',
  kind: 'string',
  needs: ['host'],
})
defineColumn({
  aliases: ['elapsed', 'etime', 'age'],
  description: 'time since the process started, milliseconds (table: [[dd-]hh:]mm:ss)',
  header: 'ELAPSED',
  id: 'elapsedMs',
  kind: 'duration',
  needs: ['elapsedMs'],
})
defineColumn({
  aliases: ['time', 'cputime'],
  description: 'user + system CPU time, milliseconds (table: [dd-]hh:mm:ss)',
  header: 'TIME',
  id: 'cpuTimeMs',
  kind: 'cputime',
  needs: ['cpuTimeMs'],
})
defineColumn({
  aliases: ['cpu', 'pcpu', '%cpu'],
  description: 'CPU use in percent of one core: over the lifetime (like ps), or over --sample (like top)',
  header: '%CPU',
  id: 'cpuPercent',
  kind: 'percent',
  needs: ['cpuPercent'],
})
defineColumn({
  aliases: ['rss', 'rsz'],
  description: 'resident memory, bytes (table: K/M/G, powers of 1024)',
  header: 'RSS',
  id: 'rssBytes',
  kind: 'bytes',
  needs: ['rssBytes'],
})
defineColumn({
  aliases: ['vsz', 'vsize'],
  description: 'virtual memory size, bytes (table: K/M/G, powers of 1024)',
  header: 'VSZ',
  id: 'vszBytes',
  kind: 'bytes',
  needs: ['vszBytes'],
})
defineColumn({aliases: ['nlwp', 'thcount'], description: 'number of threads', header: 'THR', id: 'threads', kind: 'count', needs: ['threads']})
defineColumn({aliases: ['ni'], description: 'nice value (-20 high priority .. 19 low)', header: 'NI', id: 'nice', kind: 'count', needs: ['nice']})

defineColumn({
  aliases: ['port'],
  description: 'listening TCP/UDP ports (tcp:3000, udp6:53); read only when asked for, null when the open files cannot be read',
  format: (v) => (v as string[]).join(','),
  header: 'PORTS',
  id: 'ports',
  kind: 'list',
  needs: ['ports'],
})

defineColumn({aliases: ['spid', 'lwp'], description: 'thread id, with list --threads (the main thread\'s equals pid)', header: 'TID', id: 'tid', kind: 'id'})

// Extra columns: read only when --columns, --where or --sort names them; whole records leave them out.
const EXTRA_NOTE = '; read only when asked for'
export const extraProcessColumns = [
  defineColumn({aliases: ['mem', 'pmem', '%mem'], description: `resident memory over MemTotal, percent (ps %MEM)${EXTRA_NOTE}`, header: '%MEM', id: 'memPercent', kind: 'percent', needs: ['memPercent']}),
  defineColumn({
    description: `ps's STAT: the state letter, then < (nice < 0) or N (nice > 0), L (locked pages), s (session leader), l (threads), + (foreground)${EXTRA_NOTE}`,
    header: 'STAT',
    id: 'stat',
    kind: 'string',
    needs: ['stat'],
  }),
  defineColumn({aliases: ['prio'], description: `kernel scheduling priority (ps -o priority)${EXTRA_NOTE}`, header: 'PRI', id: 'priority', kind: 'count', needs: ['priority']}),
  defineColumn({aliases: ['psr', 'cpuid'], description: `the CPU it last ran on (ps -o psr)${EXTRA_NOTE}`, header: 'PSR', id: 'processor', kind: 'count', needs: ['processor']}),
  defineColumn({description: `real user id${EXTRA_NOTE}`, header: 'RUID', id: 'ruid', kind: 'id', needs: ['ruid']}),
  defineColumn({description: `real user name${EXTRA_NOTE}`, header: 'RUSER', id: 'ruser', kind: 'string', needs: ['ruser']}),
  defineColumn({aliases: ['svuid'], description: `saved user id${EXTRA_NOTE}`, header: 'SUID', id: 'suid', kind: 'id', needs: ['suid']}),
  defineColumn({description: `real group id${EXTRA_NOTE}`, header: 'RGID', id: 'rgid', kind: 'id', needs: ['rgid']}),
  defineColumn({aliases: ['svgid'], description: `saved group id${EXTRA_NOTE}`, header: 'SGID', id: 'sgid', kind: 'id', needs: ['sgid']}),
  defineColumn({
    aliases: ['supgid'],
    description: `supplementary group ids (ps -o supgid)${EXTRA_NOTE}`,
    format: (v) => (v as number[]).join(','),
    header: 'GROUPS',
    id: 'groups',
    kind: 'list',
    needs: ['groups'],
  }),
  defineColumn({aliases: ['vcsw'], description: `voluntary context switches${EXTRA_NOTE}`, header: 'VCSW', id: 'voluntaryCtxSwitches', kind: 'count', needs: ['voluntaryCtxSwitches']}),
  defineColumn({aliases: ['ivcsw', 'nvcsw'], description: `involuntary context switches${EXTRA_NOTE}`, header: 'IVCSW', id: 'involuntaryCtxSwitches', kind: 'count', needs: ['involuntaryCtxSwitches']}),
  defineColumn({aliases: ['min_flt', 'minflt'], description: `minor page faults (no disk read)${EXTRA_NOTE}`, header: 'MINFL', id: 'minorFaults', kind: 'count', needs: ['minorFaults']}),
  defineColumn({aliases: ['maj_flt', 'majflt'], description: `major page faults (a disk read)${EXTRA_NOTE}`, header: 'MAJFL', id: 'majorFaults', kind: 'count', needs: ['majorFaults']}),
  defineColumn({description: `the kernel function it sleeps in, null while running (ps -o wchan)${EXTRA_NOTE}`, header: 'WCHAN', id: 'wchan', kind: 'string', needs: ['wchan']}),
  defineColumn({description: `working directory, null when denied${EXTRA_NOTE}`, header: 'CWD', id: 'cwd', kind: 'string', needs: ['cwd']}),
  defineColumn({aliases: ['environ'], description: `environment, an object in JSON (table: K=V ...); null when denied${EXTRA_NOTE}`, header: 'ENV', id: 'env', kind: 'map', needs: ['env']}),
  defineColumn({description: `cgroup v2 path${EXTRA_NOTE}`, header: 'CGROUP', id: 'cgroup', kind: 'string', needs: ['cgroup']}),
  defineColumn({description: `systemd unit, from the cgroup path (ps -o unit)${EXTRA_NOTE}`, header: 'UNIT', id: 'unit', kind: 'string', needs: ['unit']}),
  defineColumn({description: `docker, podman, containerd, CRI-O or Kubernetes container id, from the cgroup path${EXTRA_NOTE}`, header: 'CONTAINER', id: 'container', kind: 'string', needs: ['container']}),
  defineColumn({description: `bytes read from storage (/proc/PID/io; another user's: root only)${EXTRA_NOTE}`, header: 'READ', id: 'readBytes', kind: 'bytes', needs: ['readBytes']}),
  defineColumn({description: `bytes written to storage (/proc/PID/io)${EXTRA_NOTE}`, header: 'WRITE', id: 'writeBytes', kind: 'bytes', needs: ['writeBytes']}),
  defineColumn({aliases: ['nfds'], description: `open file descriptors${EXTRA_NOTE}`, header: 'FDS', id: 'fds', kind: 'count', needs: ['fds']}),
  defineColumn({aliases: ['pss'], description: `proportional set size, bytes (smaps_rollup: expensive)${EXTRA_NOTE}`, header: 'PSS', id: 'pssBytes', kind: 'bytes', needs: ['pssBytes']}),
  defineColumn({aliases: ['uss'], description: `unique set size (private pages), bytes (smaps_rollup: expensive)${EXTRA_NOTE}`, header: 'USS', id: 'ussBytes', kind: 'bytes', needs: ['ussBytes']}),
  defineColumn({aliases: ['swap'], description: `swapped-out memory, bytes (smaps_rollup: expensive)${EXTRA_NOTE}`, header: 'SWAP', id: 'swapBytes', kind: 'bytes', needs: ['swapBytes']}),
  ...(['pid', 'net', 'mnt', 'uts', 'ipc', 'user', 'cgroup'] as const).map((ns) =>
    defineColumn({
      description: `${ns} namespace inode (ps -o ${ns}ns)${EXTRA_NOTE}`,
      header: `${ns.toUpperCase()}NS`,
      id: `${ns}Ns`,
      kind: 'id',
      needs: [`${ns}Ns` as Field],
    }),
  ),
  defineColumn({aliases: ['kthread'], description: `a kernel thread (PF_KTHREAD)${EXTRA_NOTE}`, header: 'KTHREAD', id: 'kernelThread', kind: 'boolean', needs: ['kernelThread']}),
]

/** The columns of every core field, in schema order: what JSON, NDJSON and CSV carry by default. */
export const processColumns = FIELDS.map((f) => getColumn(f))
