import {didYouMean} from '../core/suggest.js'
import {wrapWords} from '../core/wrap.js'
import {UsageError} from '../core/errors.js'
import type {Field} from '../core/process-info.js'
import {formatBytes, formatCpuTime, formatElapsed} from '../core/units.js'

export type ColumnKind = 'boolean' | 'bytes' | 'count' | 'cputime' | 'duration' | 'id' | 'list' | 'map' | 'percent' | 'string' | 'time'

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
  /**
   * The commands whose records carry it (`change`: diff; `status`: kill and wait); absent: every
   * command that prints processes. Elsewhere it is an unknown column, never a column of `-`.
   */
  commands?: readonly string[]
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

/** How the table shows a raw value, by kind, unless a column says otherwise. */
const FORMAT_BY_KIND: Partial<Record<ColumnKind, (value: unknown) => string>> = {
  bytes: (v) => formatBytes(v as number),
  cputime: (v) => formatCpuTime(v as number),
  duration: (v) => formatElapsed(v as number),
  list: (v) => (v as unknown[]).join(' '),
  map: (v) =>
    Object.entries(v as Record<string, string>)
      .map(([k, x]) => `${k}=${x}`)
      .join(' '),
  percent: (v) => (v as number).toFixed(1),
}

const byName = new Map<string, ColumnDef>()
const all: ColumnDef[] = []

export type ColumnSpec = Partial<ColumnDef> & Pick<ColumnDef, 'description' | 'header' | 'id' | 'kind'>

/** Register a column. Fields of the record default to reading the field of the same name. */
export function defineColumn(spec: ColumnSpec): ColumnDef {
  const column: ColumnDef = {
    aliases: [],
    format: FORMAT_BY_KIND[spec.kind] ?? String,
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

/** The command that is running: only its columns are known (undefined: all, as in unit tests). */
let scope: string | undefined

/** Make the columns of this command the known ones (the command context calls it once). */
export function scopeColumns(command: string | undefined): void {
  scope = command
}

const inScope = (c: ColumnDef) => scope === undefined || c.commands === undefined || c.commands.includes(scope)

/** Look up a column of this command by id or alias, case-insensitively. */
export function findColumn(name: string): ColumnDef | undefined {
  const column = byName.get(name.toLowerCase())
  return column && inScope(column) ? column : undefined
}

/** The columns of this command. */
export function allColumns(): readonly ColumnDef[] {
  return scope === undefined ? all : all.filter(inScope)
}

export function getColumn(name: string, flag = '--columns'): ColumnDef {
  const column = findColumn(name)
  if (!column) {
    const elsewhere = byName.get(name.toLowerCase())
    if (elsewhere) throw new UsageError(`${flag}: '${name}' is a column of ${elsewhere.commands!.map((c) => `proc ${c}`).join(', ')} only (see --columns help)`)
    const names = allColumns().flatMap((c) => [c.id, ...(c.aliases ?? [])])
    throw new UsageError(`${flag}: unknown column '${name}'${didYouMean(name, names)} (see --columns help)`)
  }

  return column
}

/** Parse a comma-separated column list such as `pid,ppid,user,command`. */
export function parseColumns(list: string, flag = '--columns'): ColumnDef[] {
  const names = list.split(',').map((s) => s.trim())
  if (names.some((n) => n === '')) throw new UsageError(`${flag}: empty column name in '${list}'`)
  return names.map((n) => getColumn(n, flag))
}

/**
 * Default columns as a source can fill them: where it has no command lines (fastlist on
 * Windows), COMMAND becomes NAME; a column it cannot fill at all is left out, not a column of `-`.
 */
export function fitColumns(columns: readonly ColumnDef[], fields: ReadonlySet<Field>): ColumnDef[] {
  const fits = (c: ColumnDef) => c.needs.every((f) => fields.has(f))
  return columns.flatMap((c) => (fits(c) ? [c] : c.id === 'command' && fields.has('name') && !columns.some((o) => o.id === 'name') ? [getColumn('name')] : []))
}

/** One line per column, for `--columns help`. */
export function describeColumns(columns: readonly ColumnDef[] = allColumns(), lineWidth?: number): string {
  const width = Math.max(...columns.map((c) => c.id.length))
  const headers = Math.max(8, ...columns.map((c) => c.header.length))
  const indent = width + 2 + headers + 1
  return columns
    .map((c) => {
      const aliases = c.aliases.length > 0 ? ` (also: ${c.aliases.join(', ')})` : ''
      return `${c.id.padEnd(width)}  ${c.header.padEnd(headers)} ${wrapWords(c.description + aliases, lineWidth === undefined ? undefined : lineWidth - indent, indent)}`
    })
    .join('\n')
}
