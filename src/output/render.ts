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

function jsonRecord(record: object, options: Pick<RenderOptions, 'columns' | 'project'>): string {
  return JSON.stringify(options.project ? project([record], options.columns)[0] : record)
}

/** One NDJSON line: for streaming records as they happen. */
export function ndjsonLine(record: object, options: Pick<RenderOptions, 'columns' | 'project'>): string {
  return jsonRecord(record, options) + '\n'
}

/** How a JSON array of records is framed: one record a line. */
const JSON_OPEN = '[\n'
const JSON_BETWEEN = ',\n'
const JSON_CLOSE = '\n]\n'
const JSON_EMPTY = '[]\n'

/**
 * JSON or NDJSON written one record at a time into bytes: what render() gives of the same records
 * in the same order, without holding them. The text is outside V8's heap: thousands of records
 * are neither kept nor copied by the garbage collector while a listing is read.
 */
export class JsonWriter {
  private bytes = Buffer.allocUnsafe(64 * 1024)
  private length = 0
  private count = 0

  constructor(
    private readonly format: 'json' | 'ndjson',
    private readonly options: Pick<RenderOptions, 'columns' | 'project'>,
  ) {}

  add(record: object): void {
    if (this.format === 'json') this.put(this.count === 0 ? JSON_OPEN : JSON_BETWEEN)
    this.put(this.format === 'json' ? jsonRecord(record, this.options) : ndjsonLine(record, this.options))
    this.count++
  }

  /** The whole text; add() no more after it. */
  end(): Buffer {
    if (this.format === 'json') this.put(this.count === 0 ? JSON_EMPTY : JSON_CLOSE)
    return this.bytes.subarray(0, this.length)
  }

  private put(text: string): void {
    // UTF-8 takes at most 3 bytes for each UTF-16 unit.
    const room = this.length + text.length * 3
    if (room > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(room, this.bytes.length * 2))
      this.bytes.copy(bigger, 0, 0, this.length)
      this.bytes = bigger
    }

    this.length += this.bytes.write(text, this.length)
  }
}

/** Render records in one of the formats. Table, CSV and OpenMetrics code is loaded only when chosen. */
export async function render(records: readonly object[], options: RenderOptions): Promise<string> {
  switch (options.format) {
    case 'json': {
      const rows = options.project ? project(records, options.columns) : records
      if (rows.length === 0) return JSON_EMPTY
      return JSON_OPEN + rows.map((r) => JSON.stringify(r)).join(JSON_BETWEEN) + JSON_CLOSE
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
