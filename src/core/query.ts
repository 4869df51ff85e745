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
  if (query.fullRecords) return new Set(FIELDS)
  const fields = new Set<Field>(['pid', 'ppid', 'startTicks', 'bootId', ...query.selection.needs])
  for (const c of [...query.columns, ...query.sort.map((k) => k.column)]) for (const f of c.needs) fields.add(f)
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
