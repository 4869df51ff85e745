/** Pure parsers for /proc files. They take bytes or text and never touch the file system. */

export interface StatFields {
  pid: number
  name: string
  state: string
  ppid: number
  pgid: number
  sid: number
  ttyNr: number
  /** The kernel's per-process flags (PF_*). */
  flags: number
  /** Foreground process group of the controlling terminal (-1: none). */
  tpgid: number
  utime: number
  /** CPU of reaped children, in ticks. */
  cutime: number
  cstime: number
  stime: number
  nice: number
  threads: number
  startTicks: number
  vsize: number
  rssPages: number
  /** Page faults that needed no disk, and that did (fields 10 and 12). */
  minorFaults: number
  majorFaults: number
  /** The kernel's scheduling priority (field 18), as ps -o priority shows it. */
  priority: number
  /** The CPU it last ran on (field 39); undefined unless `extended`. */
  processor?: number
}

const CLOSE_PAREN = 0x29
const OPEN_PAREN = 0x28

const SPACE = 0x20
const MINUS = 0x2d
const STAT_FIELDS_NEEDED = 22
/** Up to field 39 (processor): read only when a column needs it. */
const STAT_FIELDS_EXTENDED = 37

/** PF_EXITING: the process is being torn down. PF_KTHREAD: a kernel thread. */
export const PF_EXITING = 0x4
export const PF_KTHREAD = 0x200000

/**
 * Parse /proc/PID/stat. The name (comm) may hold spaces, `(` and `)`, so the
 * fields are taken after the LAST `)`. Returns undefined for malformed input.
 * The numbers are read straight from the bytes: this runs once per process per listing.
 */
export function parseStat(buf: Buffer, extended = false): StatFields | undefined {
  const wanted = extended ? STAT_FIELDS_EXTENDED : STAT_FIELDS_NEEDED
  const open = buf.indexOf(OPEN_PAREN)
  const close = buf.lastIndexOf(CLOSE_PAREN)
  if (open < 0 || close < open || close + 2 >= buf.length) return undefined
  const pid = Number(buf.toString('latin1', 0, open).trim())
  // f[0] is field 3 (state) of proc(5); f[i] is field i + 3. Only the numbers up to f[21] are needed.
  const f: number[] = []
  const state = String.fromCharCode(buf[close + 2])
  let i = close + 4
  while (f.length < wanted - 1 && i < buf.length) {
    let negative = false
    if (buf[i] === MINUS) {
      negative = true
      i++
    }

    let value = 0
    let digits = 0
    while (i < buf.length && buf[i] >= 0x30 && buf[i] <= 0x39) {
      value = value * 10 + (buf[i] - 0x30)
      i++
      digits++
    }

    if (digits === 0 || (i < buf.length && buf[i] !== SPACE && buf[i] !== 0x0a)) return undefined
    f.push(negative ? -value : value)
    i++
  }

  if (f.length < STAT_FIELDS_NEEDED - 1 || !Number.isInteger(pid)) return undefined
  // f here is shifted by one against proc(5)'s numbering after state: f[0] is ppid (field 4).
  return {
    name: buf.toString('utf8', open + 1, close),
    nice: f[15],
    pgid: f[1],
    pid,
    ppid: f[0],
    rssPages: f[20],
    sid: f[2],
    startTicks: f[18],
    state,
    stime: f[11],
    threads: f[16],
    cstime: f[13],
    cutime: f[12],
    flags: f[5],
    tpgid: f[4],
    ttyNr: f[3],
    utime: f[10],
    vsize: f[19],
    minorFaults: f[6],
    majorFaults: f[8],
    priority: f[14],
    processor: extended ? f[35] : undefined,
  }
}

/**
 * /proc/PID/cmdline as text: the arguments separated by NULs, without the last one's terminator.
 * A process that retitled itself (process.title, setproctitle: nginx, redis, pm2, postgres) leaves
 * the rest of its old argument area as NULs: every trailing NUL is dropped, as ps and pgrep do.
 */
function cmdlineText(buf: Buffer): string {
  let end = buf.length
  while (end > 0 && buf[end - 1] === 0) end--
  return buf.toString('utf8', 0, end)
}

