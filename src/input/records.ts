import {UsageError} from '../core/errors.js'
import {isPid} from '../core/process-info.js'
import {unescapeCell} from '../output/csv-cell.js'
import {parseCsv} from './csv.js'

/**
 * Reading processes on stdin, shared by kill, wait and every command that acts on processes.
 * Accepted: a JSON array (nested `children` from `proc tree --json` included), NDJSON, CSV with
 * a `pid` header, proc's own table (a header with PID), or bare whitespace-separated pids.
 * Everything is validated before the caller acts; anything else is a usage error.
 */
export type {InputRecord} from '../core/targets.js'
import type {InputRecord} from '../core/targets.js'

export type InputFormat = 'csv' | 'empty' | 'json' | 'ndjson' | 'pids' | 'table'

export interface ParsedInput {
  format: InputFormat
  records: InputRecord[]
}

function fail(message: string): never {
  throw new UsageError(`stdin: ${message}`)
}

/** A value as the input wrote it (JSON turns 1e400 into Infinity, and stringify into null). */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value)
  return text.length > 40 ? text.slice(0, 39) + '\u2026' : text
}

function toPid(value: unknown, where: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (!isPid(text)) fail(`${where}: pid ${shown(value)} is not a process id`)
  return Number(text)
}

function toTicks(value: unknown, where: string): number | null {
  if (value === null || value === undefined || value === '') return null
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (!/^\d+$/.test(text)) fail(`${where}: startTicks ${shown(value)} is not a number of ticks`)
  return Number(text)
}

function toText(value: unknown, field: string, where: string): string | null {
  if (value === null || value === undefined || value === '') return null
  if (typeof value !== 'string') fail(`${where}: ${field} must be a string`)
  return value
}

function fromObject(o: Record<string, unknown>, where: string): InputRecord {
  if (!('pid' in o)) fail(`${where}: no pid`)
  const startTime = toText(o.startTime, 'startTime', where)
  if (startTime !== null && Number.isNaN(Date.parse(startTime))) fail(`${where}: startTime ${JSON.stringify(startTime.slice(0, 40))} is not a time`)
  const pid = toPid(o.pid, where)
  const tid = o.tid === undefined || o.tid === null || o.tid === '' ? undefined : toPid(o.tid, where)
  return {
    bootId: toText(o.bootId, 'bootId', where),
    command: toText(o.command, 'command', where),
    host: toText(o.host, 'host', where),
    // A thread's name is its own, not its process's: no evidence about the process.
    name: tid !== undefined && tid !== pid ? null : toText(o.name, 'name', where),
    pid,
    startTicks: toTicks(o.startTicks, where),
    startTime,
    ...(tid === undefined ? {} : {tid}),
  }
}

/** A record `proc tree` printed for context (an ancestor of a match): never a target. */
function isContext(o: Record<string, unknown>): boolean {
  return o.matched === false || o.matched === 'false'
}

function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    return fail(`${where}: invalid JSON: ${(error as Error).message}`)
  }
}

