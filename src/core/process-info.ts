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

/** Identity of a process: a pid alone is not a process once pids are recycled. */
export interface ProcessIdentity {
  pid: number
  startTicks?: number | null
  bootId?: string | null
  host?: string | null
}

/** Whether two records describe the same process start. Unknown (null or missing) parts are not compared. */
export function sameProcess(a: ProcessIdentity, b: ProcessIdentity): boolean {
  if (a.pid !== b.pid) return false
  if (a.startTicks != null && b.startTicks != null && a.startTicks !== b.startTicks) return false
  if (a.bootId != null && b.bootId != null && a.bootId !== b.bootId) return false
  if (a.host != null && b.host != null && a.host !== b.host) return false
  return true
}

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

/** Everything a record can carry that tells one process from another holding the same pid later. */
export interface Evidence extends ProcessIdentity {
  startTime?: string | null
  name?: string | null
  command?: string | null
}

/** How close two start times must be to be one start: ps prints whole seconds, and btime moves with clock steps. */
const START_TIME_SLACK_MS = 1000

/**
 * The evidence a record carries, strongest first: `startTicks` with `bootId` (decisive), else
 * `startTicks` or `startTime`, then `command` and `name`. An empty list means the pid alone.
 */
export function evidenceOf(wanted: Evidence): string[] {
  // Start ticks with the boot id decide alone (see isSameTarget).
  if (wanted.startTicks != null && wanted.bootId != null) return ['startTicks', 'bootId']
  const kinds: string[] = []
  if (wanted.startTicks != null) kinds.push('startTicks')
  else if (wanted.startTime != null) kinds.push('startTime')
  if (wanted.command != null) kinds.push('command')
  if (wanted.name != null) kinds.push('name')
  return kinds
}

/**
 * Whether the live process is the one a record describes, using all the evidence the record
 * carries: start (ticks and boot, else wall-clock start time), and command and name whenever
 * both sides know them. The command also catches a pid reused within one clock tick.
 */
export function isSameTarget(wanted: Evidence, live: Evidence): boolean {
  if (!sameProcess(wanted, live)) return false
  // Start ticks and boot id on both sides decide: a pid is reused within one tick (10 ms) only if
  // the kernel cycled through every pid in that time. A process may retitle itself (nginx,
  // redis, pm2, process.title) between a listing and a signal: the command then differs, and it
  // is still the same process.
  if (wanted.startTicks != null && live.startTicks != null && wanted.bootId != null && live.bootId != null) return true
  if (wanted.startTicks == null && wanted.startTime != null && live.startTime != null) {
    const a = Date.parse(wanted.startTime)
    const b = Date.parse(live.startTime)
    if (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) >= START_TIME_SLACK_MS) return false
  }

  if (wanted.command != null && live.command != null && !sameCommand(wanted.command, live.command)) return false
  if (wanted.name != null && live.name != null && wanted.name !== live.name) return false
  return true
}

/** A command as a table shows it may have been cut with an ellipsis: then its prefix must match. */
function sameCommand(wanted: string, live: string): boolean {
  if (wanted === live) return true
  return wanted.endsWith('\u2026') && live.startsWith(wanted.slice(0, -1))
}

/** The largest pid_max Linux allows (2^22). */
export const PID_MAX = 4_194_304

/** Text of a process id: a positive decimal integer no larger than PID_MAX. */
export function isPid(text: string): boolean {
  return /^[1-9]\d*$/.test(text) && Number(text) <= PID_MAX
}
