import {type ColumnDef, isRightAligned} from '../columns/index.js'
import {escapeControl} from './escape.js'
import type {RenderOptions} from './render.js'

const WIDE_COLUMNS = new Set(['argv', 'command'])

interface Painter {
  bold(text: string): string
  dim(text: string): string
  state(text: string): string
}

const plainPainter: Painter = {bold: (t) => t, dim: (t) => t, state: (t) => t}

async function colourPainter(): Promise<Painter> {
  const {Chalk} = await import('chalk')
  const chalk = new Chalk({level: 1})
  const states: Record<string, (t: string) => string> = {D: chalk.yellow, R: chalk.green, Z: chalk.red}
  return {bold: chalk.bold, dim: chalk.dim, state: (t) => (states[t.trim()] ?? String)(t)}
}

function cell(column: ColumnDef, record: object): string {
  const v = column.value(record as Record<string, unknown>)
  return v === null || v === undefined ? '-' : escapeControl(column.format(v))
}

/** Width in terminal cells; good enough for the text proc prints (no wide-glyph tables). */
function width(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

/** Cut text to `room` characters, marking the cut with an ellipsis. */
function cut(text: string, room: number): string {
  const chars = [...text]
  if (chars.length <= room) return text
  return room <= 1 ? chars.slice(0, room).join('') : chars.slice(0, room - 1).join('') + '…'
}

/**
 * A borderless, ps-like table: numbers right-aligned, the last column not padded, the command
 * cut to `options.width` on a TTY. (cli-table3 was measured at 5 s for 5,000 rows: its span
 * layout is quadratic; this is linear. See bench/RESULTS.md.)
 */
export async function renderTable(records: readonly object[], options: RenderOptions): Promise<string> {
  const {columns} = options
  const paint = options.color ? await colourPainter() : plainPainter
  const {decorate} = options
  const rows = records.map((r, i) => columns.map((c) => (decorate ? decorate(i, c, cell(c, r)) : cell(c, r))))
  if (options.header) rows.unshift(columns.map((c) => c.header))
  if (rows.length === 0) return ''
  const widths = columns.map((_, i) => {
    let w = 0
    for (const row of rows) w = Math.max(w, width(row[i]))
    return w
  })
  const wide = columns.findIndex((c) => WIDE_COLUMNS.has(c.id))
  if (options.width !== undefined && wide >= 0) {
    const others = widths.reduce((sum, w, i) => (i === wide ? sum : sum + w + 1), 0)
    const room = Math.max(10, options.width - others)
    for (const row of rows) row[wide] = cut(row[wide], room)
    widths[wide] = Math.min(widths[wide], room)
  }

  const right = columns.map((c) => isRightAligned(c) && !options.leftAligned?.has(c))
  const last = columns.length - 1
  const first = options.header ? 1 : 0
  const lines = rows.map((row, r) => {
    const isHeader = r < first
    const emphasis = isHeader || !options.emphasize ? undefined : options.emphasize(r - first) ? paint.bold : paint.dim
    let line = ''
    for (const [i, text] of row.entries()) {
      const pad = widths[i] - width(text)
      let shown = isHeader ? paint.bold(text) : emphasis ? emphasis(text) : columns[i].id === 'state' ? paint.state(text) : text
      if (right[i]) shown = ' '.repeat(pad) + shown
      else if (i < last) shown += ' '.repeat(pad)
      line += i === 0 ? shown : ' ' + shown
    }

    return line
  })
  return lines.join('\n') + '\n'
}