/** /proc/PID/cmdline: NUL-separated arguments. Empty for zombies and kernel threads. */
export function parseCmdline(buf: Buffer): string[] {
  const text = cmdlineText(buf)
  // All NULs: a retitle to the empty string (ps shows the name in brackets, as for no arguments).
  return text === '' ? [] : text.split('\0')
}

/**
 * What parseCmdline(buf) gives joined with spaces, and its first argument, without the array
 * and a string for each argument; undefined for an empty cmdline (no arguments).
 */
export function parseCommandLine(buf: Buffer): {argv0: string; command: string} | undefined {
  const text = cmdlineText(buf)
  if (text === '') return undefined
  const nul = text.indexOf('\0')
  return nul < 0 ? {argv0: text, command: text} : {argv0: text.slice(0, nul), command: text.replaceAll('\0', ' ')}
}

export interface StatusIds {
  uid: number
  gid: number
}

/** Effective uid and gid from /proc/PID/status (the second number of the Uid: and Gid: lines, as ps shows). */
export function parseStatusIds(status: Buffer | string): StatusIds | undefined {
  const buf = typeof status === 'string' ? Buffer.from(status, 'latin1') : status
  const uid = statusNumber(buf, UID, 1)
  const gid = statusNumber(buf, GID, 1)
  if (uid === undefined || gid === undefined) return undefined
  return {gid, uid}
}

/** The thread group (the process) a /proc/ID entry belongs to: ID itself for a process, another for a thread. */
export function parseTgid(status: Buffer): number | undefined {
  return statusNumber(status, TGID)
}

/** The real and saved ids, supplementary groups, context switches and locked memory of status. */
export interface StatusExtra {
  ruid: number | null
  suid: number | null
  rgid: number | null
  sgid: number | null
  groups: number[] | null
  voluntaryCtxSwitches: number | null
  involuntaryCtxSwitches: number | null
  lockedBytes: number | null
}

export function parseStatusExtra(buf: Buffer): StatusExtra {
  return {
    groups: statusValues(buf, GROUPS) ?? null,
    involuntaryCtxSwitches: statusNumber(buf, NONVOLUNTARY) ?? null,
    lockedBytes: statusBytes(buf, VM_LCK) ?? null,
    rgid: statusNumber(buf, GID, 0) ?? null,
    ruid: statusNumber(buf, UID, 0) ?? null,
    sgid: statusNumber(buf, GID, 2) ?? null,
    suid: statusNumber(buf, UID, 2) ?? null,
    voluntaryCtxSwitches: statusNumber(buf, VOLUNTARY) ?? null,
  }
}

const GROUPS = Buffer.from('\nGroups:')
const VOLUNTARY = Buffer.from('\nvoluntary_ctxt_switches:')
const NONVOLUNTARY = Buffer.from('\nnonvoluntary_ctxt_switches:')
const VM_LCK = Buffer.from('\nVmLck:')
const UID = Buffer.from('\nUid:')
const TGID = Buffer.from('\nTgid:')
const GID = Buffer.from('\nGid:')
const VM_RSS = Buffer.from('\nVmRSS:')
const VM_HWM = Buffer.from('\nVmHWM:')

/**
 * The numbers on the line of /proc/PID/status that starts with `key` (at most `count`), read from
 * the bytes: no string per file and no regex, for the thousands of processes a listing reads.
 * Undefined when the line is missing.
 */
function statusValues(buf: Buffer, key: Buffer, count = Number.POSITIVE_INFINITY): number[] | undefined {
  let i = buf.indexOf(key)
  if (i < 0) return undefined
  i += key.length
  const out: number[] = []
  while (out.length < count) {
    while (buf[i] === 0x20 || buf[i] === 0x09) i++
    let value = 0
    const start = i
    while (buf[i] >= 0x30 && buf[i] <= 0x39) value = value * 10 + (buf[i++] - 0x30)
    if (i === start) break
    out.push(value)
  }

  return out
}

/** The number at `index` (0 first) on a status line. */
function statusNumber(buf: Buffer, key: Buffer, index = 0): number | undefined {
  return statusValues(buf, key, index + 1)?.[index]
}

