import {type ColumnDef, getColumn} from '../columns/index.js'
import {depthColumn, matchedColumn} from '../columns/tree.js'
import type {TreeRow} from '../core/tree.js'
import {render, type RenderOptions} from './render.js'

export interface Glyphs {
  branch: string
  last: string
  pipe: string
  space: string
}

export const UNICODE_GLYPHS: Glyphs = {branch: '├─ ', last: '└─ ', pipe: '│  ', space: '   '}
export const ASCII_GLYPHS: Glyphs = {branch: '|- ', last: '`- ', pipe: '|  ', space: '   '}

/** Box-drawing lines only where the locale says UTF-8 (as pstree decides). */
export function isUtf8Locale(env: NodeJS.ProcessEnv = process.env): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || ''
  return /utf-?8/i.test(locale)
}

/** The branches drawn before a row: one segment per level below the root. */
export function treePrefix(last: readonly boolean[], glyphs: Glyphs): string {
  let prefix = ''
  for (let level = 1; level < last.length; level++) {
    const isSelf = level === last.length - 1
    prefix += isSelf ? (last[level] ? glyphs.last : glyphs.branch) : last[level] ? glyphs.space : glyphs.pipe
  }

  return prefix
}

export interface ForestRenderOptions extends RenderOptions {
  glyphs: Glyphs
  /** Emphasise matches (a selection was given). */
  highlight: boolean
}

type Row = TreeRow<object>

function flatRecords(rows: readonly Row[]): object[] {
  return rows.map((r) => ({...r.record, depth: r.depth, matched: r.matched}))
}

function withTreeColumns(columns: readonly ColumnDef[], required: readonly ColumnDef[]): ColumnDef[] {
  const out = [...columns]
  for (const c of required) if (!out.includes(c)) out.push(c)
  return out
}

/**
 * Nested records as JSON text: each with `depth`, `matched` and its `children`. Written straight
 * from the depth-first rows, one record a line and no indentation by depth, so it takes no
 * recursion (JSON.stringify of a 4,000-deep nesting overflows the stack) and its size is linear
 * in the number of records, however deep the tree.
 */
function nestedJson(rows: readonly Row[], project: (record: object) => object): string {
  if (rows.length === 0) return '[]\n'
  const parts: string[] = ['[']
  let open = 0
  let sibling = false
  for (const row of rows) {
    while (open > row.depth) {
      parts.push(']}')
      open--
      sibling = true
    }

    const body = JSON.stringify({...project(row.record), depth: row.depth, matched: row.matched})
    parts.push(`${sibling ? ',' : ''}\n${body.slice(0, -1)},"children":[`)
    open++
    sibling = false
  }

  while (open-- > 0) parts.push(']}')
  parts.push('\n]\n')
  return parts.join('')
}

/**
 * Draw a forest. The table puts the branches before the command (or the last column) and folds
 * are shown as `N*[command]`; JSON nests records in `children`; NDJSON and CSV are flat, in
 * depth-first order, with `depth` and `ppid`, so the tree can be rebuilt.
 */
export async function renderForest(rows: readonly Row[], options: ForestRenderOptions): Promise<string> {
  const {columns} = options
  switch (options.format) {
    case 'table': {
      const target = columns.find((c) => c.id === 'command') ?? columns.find((c) => c.id === 'name') ?? columns.at(-1)!
      return render(
        rows.map((r) => r.record),
        {
          ...options,
          decorate(i, column, text) {
            if (column !== target) return text
            const row = rows[i]
            return treePrefix(row.last, options.glyphs) + (row.count > 1 ? `${row.count}*[${text}]` : text)
          },
          emphasize: options.highlight ? (i) => rows[i].matched : undefined,
          leftAligned: new Set([target]),
        },
      )
    }

    case 'json': {
      const project = options.project
        ? (record: object) => {
            const out = Object.fromEntries(columns.map((c) => [c.id, c.value(record as Record<string, unknown>)]))
            const threads = (record as {threadList?: unknown}).threadList
            return threads === undefined ? out : {...out, threadList: threads}
          }
        : (record: object) => record
      return nestedJson(rows, project)
    }

    default: {
      const required = options.project ? [getColumn('pid'), getColumn('ppid'), depthColumn] : [depthColumn, matchedColumn]
      const flatColumns = withTreeColumns(columns, required)
      return render(flatRecords(rows), {...options, columns: flatColumns})
    }
  }
}
