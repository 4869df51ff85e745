import {Parser} from '@json2csv/plainjs'

import type {ColumnDef} from '../columns/index.js'
import {escapeCell} from './csv-cell.js'

/**
 * CSV with the field names as headers (RFC 4180 quoting), so it reads back in unchanged.
 * Null is an empty cell; arrays (argv) are JSON text in one cell. Safe to open in a spreadsheet:
 * no text cell is a formula (see escapeCell).
 */
export function renderCsv(records: readonly object[], columns: readonly ColumnDef[], header: boolean): string {
  const parser = new Parser({
    eol: '\n',
    fields: columns.map((c) => ({
      label: c.id,
      value(record: object) {
        const v = c.value(record as Record<string, unknown>)
        if (v === null || v === undefined) return ''
        if (Array.isArray(v)) return JSON.stringify(v)
        return typeof v === 'string' ? escapeCell(v) : v
      },
    })),
    header,
  })
  const text = parser.parse(records as object[])
  return text === '' ? '' : text + '\n'
}
