import type {ColumnDef} from '../columns/index.js'
import {type Field, FIELDS, type ProcessInfo} from './process-info.js'
import type {Selection} from './select.js'
import {takeSnapshot} from './snapshot.js'
import {type SortKey, sortRecords} from './sort.js'
import type {ProcessSource} from './sources/source.js'

export interface Query {
  selection: Selection
  /** Columns that will be printed; with `fullRecords`, every field is read. */
  columns: readonly ColumnDef[]
  fullRecords: boolean
  sort: readonly SortKey[]
  limit?: number
  sampleMs?: number
  /** One record per thread. */
  threads?: boolean
}

/** The fields a query needs the source to read: nothing more, so unneeded /proc files stay unread. */
export function neededFields(query: Query): Set<Field> {
  // Whole records, and whatever the selectors read beyond them (--env, --port, --no-kernel...).
  if (query.fullRecords) return new Set([...FIELDS, ...query.selection.needs])
  const fields = new Set<Field>(['pid', 'ppid', 'startTicks', 'bootId', ...query.selection.needs])
  for (const c of [...query.columns, ...query.sort.map((k) => k.column)]) for (const f of c.needs) fields.add(f)
  // The table marks a zombie's name and command <defunct>, as ps does: it needs the state.
  if (fields.has('command') || fields.has('name')) fields.add('state')
  return fields
}

/** Read, select, sort and limit: the pipeline behind list (and the selection of every other command). */
export async function queryProcesses(source: ProcessSource, query: Query): Promise<ProcessInfo[]> {
  const records = await takeSnapshot(source, {fields: neededFields(query), sampleMs: query.sampleMs, threads: query.threads})
  const selected = sortRecords(
    query.selection.narrow(records.filter((r) => query.selection.test(r))),
    query.sort,
  )
  return query.limit === undefined ? selected : selected.slice(0, query.limit)
}

/**
 * queryProcesses' records, handed to `visit` one at a time; returns how many. Where the source
 * reads in pid order and nothing needs every record at once (a sort other than by pid, a CPU
 * sample, --newest or --oldest, threads), each is handed on as it is read and then dropped: a
 * listing of thousands is never held, nor copied from one GC generation to the next.
 */
export async function eachProcess(source: ProcessSource, query: Query, visit: (record: ProcessInfo) => void): Promise<number> {
  const inPidOrder = query.sort.every((k, i) => i === 0 && k.column.id === 'pid' && !k.descending)
  if (!source.each || !inPidOrder || query.sampleMs || query.threads || query.selection.narrows) {
    const records = await queryProcesses(source, query)
    for (const r of records) visit(r)
    return records.length
  }

  const {limit, selection} = query
  let n = 0
  // /proc is read (and found unreadable) whatever the limit, as a whole listing would read it.
  source.each(neededFields(query), (r) => {
    if (n === limit) return false
    if (!selection.test(r)) return true
    visit(r)
    return ++n !== limit
  })
  return n
}
