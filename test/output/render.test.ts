import {strict as assert} from 'node:assert'

import {useColor} from '../../src/output/stdio.js'
import {parseColumns, processColumns} from '../../src/columns/index.js'
import {emptyRecord, FIELDS, type ProcessInfo} from '../../src/core/process-info.js'
import {parseCsv} from '../../src/input/csv.js'
import {escapeControl} from '../../src/output/escape.js'
import {type Format, JsonWriter, render, type RenderOptions} from '../../src/output/render.js'

const hostile: ProcessInfo = {
  ...emptyRecord(4242),
  argv: ['sh', '-c', 'echo "a, b"\nexit 0', 'é'],
  command: 'sh -c echo "a, b"\nexit 0 é',
  cpuPercent: 12.5,
  elapsedMs: 3_723_000,
  name: 'evil\u001B[31mred',
  ppid: 1,
  rssBytes: 1_572_864,
  startTicks: 777,
  state: 'S',
  user: 'root',
}
const plain: ProcessInfo = {...emptyRecord(7), command: 'sleep 5', name: 'sleep', ppid: 1, startTicks: 5, state: 'Z'}

const options = (format: Format, extra: Partial<RenderOptions> = {}): RenderOptions => ({
  color: false,
  columns: processColumns,
  format,
  header: true,
  project: false,
  ...extra,
})

describe('output formats', () => {
  it('JSON is an array of whole records with every field, null where unknown', async () => {
    const out = await render([hostile, plain], options('json'))
    const parsed = JSON.parse(out)
    assert.deepEqual(parsed, [hostile, plain])
    assert.deepEqual(Object.keys(parsed[0]), [...FIELDS])
    assert.equal(parsed[1].exe, null)
    assert.equal(await render([], options('json')), '[]\n')
  })

  it('JSON and NDJSON keep only the chosen columns when asked', async () => {
    const columns = parseColumns('pid,rss,name')
    const json = JSON.parse(await render([hostile], options('json', {columns, project: true})))
    assert.deepEqual(json, [{name: hostile.name, pid: 4242, rssBytes: 1_572_864}])
    const ndjson = await render([hostile, plain], options('ndjson', {columns, project: true}))
    const lines = ndjson.split('\n')
    assert.equal(lines.length, 3)
    assert.equal(lines[2], '')
    assert.deepEqual(JSON.parse(lines[1]), {name: 'sleep', pid: 7, rssBytes: null})
  })

  it('NDJSON is one whole record per line, newlines inside values escaped', async () => {
    const out = await render([hostile, plain], options('ndjson'))
    const lines = out.trimEnd().split('\n')
    assert.equal(lines.length, 2)
    assert.deepEqual(lines.map((l) => JSON.parse(l)), [hostile, plain])
    assert.equal(await render([], options('ndjson')), '')
  })

  it('JsonWriter writes, record by record, the bytes render() gives: whole or projected, empty, wide text, past its first buffer', async () => {
    const wide = {...hostile, argv: ['x', '€'.repeat(30_000), '😀'], command: `x ${'€'.repeat(30_000)} 😀`}
    const columns = parseColumns('pid,rss,name,command')
    for (const format of ['json', 'ndjson'] as const) {
      for (const project of [false, true]) {
        for (const records of [[], [plain], [hostile, plain, wide, plain], Array.from({length: 300}, (_, i) => ({...hostile, pid: i + 1}))]) {
          const writer = new JsonWriter(format, {columns, project})
          for (const r of records) writer.add(r)
          const bytes = writer.end()
          const expected = await render(records, options(format, {columns, project}))
          assert.ok(bytes.equals(Buffer.from(expected)), `${format} project=${project} ${records.length} records`)
        }
      }
    }
  })

  it('CSV has field names as headers and round-trips commas, quotes, newlines and arrays', async () => {
    const out = await render([hostile, plain], options('csv'))
    const rows = parseCsv(out)
    assert.deepEqual(rows[0], [...FIELDS])
    assert.equal(rows.length, 3)
    const back = Object.fromEntries(rows[1].map((v, i) => [rows[0][i], v]))
    assert.equal(back.command, hostile.command)
    assert.equal(back.name, hostile.name)
    assert.deepEqual(JSON.parse(back.argv), hostile.argv)
    assert.equal(back.exe, '')
    assert.equal(Number(back.rssBytes), 1_572_864)
    const noHeader = parseCsv(await render([plain], options('csv', {columns: parseColumns('pid,name'), header: false})))
    assert.deepEqual(noHeader, [['7', 'sleep']])
  })

  it('the table formats values, shows - for null and escapes control characters', async () => {
    const out = await render([hostile, plain], options('table', {columns: parseColumns('pid,name,cpu,rss,elapsed,exe,state,command')}))
    const lines = out.trimEnd().split('\n')
    assert.equal(lines.length, 3)
    assert.match(lines[0], /^\s*PID NAME\s+%CPU\s+RSS\s+ELAPSED EXE S COMMAND$/)
    assert.ok(!out.includes('\u001B'), 'no raw escape reaches the terminal')
    assert.match(lines[1], /4242 evil\\x1b\[31mred 12\.5 1\.5M 01:02:03 - {3}S sh -c echo "a, b"\\nexit 0 é$/)
    // A zombie shows as ps shows it, with <defunct>.
    assert.match(lines[2], /^\s+7 sleep <defunct>\s+- +- +- +- +Z sleep 5 <defunct>$/)
    const noHeader = await render([plain], options('table', {columns: parseColumns('pid,name'), header: false}))
    assert.equal(noHeader, '7 sleep <defunct>\n')
  })

  it('the table cuts the command to the width when given one, never otherwise', async () => {
    const long = {...plain, command: 'x'.repeat(500)}
    const columns = parseColumns('pid,command')
    const cut = await render([long], options('table', {columns, width: 40}))
    assert.ok(cut.split('\n').every((l) => [...l].length <= 40))
    assert.ok(cut.includes('…'))
    const full = await render([long], options('table', {columns}))
    assert.ok(full.includes('x'.repeat(500)))
  })

  it('colours the table only when asked', async () => {
    const columns = parseColumns('pid,state')
    assert.ok((await render([plain], options('table', {color: true, columns}))).includes('\u001B['))
    assert.ok(!(await render([plain], options('table', {color: false, columns}))).includes('\u001B['))
  })

  it('decides colour from the TTY, NO_COLOR and FORCE_COLOR', () => {
    assert.equal(useColor(true, {}), true)
    assert.equal(useColor(false, {}), false)
    assert.equal(useColor(true, {NO_COLOR: '1'}), false)
    assert.equal(useColor(false, {FORCE_COLOR: '1'}), true)
    assert.equal(useColor(true, {FORCE_COLOR: '0'}), false)
    assert.equal(useColor(true, {FORCE_COLOR: '1', NO_COLOR: '1'}), true)
  })

  it('escapes every control character', () => {
    assert.equal(escapeControl('a\tb\nc\r\u0000\u007F\u009B'), 'a\\tb\\nc\\r\\x00\\x7f\\x9b')
  })
})

describe('CSV parser', () => {
  it('parses RFC 4180 quoting', () => {
    assert.deepEqual(parseCsv('a,b\n"x,1","say ""hi"""\n"multi\nline",\n'), [
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['multi\nline', ''],
    ])
    assert.deepEqual(parseCsv('a\r\nb'), [['a'], ['b']])
    assert.throws(() => parseCsv('"open'), /unterminated/)
    assert.throws(() => parseCsv('"a"b'), /after a closing quote/)
  })
})
