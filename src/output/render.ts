import type {ColumnDef} from '../columns/index.js'

import type {GroupBy} from './openmetrics.js'

export const FORMATS = ['table', 'json', 'ndjson', 'csv', 'list', 'pids'] as const
/** proc list also writes metrics. */
export const LIST_FORMATS = [...FORMATS, 'openmetrics'] as const
export type Format = (typeof LIST_FORMATS)[number]

export interface RenderOptions {
  format: Format
  /** Columns of the table and CSV; of JSON and NDJSON too when `project` is set. */
  columns: readonly ColumnDef[]
  /** JSON/NDJSON: keep only `columns` instead of whole records. */
  project: boolean
  header: boolean
  /** pids only: what separates the pids (default a newline), as pgrep -d. */
  delimiter?: string
  /** Table only: colour, and the width to cut the command column to (undefined: never cut). */
  color: boolean
  width?: number
  /** Table only: rewrite a cell's text (the tree puts its branches before the command). */
  decorate?: (row: number, column: ColumnDef, text: string) => string
  /** Table only: columns to align left whatever their kind (the one carrying the tree). */
  leftAligned?: ReadonlySet<ColumnDef>
  /** Table only: rows to emphasise when colour is on (the matches in a tree). */
  emphasize?: (row: number) => boolean
  /** OpenMetrics only: sum per group instead of a series per process; cap the per-process series. */
  groupBy?: GroupBy
  limit?: number
}

type Row = Record<string, unknown>

function project(records: readonly object[], columns: readonly ColumnDef[]): Row[] {
  return records.map((record) => {
    const out: Row = {}
    for (const c of columns) out[c.id] = c.value(record as Row)
    return out
  })
}

/** One NDJSON line: for streaming records as they happen. */
export function ndjsonLine(record: object, options: Pick<RenderOptions, 'columns' | 'project'>): string {
  return JSON.stringify(options.project ? project([record], options.columns)[0] : record) + '\n'
}

/** Render records in one of the formats. Table, CSV and OpenMetrics code is loaded only when chosen. */
export async function render(records: readonly object[], options: RenderOptions): Promise<string> {
  switch (options.format) {
    case 'json': {
      const rows = options.project ? project(records, options.columns) : records
      if (rows.length === 0) return '[]\n'
      return `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`
    }

    case 'ndjson': {
      return records.map((r) => ndjsonLine(r, options)).join('')
    }

    case 'csv': {
      const {renderCsv} = await import('./csv.js')
      return renderCsv(records, options.columns, options.header)
    }

    case 'list': {
      const {renderList} = await import('./table.js')
      return renderList(records, options.columns)
    }

    case 'openmetrics': {
      const {exposition, processFamilies} = await import('./openmetrics.js')
      return exposition(processFamilies(records, {columns: options.columns, groupBy: options.groupBy, limit: options.limit}))
    }

    case 'pids': {
      if (records.length === 0) return ''
      return records.map((r) => String((r as {pid: unknown}).pid)).join(options.delimiter ?? '\n') + '\n'
    }

    default: {
      const {renderTable} = await import('./table.js')
      return renderTable(records, options)
    }
  }
}
