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

/** A snapshot of the process table from one source. */
export interface ProcessSource {
  readonly id: 'procfs' | 'ps-list'
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
