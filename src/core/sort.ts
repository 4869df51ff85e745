import {type ColumnDef, getColumn} from '../columns/index.js'
import {UsageError} from './errors.js'

export interface SortKey {
  column: ColumnDef
  descending: boolean
}

/** Parse `--sort -cpu,pid`: a comma list of columns, `-` for descending (`+` for ascending is accepted). */
export function parseSort(spec: string): SortKey[] {
  return spec.split(',').map((part) => {
    const key = part.trim()
    const descending = key.startsWith('-')
    const name = key.replace(/^[+-]/, '')
    if (name === '') throw new UsageError(`--sort: empty sort key in '${spec}'`)
    return {column: getColumn(name, '--sort'), descending}
  })
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const x = Array.isArray(a) ? a.join(' ') : String(a)
  const y = Array.isArray(b) ? b.join(' ') : String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Stable multi-key sort. Nulls sort last in either direction. */
export function sortRecords<T extends object>(records: T[], keys: readonly SortKey[]): T[] {
  if (keys.length === 0) return records
  const rows = records.map((record) => ({record, values: keys.map((k) => k.column.value(record as Record<string, unknown>))}))
  rows.sort((ra, rb) => {
    for (const [i, key] of keys.entries()) {
      const a = ra.values[i]
      const b = rb.values[i]
      const an = a === null || a === undefined
      const bn = b === null || b === undefined
      if (an || bn) {
        if (an && bn) continue
        return an ? 1 : -1
      }

      const c = compareValues(a, b)
      if (c !== 0) return key.descending ? -c : c
    }

    return 0
  })
  return rows.map((r) => r.record)
}
