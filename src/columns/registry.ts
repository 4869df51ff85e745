import type {Field} from '../core/process-info.js'
import {UsageError} from '../core/errors.js'

export type ColumnKind = 'bytes' | 'count' | 'cputime' | 'duration' | 'id' | 'list' | 'percent' | 'string' | 'time'

/** One column: a definition is all it takes to add one. */
export interface ColumnDef {
  /** Name in --columns, --sort, --where, JSON keys and CSV headers. */
  id: string
  /** Other names accepted on the command line (ps-style short names). */
  aliases: readonly string[]
  /** Table header. */
  header: string
  description: string
  kind: ColumnKind
  /** Record fields the source must fill for this column. */
  needs: readonly Field[]
  /** Raw value: sorting, --where, JSON, NDJSON, CSV. */
  value(record: Record<string, unknown>): unknown
  /** Text for the table; called only for non-null values. */
  format(value: unknown): string
}

const NUMERIC: ReadonlySet<ColumnKind> = new Set(['bytes', 'count', 'cputime', 'duration', 'id', 'percent'])

export function isNumeric(column: ColumnDef): boolean {
  return NUMERIC.has(column.kind)
}

export function isRightAligned(column: ColumnDef): boolean {
  return NUMERIC.has(column.kind)
}

const byName = new Map<string, ColumnDef>()
const all: ColumnDef[] = []

export type ColumnSpec = Partial<ColumnDef> & Pick<ColumnDef, 'description' | 'header' | 'id' | 'kind'>

/** Register a column. Fields of the record default to reading the field of the same name. */
export function defineColumn(spec: ColumnSpec): ColumnDef {
  const column: ColumnDef = {
    aliases: [],
    format: String,
    needs: [],
    value: (record) => record[spec.id] ?? null,
    ...spec,
  }
  for (const name of [column.id, ...column.aliases]) {
    const key = name.toLowerCase()
    if (byName.has(key)) throw new Error(`column name '${name}' is defined twice`)
    byName.set(key, column)
  }

  all.push(column)
  return column
}

/** Look up a column by id or alias, case-insensitively. */
export function findColumn(name: string): ColumnDef | undefined {
  return byName.get(name.toLowerCase())
}

export function allColumns(): readonly ColumnDef[] {
  return all
}

export function getColumn(name: string, flag = '--columns'): ColumnDef {
  const column = findColumn(name)
  if (!column) throw new UsageError(`${flag}: unknown column '${name}' (see --columns help)`)
  return column
}

/** Parse a comma-separated column list such as `pid,ppid,user,command`. */
export function parseColumns(list: string, flag = '--columns'): ColumnDef[] {
  const names = list.split(',').map((s) => s.trim())
  if (names.some((n) => n === '')) throw new UsageError(`${flag}: empty column name in '${list}'`)
  return names.map((n) => getColumn(n, flag))
}

/** One line per column, for `--columns help`. */
export function describeColumns(columns: readonly ColumnDef[] = all): string {
  const width = Math.max(...columns.map((c) => c.id.length))
  return columns
    .map((c) => {
      const aliases = c.aliases.length > 0 ? ` (also: ${c.aliases.join(', ')})` : ''
      return `${c.id.padEnd(width)}  ${c.header.padEnd(8)} ${c.description}${aliases}`
    })
    .join('\n')
}
