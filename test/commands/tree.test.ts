import {strict as assert} from 'node:assert'

import {parseCsv} from '../../src/input/csv.js'
import {FIXTURE_PASSWD, FIXTURE_PROCFS, runCli} from '../helpers/cli.js'
import {startProcess} from '../helpers/processes.js'

const env = {LANG: 'C.UTF-8', PROC_PASSWD: FIXTURE_PASSWD, PROC_PROCFS: FIXTURE_PROCFS}

interface Nested {
  children: Nested[]
  depth: number
  pid: number
}

/** Rebuild parent -> children from flat depth-first records with a depth. */
function rebuild(flat: Array<{depth: number; pid: number}>): Map<number, number[]> {
  const kids = new Map<number, number[]>()
  const stack: number[] = []
  for (const r of flat) {
    stack.length = r.depth
    if (r.depth > 0) kids.set(stack[r.depth - 1], [...(kids.get(stack[r.depth - 1]) ?? []), r.pid])
    stack.push(r.pid)
  }

  return kids
}

function edges(nested: Nested[]): Map<number, number[]> {
  const kids = new Map<number, number[]>()
  const visit = (n: Nested) => {
    if (n.children.length > 0) kids.set(n.pid, n.children.map((c) => c.pid))
    for (const c of n.children) visit(c)
  }

  for (const n of nested) visit(n)
  return kids
}

describe('proc tree', () => {
  it('draws the fixture forest with box lines', async () => {
    const {code, stderr, stdout} = await runCli(['tree', '--columns', 'pid,name', '--no-header'], {env})
    assert.equal(stderr, '')
    assert.equal(code, 0)
    assert.equal(
      stdout,
      [
        '  1 init',
        '100 ├─ my ) proc (x',
        '101 │  ├─ x) S 1 (evil',
        '102 │  └─ defunct-kid <defunct>',
        '104 ├─ very-long-service-name',
        '105 └─ tab\\tname',
        '  2 kthreadd',
        ' 10 └─ kworker/0:1-events',
        '',
      ].join('\n'),
    )
  })

  it('draws ASCII with --ascii or outside a UTF-8 locale', async () => {
    const ascii = await runCli(['tree', '100', '-c', 'pid,name', '--no-header', '--ascii'], {env})
    assert.equal(ascii.stdout, '100 my ) proc (x\n101 |- x) S 1 (evil\n102 `- defunct-kid <defunct>\n')
    const cLocale = await runCli(['tree', '100', '-c', 'pid,name', '--no-header'], {env: {...env, LANG: 'C', LC_ALL: ''}})
    assert.equal(cLocale.stdout, ascii.stdout)
  })

  it('shows matches with their ancestors, and --descendants', async () => {
    const {stdout} = await runCli(['tree', '--where', 'name == "kworker/0:1-events"', '-c', 'pid', '--no-header', '--ascii'], {env})
    assert.equal(stdout, '2\n`- 10\n')
    const json = JSON.parse((await runCli(['tree', '--user', 'alice', '--json', '-c', 'pid'], {env})).stdout)
    assert.deepEqual(json, [
      {
        children: [
          {
            children: [
              {children: [], depth: 2, matched: true, pid: 101},
              {children: [], depth: 2, matched: true, pid: 102},
            ],
            depth: 1,
            matched: true,
            pid: 100,
          },
        ],
        depth: 0,
        matched: false,
        pid: 1,
      },
    ])
    const desc = await runCli(['tree', '--pid', '1', '--descendants', '-c', 'pid', '--format', 'ndjson'], {env})
    assert.equal(desc.stdout.trimEnd().split('\n').length, 6)
  })

  it('limits the depth', async () => {
    const {stdout} = await runCli(['tree', '--depth', '1', '-c', 'pid', '--no-header'], {env})
    assert.equal(stdout, '1\n├─ 100\n├─ 104\n└─ 105\n2\n└─ 10\n')
  })

  it('gives nested JSON and flat NDJSON and CSV that rebuild the same tree', async () => {
    const nested = JSON.parse((await runCli(['tree', '--json'], {env})).stdout) as Nested[]
    const ndjson = (await runCli(['tree', '--format', 'ndjson'], {env})).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    const csvRows = parseCsv((await runCli(['tree', '--format', 'csv', '-c', 'pid,name'], {env})).stdout)
    assert.deepEqual(csvRows[0], ['pid', 'name', 'ppid', 'depth'])
    const csv = csvRows.slice(1).map((r) => ({depth: Number(r[3]), pid: Number(r[0])}))
    const want = edges(nested)
    assert.deepEqual(rebuild(ndjson), want)
    assert.deepEqual(rebuild(csv), want)
    assert.deepEqual(want.get(1), [100, 104, 105])
    assert.ok(ndjson.every((r) => typeof r.ppid === 'number' && typeof r.startTicks === 'number'))
  })

  it('folds identical sibling leaves with --compact, not with --no-compact', async () => {
    const parent = startProcess('sh', ['-c', 'sleep 300 & sleep 300 & sleep 300 & wait'])
    await new Promise((r) => setTimeout(r, 300))
    const folded = await runCli(['tree', String(parent.pid), '--no-header', '--ascii', '--compact'])
    assert.match(folded.stdout, new RegExp(`^\\s*${parent.pid} sh -c .*\\n\\s*\\d+ \`- 3\\*\\[sleep 300\\]\\n$`))
    const full = await runCli(['tree', String(parent.pid), '--no-header', '--ascii', '--no-compact'])
    assert.equal(full.stdout.trimEnd().split('\n').length, 4)
    const json = JSON.parse((await runCli(['tree', String(parent.pid), '--json'])).stdout)
    assert.equal(json[0].children.length, 3)
    assert.equal(json[0].pid, parent.pid)
  })

  it('bad PID: not a number exits 2, not existing exits 1, one line each', async () => {
    const bad = await runCli(['tree', 'abc'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /^proc tree: pid argument: 'abc' is not a process id\n$/)
    const gone = await runCli(['tree', '4194303'])
    assert.equal(gone.code, 1)
    assert.match(gone.stderr, /^proc tree: no such process: 4194303\n$/)
    const depth = await runCli(['tree', '--depth', 'deep'])
    assert.equal(depth.code, 2)
  })
})

describe('positional arguments never come from stdin', () => {
  it('proc tree with piped stdin and no PID shows the whole forest (oclif would read a missing arg from stdin)', async () => {
    const {code, stdout} = await runCli(['tree', '-c', 'pid', '--no-header'], {env, input: '100\n'})
    assert.equal(code, 0)
    assert.ok(stdout.includes('2\n'), 'the whole forest, not the subtree of 100')
  })
})