/** A size in kB on a status-style line (`VmRSS:  1234 kB`), in bytes. */
function statusBytes(buf: Buffer, key: Buffer): number | undefined {
  const kb = statusNumber(buf, key)
  return kb === undefined ? undefined : kb * 1024
}

/** Terminal name from the tty_nr field of stat, like ps; null when there is none. */
export function ttyName(ttyNr: number): string | null {
  if (ttyNr === 0) return null
  const major = (ttyNr >> 8) & 0xfff
  const minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00)
  if (major >= 136 && major <= 143) return `pts/${minor + (major - 136) * 256}`
  if (major === 4) return minor < 64 ? `tty${minor}` : `ttyS${minor - 64}`
  if (major === 5) return ['tty', 'console', 'ptmx'][minor] ?? `${major}:${minor}`
  if (major === 188) return `ttyUSB${minor}`
  if (major === 166) return `ttyACM${minor}`
  return `${major}:${minor}`
}

/** /proc/uptime: seconds since boot (first number), to milliseconds. */
export function parseUptime(text: string): number | undefined {
  const seconds = Number.parseFloat(text)
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined
}

export {parsePasswd} from '../../users.js'

/** Page size from the first mapping in /proc/self/smaps ("KernelPageSize:  4 kB"). */
export function parsePageSize(text: string): number | undefined {
  const m = /KernelPageSize:\s+(\d+) kB/.exec(text)
  return m ? Number(m[1]) * 1024 : undefined
}

/** btime from /proc/stat (boot time, seconds since the epoch), to milliseconds. */
export function parseBootTime(text: string): number | undefined {
  const m = /^btime (\d+)$/m.exec(text)
  return m ? Number(m[1]) * 1000 : undefined
}

/**
 * The boot instant to the millisecond: the clock less the uptime (/proc/uptime, to 10 ms), kept
 * within the second btime names (btime is the boot instant cut to whole seconds, so a start time
 * from it alone is up to a second early). Without an uptime, btime itself.
 */
export function bootInstant(btimeMs: number | undefined, nowMs: number, uptimeMs: number | undefined): number | undefined {
  if (uptimeMs === undefined) return btimeMs
  const estimate = Math.round(nowMs - uptimeMs)
  if (btimeMs === undefined) return estimate
  return Math.min(Math.max(estimate, btimeMs), btimeMs + 999)
}

export interface ExitStatus {
  code: number | null
  signal: number | null
}

/**
 * The exit status of a zombie, from field 52 (exit_code, Linux 3.5+) of /proc/PID/stat, in the
 * form waitpid(2) reports: a code, or the number of the signal that ended it.
 */
export function parseExitStatus(buf: Buffer): ExitStatus | undefined {
  const close = buf.lastIndexOf(CLOSE_PAREN)
  if (close < 0) return undefined
  const f = buf.toString('latin1', close + 2, buf.length).trim().split(' ')
  const raw = Number(f[49])
  if (f.length < 50 || !Number.isInteger(raw)) return undefined
  const signal = raw & 0x7f
  return signal === 0 ? {code: (raw >> 8) & 0xff, signal: null} : {code: null, signal}
}

/** VmHWM (peak resident set size) from /proc/PID/status, in bytes. */
export function parsePeakRss(status: Buffer): number | undefined {
  return statusBytes(status, VM_HWM)
}

/** MemTotal of /proc/meminfo, in bytes. */
export function parseMemTotal(meminfo: Buffer): number | undefined {
  return statusBytes(meminfo, MEM_TOTAL)
}

const MEM_TOTAL = Buffer.from('MemTotal:')

/** VmRSS (resident set size now, as ps prints it) from /proc/PID/status, in bytes. */
export function parseRss(status: Buffer): number | undefined {
  return statusBytes(status, VM_RSS)
}

/** TCP state LISTEN, and the state of a bound UDP socket, in /proc/net/{tcp,udp}[6]. */
const TCP_LISTEN = '0A'
const UDP_BOUND = '07'

/**
 * Listening sockets of one /proc/net table, by socket inode: `proto:port` (tcp:3000, udp6:53).
 * TCP sockets in LISTEN, UDP sockets bound to a port.
 */
