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

/** A value as the table and the list format show it: formatted, escaped, `-` when unknown. */
export function cell(column: ColumnDef, record: object): string {
  const v = column.value(record as Record<string, unknown>)
  if (v === null || v === undefined) {
    // As ps shows a process whose command line it cannot read: its name in brackets (JSON keeps null).
    const name = column.id === 'command' ? (record as {name?: unknown}).name : undefined
    return typeof name === 'string' ? `[${escapeControl(name)}]` : '-'
  }
  const text = escapeControl(column.format(v))
  // As ps shows a zombie: its name in brackets, then <defunct>. JSON keeps state Z and the raw fields.
  return (column.id === 'command' || column.id === 'name') && (record as {state?: unknown}).state === 'Z' ? `${text} <defunct>` : text
}

type Width = (text: string) => number

/**
 * One cell a UTF-16 unit, with no need to load string-width: printable ASCII, and the box-drawing
 * block (U+2500-U+257F) the tree draws its branches with, narrow in every terminal's default
 * (East Asian Width "ambiguous", which string-width also counts as one).
 */
const NARROW = /^[\x20-\x7e\u2500-\u257f]*$/

/**
 * Display width in terminal cells: string-width (East Asian wide characters and emoji take two
 * cells, combining marks none), loaded only when some text is not NARROW. A process picks
 * its own arguments, so the cost must stay linear: string-width is quadratic in the length of one
 * string (131 s for 100,000 characters) and so is Intl.Segmenter past 64 K, so only the runs of
 * non-ASCII text are measured, in slices of at most 1,000 characters, one grapheme at a time, and
 * each grapheme's width is remembered.
 */
async function widthFunction(): Promise<Width> {
  const {default: stringWidth} = await import('string-width')
  const segmenter = new Intl.Segmenter()
  const known = new Map<string, number>()
  const measure = (run: string) => {
    let total = 0
    for (let at = 0; at < run.length; at += 1000) {
      for (const {segment} of segmenter.segment(run.slice(at, at + 1000))) {
        let w = known.get(segment)
        if (w === undefined) {
          w = stringWidth(segment)
          known.set(segment, w)
        }

        total += w
      }
    }

    return total
  }

  return (text) => {
    if (NARROW.test(text)) return text.length
    let total = 0
    let ascii = 0
    for (const m of text.matchAll(/[^\x20-\x7e]+/g)) {
      total += m.index - ascii + measure(m[0])
      ascii = m.index + m[0].length
    }

    return total + text.length - ascii
  }
}

/** Cut text to `room` cells, marking the cut with an ellipsis (never half a wide character). */
function cut(text: string, room: number, width: Width): string {
  if (width(text) <= room) return text
  const budget = room <= 1 ? room : room - 1
  let out = ''
  let used = 0
  // Nothing past room * 2 code units can fit (every character is at least one cell, or a mark).
  for (const {segment} of new Intl.Segmenter().segment(text.slice(0, room * 2 + 2))) {
    const w = width(segment)
    if (used + w > budget) break
    out += segment
    used += w
  }

  return room <= 1 ? out : out + '…'
}

/**
 * A borderless, ps-like table: numbers right-aligned, the last column not padded, the command
 * cut to `options.width` on a TTY. (cli-table3 was measured at 5 s for 5,000 rows: its span
 * layout is quadratic; this is linear. See bench/RESULTS.md.) Rows are added one record at a
 * time, each turned into its cells at once: a listing's records need not be held until the end.
 */
export class TableWriter {
  private readonly rows: string[][]
  private narrow: boolean
  private count = 0
  /** The longest text of each column so far: its width while every text is NARROW. */
  private readonly longest: number[]

  constructor(private readonly options: RenderOptions) {
    this.rows = options.header ? [options.columns.map((c) => c.header)] : []
    this.narrow = this.rows.every((row) => row.every((text) => NARROW.test(text)))
    this.longest = options.columns.map((_, j) => (options.header ? this.rows[0][j].length : 0))
  }

  add(record: object): void {
    // Plain loops: this runs once a cell, 40,000 times for a table of 5,000 processes.
    const {columns, decorate} = this.options
    const i = this.count++
    const row: string[] = []
    for (let j = 0; j < columns.length; j++) {
      const text = decorate ? decorate(i, columns[j], cell(columns[j], record)) : cell(columns[j], record)
      if (this.narrow && !NARROW.test(text)) this.narrow = false
      if (text.length > this.longest[j]) this.longest[j] = text.length
      row.push(text)
    }

    this.rows.push(row)
  }

  async end(): Promise<string> {
    const {options, rows} = this
    const {columns} = options
    const n = columns.length
    if (rows.length === 0) return ''
    const paint = options.color ? await colourPainter() : plainPainter
    const width: Width = this.narrow ? (text) => text.length : await widthFunction()
    const widths = [...this.longest]
    if (!this.narrow) {
      widths.fill(0)
      for (const row of rows) {
        for (let j = 0; j < n; j++) {
          const w = width(row[j])
          if (w > widths[j]) widths[j] = w
        }
      }
    }

    const wide = columns.findIndex((c) => WIDE_COLUMNS.has(c.id))
    if (options.width !== undefined && wide >= 0) {
      const others = widths.reduce((sum, w, i) => (i === wide ? sum : sum + w + 1), 0)
      const room = Math.max(10, options.width - others)
      for (const row of rows) row[wide] = cut(row[wide], room, width)
      widths[wide] = Math.min(widths[wide], room)
    }

    const right = columns.map((c) => isRightAligned(c) && !options.leftAligned?.has(c))
    const isState = columns.map((c) => c.id === 'state')
    const last = n - 1
    const first = options.header ? 1 : 0
    const spaces = ' '.repeat(Math.max(0, ...widths))
    const lines: string[] = []
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]
      const isHeader = r < first
      const emphasis = isHeader ? paint.bold : options.emphasize ? (options.emphasize(r - first) ? paint.bold : paint.dim) : undefined
      let line = ''
      for (let j = 0; j < n; j++) {
        const text = row[j]
        const pad = widths[j] - width(text)
        const shown = emphasis ? emphasis(text) : isState[j] ? paint.state(text) : text
        if (j > 0) line += ' '
        if (right[j]) line += pad > 0 ? spaces.slice(0, pad) + shown : shown
        else line += j < last && pad > 0 ? shown + spaces.slice(0, pad) : shown
      }

      lines.push(line)
    }

    return lines.join('\n') + '\n'
  }
}

/** The table of these records (see TableWriter). */
export async function renderTable(records: readonly object[], options: RenderOptions): Promise<string> {
  const table = new TableWriter(options)
  for (const r of records) table.add(r)
  return table.end()
}

/**
 * tasklist's /fo LIST: one block of `field: value` lines a record, values as the table shows
 * them, a blank line between records.
 */
export function renderList(records: readonly object[], columns: readonly ColumnDef[]): string {
  // Labelled with the table's headers, over the table's formatted values (tasklist /fo LIST).
  const pad = Math.max(...columns.map((c) => c.header.length)) + 1
  return records.map((r) => columns.map((c) => `${(c.header + ':').padEnd(pad)} ${cell(c, r)}\n`).join('')).join('\n')
}
