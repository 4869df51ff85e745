import {Chalk, type ChalkInstance} from 'chalk'
import Table from 'cli-table3'

import {type ColumnDef, isRightAligned} from '../columns/index.js'
import {escapeControl} from './escape.js'
import type {RenderOptions} from './render.js'

const WIDE_COLUMNS = new Set(['argv', 'command'])

function cell(column: ColumnDef, record: object): string {
  const v = column.value(record as Record<string, unknown>)
  return v === null || v === undefined ? '-' : escapeControl(column.format(v))
}

function paint(chalk: ChalkInstance, column: ColumnDef, text: string): string {
  if (column.id !== 'state') return text
  if (text === 'Z') return chalk.red(text)
  if (text === 'R') return chalk.green(text)
  if (text === 'D') return chalk.yellow(text)
  return text
}

/** Cut text to `width` characters, marking the cut with an ellipsis. */
function cut(text: string, width: number): string {
  const chars = [...text]
  if (chars.length <= width) return text
  return width <= 1 ? chars.slice(0, width).join('') : chars.slice(0, width - 1).join('') + '…'
}

/** A borderless, ps-like table. On a TTY the command column is cut to the terminal width. */
export function renderTable(records: readonly object[], options: RenderOptions): string {
  const {columns} = options
  const chalk = new Chalk({level: options.color ? 1 : 0})
  const rows = records.map((r) => columns.map((c) => cell(c, r)))
  const wide = columns.findIndex((c) => WIDE_COLUMNS.has(c.id))
  if (options.width !== undefined && wide >= 0) {
    const widths = columns.map((c, i) => Math.max(options.header ? c.header.length : 0, ...rows.map((row) => [...row[i]].length)))
    const others = widths.reduce((sum, w, i) => (i === wide ? sum : sum + w + 1), 0)
    const room = Math.max(10, options.width - others)
    for (const row of rows) row[wide] = cut(row[wide], room)
  }

  const table = new Table({
    chars: {
      bottom: '', 'bottom-left': '', 'bottom-mid': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '',
      'mid-mid': '', middle: ' ', right: '', 'right-mid': '', top: '', 'top-left': '', 'top-mid': '', 'top-right': '',
    },
    colAligns: columns.map((c) => (isRightAligned(c) ? 'right' : 'left')),
    style: {border: [], compact: true, head: [], 'padding-left': 0, 'padding-right': 0},
  })
  if (options.header) table.push(columns.map((c) => chalk.bold(c.header)))
  for (const row of rows) table.push(row.map((text, i) => paint(chalk, columns[i], text)))
  if (table.length === 0) return ''
  // cli-table3 pads the last column; ps does not.
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n') + '\n'
}