export function parseNetTable(text: string, proto: 'tcp' | 'tcp6' | 'udp' | 'udp6'): Map<number, string> {
  const out = new Map<number, string>()
  const want = proto.startsWith('tcp') ? TCP_LISTEN : UDP_BOUND
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 10 || f[3] !== want) continue
    const port = Number.parseInt(f[1].split(':')[1], 16)
    const inode = Number(f[9])
    if (port > 0 && inode > 0) out.set(inode, `${proto}:${port}`)
  }

  return out
}

/** /proc/PID/environ: NUL-separated K=V pairs, as an object (a later duplicate wins, as getenv's does not: rare). */
/**
 * Whether an environment area was written over (setproctitle: nginx, redis, perl's $0 move the
 * environment away and use its memory for a longer title): it does not begin with KEY=. An empty
 * area (env -i) is not written over.
 */
export function isEnvironOverwritten(buf: Buffer): boolean {
  if (buf.length === 0) return false
  const end = buf.indexOf(0)
  const eq = buf.indexOf(0x3d)
  return eq <= 0 || (end >= 0 && end < eq)
}

export function parseEnviron(buf: Buffer): Record<string, string> {
  const env: Record<string, string> = {}
  for (const pair of buf.toString('utf8').split('\0')) {
    const eq = pair.indexOf('=')
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1)
  }

  return env
}

const READ_BYTES = Buffer.from('\nread_bytes:')
const WRITE_BYTES = Buffer.from('\nwrite_bytes:')

/** Bytes the process made the storage layer read and write, from /proc/PID/io. */
export function parseIo(buf: Buffer): {readBytes: number | null; writeBytes: number | null} {
  return {readBytes: statusNumber(buf, READ_BYTES) ?? null, writeBytes: statusNumber(buf, WRITE_BYTES) ?? null}
}

const PSS = Buffer.from('\nPss:')
const PRIVATE_CLEAN = Buffer.from('\nPrivate_Clean:')
const PRIVATE_DIRTY = Buffer.from('\nPrivate_Dirty:')
const SWAP = Buffer.from('\nSwap:')

/** PSS, USS (private clean + dirty) and swap from /proc/PID/smaps_rollup, in bytes (psutil's memory_full_info). */
export function parseSmapsRollup(buf: Buffer): {pssBytes: number | null; swapBytes: number | null; ussBytes: number | null} {
  const kb = (key: Buffer) => statusBytes(buf, key) ?? null
  const clean = kb(PRIVATE_CLEAN)
  const dirty = kb(PRIVATE_DIRTY)
  return {pssBytes: kb(PSS), swapBytes: kb(SWAP), ussBytes: clean === null || dirty === null ? null : clean + dirty}
}

/** The inode of a namespace link (`pid:[4026531836]`), as ps -o pidns shows it. */
export function parseNsLink(link: string): number | null {
  const m = /^[a-z_]+:\[(\d+)\]$/.exec(link)
  return m ? Number(m[1]) : null
}

/**
 * The systemd unit of a cgroup v2 path: its innermost service, scope, socket, mount or swap
 * (`/system.slice/ssh.service` is ssh.service; `/user.slice/user-1000.slice/session-2.scope` is
 * session-2.scope); null outside systemd's units.
 */
export function unitOf(cgroup: string): string | null {
  const parts = cgroup.split('/')
  for (let i = parts.length - 1; i >= 0; i--) if (/\.(service|scope|socket|mount|swap)$/.test(parts[i])) return parts[i]
  return null
}

/**
 * The container id in a cgroup v2 path: docker (`docker-ID.scope`, `/docker/ID`), podman
 * (`libpod-ID.scope`), containerd and CRI-O (`cri-containerd-ID.scope`, `crio-ID.scope`) and
 * Kubernetes pods (`/kubepods/.../ID`); null when the path names none.
 */
export function containerOf(cgroup: string): string | null {
  const m = /(?:^|\/)(?:docker|libpod|cri-containerd|crio|containerd)[-/]([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(cgroup) ?? (/\/kubepods/.test(cgroup) ? /\/([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(cgroup) : null)
  return m ? m[1] : null
}

/** The cgroup v2 path of /proc/PID/cgroup (its `0::/path` line); undefined without one. */
export function parseCgroupPath(text: string): string | undefined {
  return /^0::(\/.*)$/m.exec(text)?.[1]
}
