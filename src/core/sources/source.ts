import type {Field, Machine, ProcessInfo} from '../process-info.js'

/** What a source can say about a pid right now: who holds it, and whether it still runs. */
export interface Probe {
  pid: number
  startTicks: number | null
  bootId: string | null
  /** Z for a zombie (exited, not yet reaped); null when the source cannot tell. */
  state: string | null
  /** A zombie's exit status, when the source can read it. */
  exit?: {code: number | null; signal: number | null}
  /** The kernel is tearing it down (PF_EXITING): it has ended but for the last bookkeeping. */
  exiting?: boolean
  /** Read only when a probe asks for detail (to compare with a record that carries them). */
  name?: string | null
  command?: string | null
  startTime?: string | null
}

export interface ListOptions {
  /** The fields the caller needs; a source may fill more, never fewer. */
  fields: ReadonlySet<Field>
  /** One record per thread (procfs only): the process's record with the thread's own fields and its tid. */
  threads?: boolean
}

/**
 * A listing taken at once, without yielding (a converging kill walks the tree between signals),
 * and the cgroup of a process where the host has cgroups v2 (procfs).
 */
export interface LiveTable {
  listSync(fields: ReadonlySet<Field>): ProcessInfo[]
  cgroupOf?(pid: number | 'self'): string | undefined
  /** A group of proc's own (a cgroup v2 child of proc's cgroup, `<prefix>-<id>`), where the host allows one. */
  createGroup?(prefix: string, id: string): ProcessGroup | undefined
  /** See RunSupport.startWatchdog: undoes a group if proc is killed with SIGKILL. */
  startWatchdog?(script: string): Watchdog | undefined
}

/**
 * A group of proc's own that every descendant of a member stays in, whatever it does to its
 * session, group or environment (Linux: a cgroup v2 child group). `proc spawn` starts its child
 * in one (leak detection); `proc kill` moves a tree into one to freeze it and end it at once.
 */
export interface ProcessGroup {
  readonly dir: string
  /** The file a process writes its pid to, to join (the trampoline before exec). */
  readonly procsFile: string
  readonly canKill: boolean
  readonly canFreeze: boolean
  members(): number[]
  adopt(pid: number): boolean
  release(pid: number, to?: string): boolean
  memoryPeak(): number | undefined
  kill(): boolean
  freeze(on: boolean, waitMs?: number): boolean
  /** Shell lines that undo the group (members back to proc's group, the group removed), for the watchdog. */
  undoScript(): string
  remove(): void
}

/** A watchdog started by RunSupport.startWatchdog: call `stop()` on a normal end so it never runs. */
export interface Watchdog {
  /** Send the script a line (it reads it with `read`), such as the identity of what it guards. */
  tell(line: string): void
  stop(): void
}

/**
 * What `proc spawn` needs beyond a listing: the run's probes (the child's start, its peak and
 * current RSS, proc's own reaped CPU time) and leak detection (environment cookies, rewritten
 * environments, the cgroup proc runs in). procfs only: elsewhere spawn reports the exit alone.
 */
export interface RunSupport extends LiveTable {
  /**
   * Cleanup that must happen even when proc is killed with SIGKILL: a shell blocked on a pipe from
   * proc runs `script` when the pipe closes. Every signal it sends checks `identityGuard` first.
   */
  startWatchdog(script: string): Watchdog | undefined
  /** A shell condition true while `pid` still holds the process that started at `startTicks` (either may be a shell variable). */
  identityGuard(pid: number | string, startTicks: number | string): string
  probe(pid: number, detail?: boolean): Probe | undefined
  startTicks(pid: number): number | undefined
  rss(pid: number): number | undefined
  peakRss(pid: number): number | undefined
  self(): {pgid: number; tpgid: number; childUserMs: number; childSystemMs: number} | undefined
  hasEnv(pid: number, name: string): boolean
  environOverwritten(pid: number): boolean
}

/** The names of the sources (--source). */
export type SourceName = 'cim' | 'procfs' | 'ps' | 'ps-list'

/**
 * A snapshot of the process table from one source: a required core (list, probe, exists, the
 * machine) and capabilities, each an optional member a caller checks once (`source.live`,
 * `source.run`, `source.threadsOf`...). What a source lacks, it does not declare.
 */
export interface ProcessSource {
  readonly id: SourceName
  /** The fields its records can carry: a selector, column or --where field outside them is a usage error. */
  readonly fields: ReadonlySet<Field>
  /**
   * The fields a listing gives whatever it is asked for, at no extra cost (ps prints every keyword
   * in one call; the Windows source's fastlist pid, ppid and name): a sampler may take them along.
   */
  readonly freeFields?: ReadonlySet<Field>
  /** A synchronous listing, for converging kills (procfs). */
  readonly live?: LiveTable
  /** spawn's probes and leak detection (procfs). */
  readonly run?: RunSupport
  /** The machine it reads: records from any other (or from an earlier boot) are foreign here. */
  machine(): Machine
  /** Every visible process. Processes that vanish while being read are dropped; zombies are kept. */
  list(options: ListOptions): Promise<ProcessInfo[]>
  /**
   * What list() gives (no threads), in pid order, each record handed to `visit` as it is read and
   * kept by no one else; `visit` returns false to stop there (procfs only).
   */
  each?(fields: ReadonlySet<Field>, visit: (record: ProcessInfo) => boolean | void): void
  /**
   * The process holding `pid` now, or undefined when there is none (or none this source can see).
   * Cheap: called while polling. With `detail`, also its name, command and start time.
   */
  probe(pid: number, detail?: boolean): Probe | undefined
  /**
   * Whether some process holds `pid`, seen or not (kill(pid, 0): EPERM means it exists). Lets a
   * hidden process (hidepid, another user's) be told from a gone one. False for a fake tree.
   */
  exists(pid: number): boolean
  /** Whether pid's process group is its terminal's foreground group (where the source can tell without run support: ps). */
  inForeground?(pid: number): boolean | undefined
  /** Whether some process holds a lock on this file (device and inode, as stat(2) gives them; procfs only). */
  isLocked?(dev: number, ino: number): boolean
  /** The pipes a process's stdin and stdout are (`pipe:[N]`), to tell the members of one pipeline (procfs only). */
  stdioPipes?(pid: number): string[]
  /** The threads of a process other than its main thread, by tid, with their names (procfs only). */
  threadsOf?(pid: number): Array<{name: string; tid: number}>
  /** Read one process's fields (procfs only). */
  readOne?(pid: number, fields: ReadonlySet<Field>): ProcessInfo | undefined
  /** These pids as a listing shows them (no threads, nothing gone): what list() gives of them, without reading every process. */
  readSome?(pids: Iterable<number>, fields: ReadonlySet<Field>): ProcessInfo[]
  /** A process and its ancestors (ppid read too), as a listing shows them, up to init or the first one gone. */
  lineage?(pid: number, fields: ReadonlySet<Field>): ProcessInfo[]
}
