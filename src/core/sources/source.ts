import type {Field, ProcessInfo} from '../process-info.js'

export interface ListOptions {
  /** The fields the caller needs; a source may fill more, never fewer. */
  fields: ReadonlySet<Field>
}

/** A snapshot of the process table from one source. */
export interface ProcessSource {
  readonly id: 'procfs' | 'ps-list'
  /** Every visible process. Processes that vanish while being read are dropped; zombies are kept. */
  list(options: ListOptions): Promise<ProcessInfo[]>
}
