import {strict as assert} from 'node:assert'
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'

import {runCli} from '../helpers/cli.js'
import {isAlive, startProcess, startSleeper} from '../helpers/processes.js'

// Named targets (pids, stdin records) are read one by one instead of from a listing of every
// process (targetSnapshot): the answers must be the ones a full listing gave.
describe('kill of named pids, read without listing every process', () => {
  it("a thread's id names no process: nothing is sent, and the process lives", async function () {
    // Node's own threads (V8's workers, libuv's pool) give a sleeper with other tids.
    const child = startProcess(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'])
    let tids: number[] = []
    for (let i = 0; i < 50 && tids.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20))
      tids = readdirSync(`/proc/${child.pid}/task`).map(Number).filter((t) => t !== child.pid)
    }

    if (tids.length === 0) this.skip()
    const r = await runCli(['kill', '--signal', 'TERM', '--json', String(tids[0])])
    const [record] = JSON.parse(r.stdout)
    assert.equal(r.code, 1, r.stderr)
    assert.notEqual(record.status, 'signalled')
    assert.equal(record.pid, tids[0])
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.ok(isAlive(child.pid!))
  })

  it('signals a named pid, and tells a gone one and a reused one (start time) from it', async () => {
    const sleeper = startSleeper()
    await new Promise((r) => setTimeout(r, 50))
    const listed = JSON.parse((await runCli(['list', '--pid', String(sleeper.pid), '--json'])).stdout)[0]
    const stale = JSON.stringify({...listed, startTicks: listed.startTicks - 1})
    const reused = await runCli(['kill', '--json'], {input: stale})
    assert.equal(reused.code, 1, reused.stderr)
    assert.equal(JSON.parse(reused.stdout)[0].status, 'reused')
    assert.ok(isAlive(sleeper.pid!))
    const gone = spawnSync('true').pid
    const r = await runCli(['kill', '--json', String(sleeper.pid), String(gone)])
    const byPid = new Map(JSON.parse(r.stdout).map((x: {pid: number; status: string}) => [x.pid, x.status]))
    assert.equal(byPid.get(sleeper.pid), 'signalled')
    assert.equal(byPid.get(gone), 'gone')
  })

  it("protects proc's own ancestors: the shell that runs it", async () => {
    const r = await runCli(['kill', '--signal', 'CONT', '--json', String(process.pid)])
    assert.equal(JSON.parse(r.stdout)[0].status, 'protected')
  })
})
