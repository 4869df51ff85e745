import {strict as assert} from 'node:assert'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {type CliResult, runCli} from '../helpers/cli.js'
import {startProcess} from '../helpers/processes.js'

const RUNS = 25

/** About 200 short processes a second: 10 at a time, every ~50 ms; a byte in `tally` per 10. */
function startChurn(tally: string) {
  return startProcess('sh', ['-c', `while :; do for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true & done; wait; printf x >> '${tally}'; sleep 0.04; done`])
}

function countProcs(): number {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length
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

  it(`list, tree, list --json and diff run ${RUNS} times each while processes come and go`, async () => {
    // What the test tested is counted, not timed: on a loaded machine the churn is slower, and
    // so are the runs it overlaps (about 200 a second on an idle 2-core machine, 99 beside a hog).
    const tally = path.join(dir, 'tally')
    writeFileSync(tally, '')
    startChurn(tally)

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
    const created = readFileSync(tally, 'utf8').length * 10
    assert.ok(created >= 500, `only ${created} processes came and went during the runs`)
  })
})