/** Branches `proc tree` draws before a command (Unicode or ASCII glyphs). */
const TREE_BRANCH = /^(?:[\u2502|] {2}| {3})*(?:[\u251C\u2514]\u2500|[|`\\]-) /

function parseTable(lines: string[]): InputRecord[] {
  const header = lines[0]
  const pidHeader = /(^|\s)PID(\s|$)/.exec(header)!
  // proc's table right-aligns numbers: a pid ends where the header's PID ends.
  const pidEnd = pidHeader.index + pidHeader[1].length + 3
  const ticksHeader = /(^|\s)TICKS(\s|$)/.exec(header)
  const ticksEnd = ticksHeader ? ticksHeader.index + ticksHeader[1].length + 5 : undefined
  // Text columns are left-aligned: a host name starts where the header's HOST does.
  const hostHeader = /(^|\s)HOST(\s|$)/.exec(header)
  const hostStart = hostHeader ? hostHeader.index + hostHeader[1].length : undefined
  // The last column runs to the end of the line: the command (or the name) as the table shows it.
  const lastHeader = /(?:^|\s)(COMMAND|NAME)\s*$/.exec(header)
  const textStart = lastHeader ? header.lastIndexOf(lastHeader[1]) : undefined
  const numberEndingAt = (line: string, end: number) => /(\d+)$/.exec(line.slice(0, end))?.[1]
  let tree = false
  const records = lines.slice(1).map((line, i) => {
    const where = `line ${i + 2}`
    const pid = numberEndingAt(line, pidEnd)
    if (pid === undefined || (line.length > pidEnd && line[pidEnd] !== ' ')) fail(`${where}: no pid under the PID header`)
    const ticks = ticksEnd === undefined ? null : numberEndingAt(line, ticksEnd)
    let text = textStart === undefined ? null : line.slice(textStart).trimEnd()
    if (text !== null && TREE_BRANCH.test(text)) {
      tree = true
      text = text.replace(TREE_BRANCH, '')
    }

    if (text !== null && /^\d+\*\[/.test(text)) {
      fail(`${where}: '${text.slice(0, 40)}' is a folded row of proc tree, several processes under one pid: pipe proc tree --json (or --no-compact) instead`)
    }

    const host = hostStart === undefined ? undefined : /^\S+/.exec(line.slice(hostStart))?.[0]
    const record: InputRecord = {
      bootId: null,
      command: null,
      host: host === undefined || host === '-' ? null : host,
      name: null,
      pid: toPid(pid, where),
      startTicks: ticks ? Number(ticks) : null,
      startTime: null,
    }
    // `-` is the table's unknown; an escaped control character cannot be compared with the live text.
    if (text !== null && text !== '-' && text !== '' && !/\\x[\da-f]{2}|\\u[\da-f]{4}|\\[ntr]/.test(text)) record[lastHeader![1] === 'COMMAND' ? 'command' : 'name'] = text
    return record
  })
  if (tree) fail(`proc tree's table does not say which rows matched and which are ancestors shown for context: pipe proc tree --json instead`)
  return records
}

type Loose = Record<string, unknown>

/** One object of the input, and where it was (for error messages). */
interface Located {
  object: Loose
  where: string
}

/**
 * The structured formats: a JSON array (nested `children` of `proc tree --json` included,
 * depth-first), NDJSON, or CSV with a `pid` header. Undefined when the input is none of them
 * (a table, bare pids, or garbage).
 */
function readObjects(raw: string, text: string): {format: 'csv' | 'json' | 'ndjson'; objects: Located[]} | undefined {
  const asObject = (value: unknown, where: string): Located => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where}: expected an object with a pid`)
    return {object: value as Loose, where}
  }

  if (text.startsWith('[')) {
    const value = parseJsonText(text, 'JSON')
    if (!Array.isArray(value)) fail('JSON: expected an array of records')
    const objects: Located[] = []
    // Depth-first, parents before children, with an explicit stack: nesting may be any depth.
    const stack: Array<{items: unknown[]; next: number; path: string}> = [{items: value, next: 0, path: 'JSON'}]
    while (stack.length > 0) {
      const top = stack.at(-1)!
      if (top.next >= top.items.length) {
        stack.pop()
        continue
      }

      const i = top.next++
      const located = asObject(top.items[i], `${top.path}[${i}]`)
      objects.push(located)
      const {children} = located.object
      if (children === undefined) continue
      if (!Array.isArray(children)) fail(`${located.where}: children must be an array`)
      stack.push({items: children, next: 0, path: stack.length > 3 ? `JSON…(${stack.length} deep)` : `${located.where}.children`})
    }

    return {format: 'json', objects}
  }

  const lines = raw.split(/\r?\n/).filter((l) => l.trim() !== '')
  if (text.startsWith('{')) {
    return {format: 'ndjson', objects: lines.map((line, i) => asObject(parseJsonText(line, `NDJSON line ${i + 1}`), `NDJSON line ${i + 1}`))}
  }

  const first = lines[0]
  if (!(first.includes(',') || first.trim() === 'pid') || !parseCsv(first + '\n')[0]?.includes('pid')) return undefined
  let rows: string[][]
  try {
    rows = parseCsv(text)
  } catch (error) {
    return fail((error as Error).message)
  }

  const header = rows[0]
  const objects = rows
    .slice(1)
    .filter((row) => !(row.length === 1 && row[0] === ''))
    .map((row, i) => {
      const where = `CSV row ${i + 2}`
      if (row.length !== header.length) fail(`${where}: ${row.length} fields, the header has ${header.length}`)
      return {object: Object.fromEntries(header.map((h, j) => [h, unescapeCell(row[j])])), where}
    })
  return {format: 'csv', objects}
}

/** Parse what came on stdin. Throws a one-line UsageError for anything it cannot fully read. */
export function parseRecords(input: string): ParsedInput {
  if (input.includes('\u0000')) fail('binary data, not process records')
  // Keep leading spaces: the columns of a table are found by position.
  const raw = input.replace(/^\uFEFF/, '')
  const text = raw.trim()
  if (text === '') return {format: 'empty', records: []}
  const structured = readObjects(raw, text)
  if (structured) {
    const targets = structured.objects.filter((o) => !isContext(o.object))
    return {format: structured.format, records: targets.map((o) => fromObject(o.object, o.where))}
  }

  const lines = raw.split(/\r?\n/).filter((l) => l.trim() !== '')
  if (/(^|\s)PID(\s|$)/.test(lines[0])) return {format: 'table', records: parseTable(lines)}
  return {format: 'pids', records: parsePids(text)}
}

/**
 * Bare pids, validated word by word without splitting the whole input at once: a huge input
 * fails at its first bad word, and repeated pids cost nothing (at most one record per pid).
 */
function parsePids(text: string): InputRecord[] {
  const seen = new Set<number>()
  const records: InputRecord[] = []
  const word = /\S+/g
  let n = 0
  for (let m = word.exec(text); m; m = word.exec(text)) {
    n++
    const t = m[0]
    if (!/^\d+$/.test(t)) {
      fail(n === 1 ? `not JSON, NDJSON, CSV with a pid header, a proc table or pids (found '${t.slice(0, 40)}')` : `word ${n}: '${t.slice(0, 40)}' is not a process id`)
    }

    const pid = toPid(t, `word ${n}`)
    if (seen.has(pid)) continue
    seen.add(pid)
    records.push({bootId: null, command: null, host: null, name: null, pid, startTicks: null, startTime: null})
  }

  return records
}

/** The most proc reads from stdin. */
export const MAX_STDIN_BYTES = 256 * 1024 * 1024

/** Read all of stdin as text. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin, max = MAX_STDIN_BYTES): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buf.length
    if (size > max) fail(`more than ${max / 1024 / 1024} MB of input`)
    chunks.push(buf)
  }

  return Buffer.concat(chunks).toString('utf8')
}

const NUMBER_FIELDS = new Set(['pid', 'ppid', 'pgid', 'sid', 'uid', 'gid', 'startTicks', 'elapsedMs', 'cpuTimeMs', 'cpuPercent', 'rssBytes', 'vszBytes', 'threads', 'nice'])

/**
 * Read a snapshot (`proc list --json` and friends): whole records, typed, so they can be shown,
 * filtered and compared like live ones. CSV cells are text: numbers, null (an empty cell) and
 * argv (a JSON array) are turned back into values. Anything malformed is a usage error.
 */
export function parseSnapshot(input: string, what = 'snapshot'): Loose[] {
  if (input.includes('\u0000')) fail('binary data, not process records')
  const raw = input.replace(/^\uFEFF/, '')
  const text = raw.trim()
  // A table or bare pids carry identities only.
  const structured = text === '' ? undefined : readObjects(raw, text)
  const format = structured?.format
  const objects = structured ? structured.objects.map((o) => o.object) : (parseRecords(input).records as unknown as Loose[])
  return objects.map((o, i) => {
    const where = `${what} record ${i + 1}`
    const out: Loose = {}
    for (const [key, value] of Object.entries(o)) {
      if (key === 'children') continue
      let v: unknown = value
      if (format === 'csv' && typeof v === 'string') {
        if (v === '') v = null
        else if (NUMBER_FIELDS.has(key)) {
          if (Number.isNaN(Number(v))) fail(`${where}: ${key} '${v}' is not a number`)
          v = Number(v)
        } else if (key === 'argv') {
          v = parseJsonText(v as string, `${where}: argv`)
        }
      }

      if (NUMBER_FIELDS.has(key) && v !== null && v !== undefined && typeof v !== 'number') {
        if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) v = Number(v)
        else fail(`${where}: ${key} must be a number`)
      }

      out[key] = v
    }

    out.pid = toPid(o.pid, where)
    out.startTicks = toTicks(out.startTicks, where)
    out.bootId = toText(out.bootId, 'bootId', where)
    if (out.host !== undefined) out.host = toText(out.host, 'host', where)
    return out
  })
}
