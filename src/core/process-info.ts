/**
 * The one process record shared by every command and every format.
 * Raw units only: bytes, milliseconds, ISO-8601 UTC times. A field the
 * source cannot know is null, never a made-up zero.
 */
export interface ProcessInfo {
  pid: number
  ppid: number | null
  pgid: number | null
  sid: number | null
  tty: string | null
  state: string | null
  name: string | null
  exe: string | null
  command: string | null
  argv: string[] | null
  user: string | null
  uid: number | null
  gid: number | null
  startTime: string | null
  startTicks: number | null
  bootId: string | null
  /** The host name of the machine the record was read on (its UTS name, as hostname(1) prints it). */
  host: string | null
  elapsedMs: number | null
  cpuTimeMs: number | null
  cpuPercent: number | null
  rssBytes: number | null
  vszBytes: number | null
  threads: number | null
  nice: number | null
  /**
   * Listening TCP/UDP ports (`tcp:3000`, `udp6:53`), read only when asked for (a `ports` column,
   * `--port`): it costs a look at every open file of every process. Not a default field.
   */
  ports?: string[] | null
  /** With --threads: the thread's id (the main thread's equals pid). */
  tid?: number
  /** proc tree --json: the process's other threads (`threads` is their count). */
  threadList?: Array<{name: string; tid: number}>
  // Extra fields, read only when a column, --where or --sort names them: whole records (JSON,
  // NDJSON, CSV without --columns) carry the core fields above.
  /** Resident memory over MemTotal, percent (ps %MEM). */
  memPercent?: number | null
  /** ps's STAT: the state letter, then < N L s l + (high/low priority, locked pages, session leader, threads, foreground). */
  stat?: string | null
  /** Kernel scheduling priority (ps -o priority). */
  priority?: number | null
  /** CPU it last ran on (ps -o psr). */
  processor?: number | null
  /** Real and saved user and group ids, supplementary groups, the real user's name. */
  ruid?: number | null
  suid?: number | null
  rgid?: number | null
  sgid?: number | null
  groups?: number[] | null
  ruser?: string | null
  voluntaryCtxSwitches?: number | null
  involuntaryCtxSwitches?: number | null
  minorFaults?: number | null
  majorFaults?: number | null
  /** The kernel function it sleeps in (null while running, or unknown). */
  wchan?: string | null
  cwd?: string | null
  env?: Record<string, string> | null
  /** The cgroup v2 path; the systemd unit and the container id found in it. */
  cgroup?: string | null
  unit?: string | null
  container?: string | null
  /** Bytes read from and written to storage (/proc/PID/io). */
  readBytes?: number | null
  writeBytes?: number | null
  /** Open file descriptors. */
  fds?: number | null
  /** Proportional, unique and swapped memory (smaps_rollup): expensive. */
  pssBytes?: number | null
  ussBytes?: number | null
  swapBytes?: number | null
  /** Namespace inode numbers (ps -o pidns and friends). */
  pidNs?: number | null
  netNs?: number | null
  mntNs?: number | null
  utsNs?: number | null
  ipcNs?: number | null
  userNs?: number | null
  cgroupNs?: number | null
  kernelThread?: boolean | null
}

/** The namespace fields, by the name of their link in /proc/PID/ns. */
export const NAMESPACES = {cgroup: 'cgroupNs', ipc: 'ipcNs', mnt: 'mntNs', net: 'netNs', pid: 'pidNs', user: 'userNs', uts: 'utsNs'} as const

export type Field = keyof ProcessInfo

/** Every core field, in schema order. */
export const FIELDS: readonly Field[] = [
  'pid', 'ppid', 'pgid', 'sid', 'tty', 'state', 'name', 'exe', 'command', 'argv', 'user', 'uid', 'gid',
  'startTime', 'startTicks', 'bootId', 'host', 'elapsedMs', 'cpuTimeMs', 'cpuPercent', 'rssBytes', 'vszBytes',
  'threads', 'nice',
]

/** A record with every field unknown except the pid. */
export function emptyRecord(pid: number): ProcessInfo {
  // Written in schema order: JSON keys come out in this order.
  return {
    pid, ppid: null, pgid: null, sid: null, tty: null, state: null, name: null, exe: null, command: null,
    argv: null, user: null, uid: null, gid: null, startTime: null, startTicks: null, bootId: null, host: null,
    elapsedMs: null, cpuTimeMs: null, cpuPercent: null, rssBytes: null, vszBytes: null, threads: null, nice: null,
  }
}

/** Identity of a process (see identity.ts, where identities are compared). */
export type {Identity as ProcessIdentity} from './identity.js'

/** The machine a source reads: its host name and the id of its current boot (null: unknown). */
export interface Machine {
  host: string | null
  bootId: string | null
}

/**
 * Whether a record was read on another machine, or in another boot of this one: then its pid
 * names nothing here. Unknown parts (an old snapshot without host) are not compared.
 */
export function isForeign(record: {host?: string | null; bootId?: string | null}, here: Machine): boolean {
  if (record.host != null && here.host != null && record.host !== here.host) return true
  return record.bootId != null && here.bootId != null && record.bootId !== here.bootId
}

/** The largest pid_max Linux allows (2^22). */
export const PID_MAX = 4_194_304

/** Text of a process id: a positive decimal integer no larger than PID_MAX. */
export function isPid(text: string): boolean {
  return /^[1-9]\d*$/.test(text) && Number(text) <= PID_MAX
}
