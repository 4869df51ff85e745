// The output flags to an output plan: the format, the columns (this command's, fitted to the
// source for a default table), the sort and the limit; and `--columns help`.

import {allColumns, type ColumnDef, describeColumns, parseColumns, scopeColumns} from '../columns/index.js'
import {UsageError} from '../core/errors.js'
import {parseSort, type SortKey} from '../core/sort.js'
import type {Format} from '../output/render.js'
import {isTerminal, terminalColumns} from '../output/stdio.js'
import {parseCount} from './argv.js'
import {sourceOf} from './selector-flags.js'

export interface OutputFlags {
  columns?: string
  /** The source flags, where the command has them: --columns help lists what that source can give. */
  source?: string
  procfs?: string
  /** list and tree: --watch's events carry `change`, as diff records do. */
  watch?: string
  delimiter?: string
  wide?: boolean
  format?: string
  header: boolean
  json: boolean
  limit?: string
  sort?: string
}

export interface OutputPlan {
  delimiter?: string
  format: Format
  wide?: boolean
  columns: ColumnDef[]
  explicitColumns: boolean
  /** The output shows whole records (JSON, NDJSON and CSV without --columns): every field is read. */
  wholeRecords: boolean
  header: boolean
  sort: SortKey[]
  limit?: number
}

/** What a command shows when the flags name nothing: its machine-format columns, its sort and its table. */
export interface PlanDefaults {
  machine: readonly ColumnDef[]
  sort: string
  table: string
}

/** Validate the output flags. Returns undefined when `--columns help` was answered (written with `write`). */
export function planOutput(command: string, flags: OutputFlags, defaults: PlanDefaults, write: (text: string) => void): OutputPlan | undefined {
  if (flags.watch !== undefined) scopeColumns(`${command} --watch`)
  if (flags.columns?.trim() === 'help') {
    // What this command prints on this platform's source (a column whose fields the source
    // cannot give is left out, and counted). Wrapped to a terminal, between words; one line a
    // column for a pipe (grep).
    const source = sourceOf(flags)
    const offered = allColumns().filter((c) => c.needs.every((f) => source.fields.has(f)))
    const missing = allColumns().length - offered.length
    const note = missing > 0 ? `\n(${missing} more column(s) need fields the ${source.id} source cannot give)` : ''
    write(describeColumns(offered, isTerminal(1) ? terminalColumns() : undefined) + note + '\n')
    return undefined
  }

  const format: Format = flags.json ? 'json' : ((flags.format as Format | undefined) ?? 'table')
  if (flags.delimiter !== undefined && format !== 'pids') throw new UsageError('--delimiter goes with --format pids')
  const explicitColumns = flags.columns !== undefined
  // The list format shows what the table shows, one record a block; pids show the pid alone, so
  // pgrep's use (proc list --match X --format pids) reads no more than the selection needs.
  const columns = explicitColumns
    ? parseColumns(flags.columns!)
    : format === 'table' || format === 'list'
      ? parseColumns(defaults.table)
      : format === 'pids'
        ? parseColumns('pid')
        : [...defaults.machine]
  return {
    columns,
    delimiter: flags.delimiter,
    wide: flags.wide,
    explicitColumns,
    wholeRecords: !explicitColumns && (format === 'json' || format === 'ndjson' || format === 'csv'),
    format,
    header: flags.header,
    limit: flags.limit === undefined ? undefined : parseCount(flags.limit, '--limit'),
    sort: parseSort(flags.sort ?? defaults.sort),
  }
}
