import {strict as assert} from 'node:assert'
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {ProcessTree, layoutForest} from '../../src/core/tree.js'
import {emptyRecord} from '../../src/core/process-info.js'
import {ProcfsSource} from '../../src/core/sources/linux/index.js'
import {parseRecords} from '../../src/input/records.js'
import {escapeCell, unescapeCell} from '../../src/output/csv-cell.js'
import {escapeControl} from '../../src/output/escape.js'
import {renderTable} from '../../src/output/table.js'
import {renderForest, UNICODE_GLYPHS} from '../../src/output/tree.js'
import {getColumn} from '../../src/columns/index.js'
import {BIN, binForOthers, runCli} from '../helpers/cli.js'
import {isAlive, startProcess} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Anything a terminal must not get raw: C0, DEL, C1, bidi, zero-width, BOM, separators. */
const RAW = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/

function shell(script: string): Promise<{code: number; stderr: string; stdout: string}> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], {maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => resolve({code: error ? Number(error.code) : 0, stderr, stdout}))
  })
}

describe('output that cannot be turned against its reader', function () {
  this.timeout(30_000)

  describe('terminal escapes', () => {
    // One hostile name per class: each is the process's comm (15 bytes at most).
    const CLASSES: Record<string, string> = {
      bidi: '\u202Egnp.exe',
      c1: 'c1\u009B2J',
      esc: 'x\u001B]0;PWN\u0007',
      isolate: 'a\u2066b\u2069c',
      zerowidth: 'zw\u200Bsp\u200D',
    }
    let dir: string
    const pids = new Map<string, number>()
    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'proc-escape-'))
      for (const [cls, name] of Object.entries(CLASSES)) {
        symlinkSync('/bin/sleep', path.join(dir, name))
        pids.set(cls, startProcess(path.join(dir, name), ['300']).pid!)
      }

      await sleep(300)
    })
    after(() => rmSync(dir, {force: true, recursive: true}))

    it('the table and the tree show every class escaped, JSON keeps the exact text', async () => {
      const list = pids.values()
      const args = [...list].map(String)
      const table = await runCli(['list', ...args, '-c', 'pid,name,command'])
      assert.doesNotMatch(table.stdout, RAW, table.stdout)
      assert.match(table.stdout, /\\u202egnp\.exe/)
      assert.match(table.stdout, /zw\\u200bsp\\u200d/)
      assert.match(table.stdout, /c1\\x9b2J/)
      const tree = await runCli(['tree', String(process.pid), '-c', 'pid,name'])
      assert.doesNotMatch(tree.stdout, RAW)
      const json = JSON.parse((await runCli(['list', ...args, '--json'])).stdout) as Array<{pid: number; name: string}>
      for (const [cls, name] of Object.entries(CLASSES)) assert.equal(json.find((r) => r.pid === pids.get(cls))!.name, name, cls)
    })

    it('error messages never echo input raw', async () => {
      const kill = await runCli(['kill'], {input: '123 \u001B]0;PWNED\u0007\u001B[2J\u202E'})
      assert.equal(kill.code, 2)
      assert.doesNotMatch(kill.stderr, RAW, kill.stderr)
      for (const args of [['list', '--where', 'name == \u001B[2J'], ['list', '--columns', 'pid,\u202Eevil'], ['nosuch\u001B[2J'], ['spawn', '--', '\u001B[2Jnope']]) {
        const r = await runCli(args)
        assert.doesNotMatch(r.stderr, RAW, `${JSON.stringify(args)}: ${r.stderr}`)
        assert.notEqual(r.stderr, '')
      }

      const csv = await runCli(['kill'], {input: 'pid,name\n"1\u001B[2J",x\n'})
      assert.doesNotMatch(csv.stderr, RAW)
    })

    it('escapes each class visibly', () => {
      assert.equal(escapeControl('a\u202Eb\u200Bc\u0000d\u0085e\n'), 'a\\u202eb\\u200bc\\x00d\\x85e\\n')
      assert.equal(escapeControl('日本 ✓ ünï'), '日本 ✓ ünï', 'printable text is untouched')
    })
  })

  describe('CSV into a spreadsheet', () => {
    it('no text cell is a formula; numbers stay numbers; proc reads its own escaping back exactly', () => {
      for (const text of ['=HYPERLINK("http://x","y")', '+1', '-cpu', '@SUM(A1)', '\tx', '\rx', "'=x", "''+y", 'plain', "'quoted", '']) {
        const cell = escapeCell(text)
        assert.ok(!/^[=+\-@\t\r]/.test(cell), `${JSON.stringify(text)} -> ${JSON.stringify(cell)}`)
        assert.equal(unescapeCell(cell), text)
      }
    })

    it('round-trips formula-looking argv through proc kill', async () => {
      // argv[0] is what the command line starts with: a formula, to a spreadsheet.
      const child = startProcess('sleep', ['300', '+1'], {argv0: '=HYPERLINK("x")'})
      await sleep(200)
      const csv = await runCli(['list', '--pid', String(child.pid), '--format', 'csv'])
      assert.match(csv.stdout, /,"'=HYPERLINK\(""x""\) 300 \+1",/, csv.stdout)
      assert.match(csv.stdout, /,-?\d+,/, 'numbers are bare')
      const killed = await runCli(['kill', '--json'], {input: csv.stdout})
      assert.equal(killed.code, 0, killed.stderr)
      const [r] = JSON.parse(killed.stdout)
      assert.equal(r.command, '=HYPERLINK("x") 300 +1')
      assert.deepEqual([r.status, r.checkedBy], ['signalled', 'startTicks,bootId'])
    })
  })

  describe('no recursion over data', () => {
    const DEPTH = 100_000
    const chain = () => Array.from({length: DEPTH}, (_, i) => ({...emptyRecord(i + 1), command: `c${i + 1}`, name: 'c', ppid: i, startTicks: i + 1}))

    it('lays out, draws and nests a 100,000-deep chain; JSON size is linear in the records', async () => {
      const rows = layoutForest(new ProcessTree(chain()))
      assert.equal(rows.length, DEPTH)
      const columns = [getColumn('pid')]
      const json = await renderForest(rows, {color: false, columns, format: 'json', glyphs: UNICODE_GLYPHS, header: true, highlight: false, project: true})
      assert.ok(json.length < DEPTH * 60, `${json.length} bytes for ${DEPTH} records`)
      const parsed = parseRecords(json)
      assert.equal(parsed.records.length, DEPTH)
      assert.equal(parsed.records.at(-1)!.pid, DEPTH)
      const ndjson = await renderForest(rows.slice(0, 5000), {color: false, columns, format: 'ndjson', glyphs: UNICODE_GLYPHS, header: true, highlight: false, project: true})
      assert.equal(ndjson.trim().split('\n').length, 5000)
    })

    it('reads a 100,000-deep procfs tree (a fake /proc) and prints it as a nested JSON tree', async () => {
      const stat = (pid: number) => Buffer.from(`${pid} (c) S ${pid - 1} ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${pid} 1000 10 0\n`)
      const io = {
        read: (p: string) => {
          const m = /\/(\d+)\/stat$/.exec(p)
          return m && Number(m[1]) <= DEPTH ? stat(Number(m[1])) : (Symbol.for('x') as never)
        },
        readdir: () => Array.from({length: DEPTH}, (_, i) => String(i + 1)),
        readlink: () => Symbol.for('x') as never,
      }
      const records = new ProcfsSource({io: io as never, root: '/fake'}).listSync(new Set(['pid', 'ppid', 'startTicks'] as const))
      assert.equal(records.length, DEPTH)
      const rows = layoutForest(new ProcessTree(records))
      assert.equal(rows.at(-1)!.depth, DEPTH - 1)
    })

    it('reads JSON nested 5,000 deep on stdin (not a crash: records, or a usage error)', async () => {
      let nested = '{"pid":5000}'
      for (let pid = 4999; pid >= 1; pid--) nested = `{"pid":${pid},"matched":true,"children":[${nested}]}`
      const r = await runCli(['wait', '--timeout', '1ms', '-q', '--allow-empty'], {input: `[${nested}]`})
      assert.ok(r.code === 0 || r.code === 124, `${r.code} ${r.stderr}`)
      assert.doesNotMatch(r.stderr, /internal error|stack/i)
    })

    it('proc tree --json on a real chain as deep as this machine allows', async function () {
      this.timeout(120_000)
      // A chain of shells, each a process of its own starting the next (about 0.3 MB each):
      // 1,500 deep is past where pretty JSON grew to tens of megabytes, and quick to build.
      const depth = 1500
      const dir = mkdtempSync(path.join(tmpdir(), 'proc-chain-'))
      const script = path.join(dir, 'chain.sh')
      writeFileSync(script, 'if [ $1 -gt 0 ]; then sh "$0" $(($1 - 1)) & wait; else exec sleep 300; fi\n')
      const root = startProcess('sh', [script, String(depth)])
      for (let i = 0; i < 300; i++) {
        const r = await runCli(['tree', String(root.pid), '-c', 'pid', '--no-header'])
        if (r.stdout.trim().split('\n').length >= depth) break
        await sleep(100)
      }

      const {code, stdout, stderr} = await runCli(['tree', String(root.pid), '--json', '-c', 'pid'])
      assert.equal(code, 0, stderr)
      const records = parseRecords(stdout).records
      assert.ok(records.length >= depth, `${records.length} records`)
      assert.ok(stdout.length < records.length * 80, 'linear in the records')
      assert.ok(isAlive(root.pid!))
      rmSync(dir, {force: true, recursive: true})
    })
  })

  describe('faults end in one clean line', () => {
    it('a write to a full disk: one line and exit 4', async () => {
      const r = await shell(`${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} list --json > /dev/full`)
      assert.equal(r.code, 4)
      assert.equal(r.stderr, 'proc list: cannot write output: ENOSPC\n')
    })

    it('a descriptor limit too low to start: one line and the internal-error code', async () => {
      for (const limit of [20, 22]) {
        const r = await shell(`ulimit -n ${limit}; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} list -c pid --limit 1`)
        if (r.code === 0) continue
        assert.equal(r.code, 3, r.stderr)
        assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr)
      }
    })

    it('an unreadable HOME prints no warning', async function () {
      if (process.getuid?.() !== 0) this.skip()
      const home = mkdtempSync(path.join(tmpdir(), 'proc-home-'))
      try {
        const r = await shell(`chmod 000 ${home}; setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=${home} ${JSON.stringify(process.execPath)} ${JSON.stringify(binForOthers().bin)} list -c pid --limit 1`)
        assert.equal(r.stderr, '')
        assert.equal(r.code, 0)
      } finally {
        rmSync(home, {force: true, recursive: true})
      }
    })

    it('wide characters: the table is aligned in display cells (string-width)', async () => {
      const columns = [getColumn('name'), getColumn('pid')]
      const text = await renderTable(
        [
          {name: '漢字漢字', pid: 1},
          {name: 'ab', pid: 22},
          {name: '😀x', pid: 333},
        ],
        {color: false, columns, format: 'table', header: true, project: true},
      )
      const lines = text.trimEnd().split('\n')
      const {default: stringWidth} = await import('string-width')
      const widths = new Set(lines.map((l) => stringWidth(l)))
      assert.equal(widths.size, 1, text)
    })

    it('box-drawing characters (the tree\'s branches) count one cell each, as string-width counts them', async () => {
      const {default: stringWidth} = await import('string-width')
      // The table takes U+2500-U+257F as one cell a character without loading string-width.
      for (let c = 0x25_00; c <= 0x25_7f; c++) assert.equal(stringWidth(String.fromCodePoint(c)), 1, c.toString(16))
      const columns = [getColumn('name'), getColumn('pid')]
      const branches = [
        {name: '\u251C\u2500 a', pid: 1},
        {name: '\u2502  \u2514\u2500 bb', pid: 22},
      ]
      // Branches alone (no string-width), and with a wide character among them (string-width).
      for (const records of [branches, [...branches, {name: '\u2514\u2500 \u6F22x', pid: 333}]]) {
        const text = await renderTable(records, {color: false, columns, format: 'table', header: true, project: true})
        const lines = text.trimEnd().split('\n')
        assert.equal(new Set(lines.map((l) => stringWidth(l))).size, 1, text)
      }
    })
  })
})
