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

/** Order two rows of key values: nulls last in either direction, then each key's own direction. */
function compareRows(values: readonly unknown[], a: number, b: number, keys: readonly SortKey[]): number {
  for (let i = 0; i < keys.length; i++) {
    const x = values[a + i]
    const y = values[b + i]
    const xn = x === null || x === undefined
    const yn = y === null || y === undefined
    if (xn || yn) {
      if (xn && yn) continue
      return xn ? 1 : -1
    }

    const c = compareValues(x, y)
    if (c !== 0) return keys[i].descending ? -c : c
  }

  return 0
}

/**
 * Stable multi-key sort. Nulls sort last in either direction. Records already in order come back
 * as they are, after one pass: a listing comes in pid order, the order most commands sort by.
 */
export function sortRecords<T extends object>(records: T[], keys: readonly SortKey[]): T[] {
  const n = records.length
  const k = keys.length
  if (k === 0 || n < 2) return records
  // The key values of record i at i * k .. i * k + k - 1: one array, not one per record.
  const values: unknown[] = new Array(n * k)
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) values[i * k + j] = keys[j].column.value(records[i] as Record<string, unknown>)
  let inOrder = true
  for (let i = 1; i < n && inOrder; i++) inOrder = compareRows(values, (i - 1) * k, i * k, keys) <= 0
  if (inOrder) return records
  const order = Array.from({length: n}, (_, i) => i)
  order.sort((a, b) => compareRows(values, a * k, b * k, keys) || a - b)
  return order.map((i) => records[i])
}
