import {strict as assert} from 'node:assert'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {type CliResult, runCli} from '../helpers/cli.js'
import {startProcess} from '../helpers/processes.js'

const RUNS = 25

/** About 200 short processes a second: 10 at a time, every ~50 ms. */
function startChurn() {
  return startProcess('sh', ['-c', 'while :; do for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true & done; wait; sleep 0.04; done'])
}

function countProcs(): number {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length
}

/** Processes created since boot ("processes" in /proc/stat). */
function forks(): number {
  return Number(/^processes (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1])
}

/** Run `n` invocations, two at a time (the machine has two cores). */
async function many(n: number, args: () => string[]): Promise<CliResult[]> {
  const results: CliResult[] = []
  for (let i = 0; i < n; i += 2) results.push(...(await Promise.all([runCli(args()), runCli(args())])))
  return results.slice(0, n)
}

function clean(results: CliResult[], what: string): void {
  for (const [i, r] of results.entries()) {
    assert.equal(r.code, 0, `${what} run ${i}: exit ${r.code}: ${r.stderr}`)
    assert.equal(r.stderr, '', `${what} run ${i}`)
  }
}

describe('under churn', function () {
  this.timeout(240_000)
  let dir: string
  let snapshot: string
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'proc-churn-'))
    snapshot = path.join(dir, 'before.json')
    writeFileSync(snapshot, (await runCli(['list', '--json'])).stdout)
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  it(`list, tree, list --json and diff run ${RUNS} times each with ~200 processes a second coming and going`, async () => {
    startChurn()
    // Measure the churn rate, so the test says what it tested.
    const t0 = Date.now()
    const forks0 = forks()
    await new Promise((r) => setTimeout(r, 1000))
    const rate = (forks() - forks0) / ((Date.now() - t0) / 1000)
    assert.ok(rate > 100, `churn of ${rate.toFixed(0)} processes/s`)

    clean(await many(RUNS, () => ['list']), 'list')
    clean(await many(RUNS, () => ['tree']), 'tree')
    const json = await many(RUNS, () => ['list', '--json', '--columns', 'pid,ppid,startTicks,command,exe,user'])
    clean(json, 'list --json')
    for (const r of json) {
      for (const record of JSON.parse(r.stdout)) {
        assert.equal(typeof record.pid, 'number')
        assert.equal(typeof record.ppid, 'number')
        assert.equal(typeof record.startTicks, 'number')
        // A record never mixes two processes: a command of /bin/true belongs to a true process.
        if (record.command === '/bin/true') assert.ok(record.exe === null || record.exe.endsWith('true'), JSON.stringify(record))
      }
    }

    clean(await many(RUNS, () => ['diff', snapshot, '--exited']), 'diff')
    assert.ok(countProcs() > 0)
  })
})
