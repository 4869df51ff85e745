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
}

export type Field = keyof ProcessInfo

/** Every core field, in schema order. */
export const FIELDS: readonly Field[] = [
  'pid', 'ppid', 'pgid', 'sid', 'tty', 'state', 'name', 'exe', 'command', 'argv', 'user', 'uid', 'gid',
  'startTime', 'startTicks', 'bootId', 'elapsedMs', 'cpuTimeMs', 'cpuPercent', 'rssBytes', 'vszBytes',
  'threads', 'nice',
]

/** A record with every field unknown except the pid. */
export function emptyRecord(pid: number): ProcessInfo {
  // Written in schema order: JSON keys come out in this order.
  return {
    pid, ppid: null, pgid: null, sid: null, tty: null, state: null, name: null, exe: null, command: null,
    argv: null, user: null, uid: null, gid: null, startTime: null, startTicks: null, bootId: null,
    elapsedMs: null, cpuTimeMs: null, cpuPercent: null, rssBytes: null, vszBytes: null, threads: null, nice: null,
  }
}

/** Identity of a process: a pid alone is not a process once pids are recycled. */
export interface ProcessIdentity {
  pid: number
  startTicks?: number | null
  bootId?: string | null
}

/** Whether two records describe the same process. Unknown (null or missing) parts are not compared. */
export function sameProcess(a: ProcessIdentity, b: ProcessIdentity): boolean {
  if (a.pid !== b.pid) return false
  if (a.startTicks != null && b.startTicks != null && a.startTicks !== b.startTicks) return false
  if (a.bootId != null && b.bootId != null && a.bootId !== b.bootId) return false
  return true
}

/** The largest pid_max Linux allows (2^22). */
export const PID_MAX = 4_194_304

/** Text of a process id: a positive decimal integer no larger than PID_MAX. */
export function isPid(text: string): boolean {
  return /^[1-9]\d*$/.test(text) && Number(text) <= PID_MAX
}
