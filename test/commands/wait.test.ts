import {strict as assert} from 'node:assert'
import {type ChildProcess} from 'node:child_process'

import {runCli, startCli} from '../helpers/cli.js'
import {startProcess, startSleeper, procfsOnly} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A process that leaves a zombie child exiting with `code`; resolves the zombie's pid. */
async function zombieOf(code: number): Promise<{holder: ChildProcess; zombie: number}> {
  // The child exits after the shell has become sleep, which never reaps it: a zombie for sure.
  const holder = startProcess('sh', ['-c', `(sleep 0.1; exit ${code}) & echo $!; exec sleep 300`], {stdio: ['ignore', 'pipe', 'ignore']})
  const zombie = await new Promise<number>((resolve) => holder.stdout!.once('data', (d) => resolve(Number(String(d).trim()))))
  return {holder, zombie}
}

describe('proc wait', () => {
  // A pid that never exists: proc streams it as gone at once, which tells the test the wait began.
  const NEVER = '4194000'
  const began = new RegExp(`"pid":${NEVER}`)

  it('waits for all targets, and reports when each exited', async () => {
    const a = startSleeper()
    const b = startSleeper()
    const run = startCli(['wait', String(a.pid), String(b.pid), NEVER, '--format', 'ndjson'])
    await run.line(began)
    a.kill()
    await sleep(200)
    b.kill()
    const {code, stdout} = await run.done
    assert.equal(code, 0)
    const records = stdout.trimEnd().split('\n').map((l) => JSON.parse(l))
    assert.deepEqual(records.map((r: {pid: number; status: string}) => [r.pid, r.status]), [
      [Number(NEVER), 'gone'],
      [a.pid, 'exited'],
      [b.pid, 'exited'],
    ])
    assert.ok(records[2].exitedAfterMs > records[1].exitedAfterMs)
  })

  it('--any returns at the first exit', async () => {
    const a = startSleeper()
    const b = startSleeper()
    const run = startCli(['wait', String(a.pid), String(b.pid), '--any', '--format', 'ndjson'])
    // No gone sentinel here (it would satisfy --any): the wait began once proc has read a's stat.
    await sleep(300)
    a.kill()
    const {code, stdout} = await run.done
    assert.equal(code, 0)
    const byPid = new Map<number, string>(stdout.trimEnd().split('\n').map((l) => JSON.parse(l)).map((r: {pid: number; status: string}) => [r.pid, r.status]))
    assert.equal(byPid.get(b.pid!), 'alive')
    assert.ok(['exited', 'gone'].includes(byPid.get(a.pid!)!))
  })

  it('times out with 124 and lists what is still alive', async () => {
    const a = startSleeper()
    const started = Date.now()
    const {code, stderr, stdout} = await runCli(['wait', String(a.pid), '--timeout', '300ms', '--json'])
    assert.equal(code, 124)
    assert.ok(Date.now() - started >= 300)
    assert.match(stderr, /^proc wait: timed out after 300ms: 1 still running\n$/)
    assert.deepEqual(JSON.parse(stdout).map((r: {pid: number; status: string}) => [r.pid, r.status]), [[a.pid, 'alive']])
  })

  it('is done at once for a process already gone, a zombie (with its exit code) and a reused pid', async function () {
    procfsOnly(this, "a zombie's exit code and start ticks")
    const {zombie} = await zombieOf(7)
    await sleep(300)
    const s = startSleeper()
    await sleep(50)
    const [record] = JSON.parse((await runCli(['list', '--pid', String(s.pid), '--json'])).stdout)
    record.startTicks -= 1
    const {code, stdout} = await runCli(['wait', String(zombie), '4194000', '-', '--json'], {input: JSON.stringify([record])})
    assert.equal(code, 0)
    const byPid = new Map(JSON.parse(stdout).map((r: {pid: number}) => [r.pid, r]))
    assert.deepEqual(byPid.get(zombie), {...(byPid.get(zombie) as object), exitCode: 7, exitCodeKnown: true, status: 'exited'})
    assert.equal((byPid.get(4_194_000) as {status: string}).status, 'gone')
    assert.equal((byPid.get(s.pid) as {status: string}).status, 'gone')
  })

  it('streams one NDJSON line per exit as it happens; the exit status only when it could be known', async () => {
    const a = startSleeper()
    const run = startCli(['wait', String(a.pid), NEVER, '--format', 'ndjson'])
    await run.line(began)
    a.kill()
    const line = JSON.parse(await run.line(new RegExp(`"pid":${a.pid}`)))
    assert.equal(line.status, 'exited')
    assert.equal(typeof line.exitedAfterMs, 'number')
    // Known only if proc caught it as a zombie before this test (its parent) reaped it.
    if (line.exitCodeKnown) assert.deepEqual([line.exitCode, line.exitSignal], [null, 'SIGTERM'])
    else assert.deepEqual([line.exitCode, line.exitSignal], [null, null])
    assert.equal((await run.done).code, 0)
  })

  it('--for start waits for a process that starts after the wait began', async () => {
    const token = `${process.pid}${Date.now() % 100_000}`
    const waiting = runCli(['wait', '--for', 'start', '--match', `^sleep 3${token}$`, '--timeout', '10s', '--json'])
    await sleep(400)
    const late = startProcess('sleep', [`3${token}`])
    const {code, stdout} = await waiting
    assert.equal(code, 0)
    assert.deepEqual(JSON.parse(stdout).map((r: {pid: number}) => r.pid), [late.pid])
    const never = await runCli(['wait', '--for', 'start', '--match', 'no-such-command-anywhere', '--timeout', '200ms'])
    assert.equal(never.code, 124)
  })

  it('reads targets from proc list --json on stdin', async () => {
    const a = startSleeper()
    await sleep(50)
    const listed = JSON.parse((await runCli(['list', '--pid', String(a.pid), '--json'])).stdout)
    const run = startCli(['wait', '--format', 'ndjson'], {input: JSON.stringify([...listed, {pid: Number(NEVER)}])})
    await run.line(began)
    a.kill()
    const {code, stdout} = await run.done
    assert.equal(code, 0)
    assert.match(stdout, new RegExp(`"pid":${a.pid},.*"status":"exited"`))
  })

  it('exits 1 when nothing matched, 0 with --allow-empty', async () => {
    assert.equal((await runCli(['wait', '--name', 'no-such-process-here'])).code, 1)
    assert.equal((await runCli(['wait', '--name', 'no-such-process-here', '--allow-empty'])).code, 0)
  })

  for (const [title, args] of [
    ['bad duration', ['wait', '1', '--timeout', 'forever']],
    ['bad pid', ['wait', 'x1']],
    ['negative pid', ['wait', '--', '-4']],
    ['bad --for', ['wait', '--for', 'lunch']],
    ['--for start without selectors', ['wait', '--for', 'start']],
    ['--all with --any', ['wait', '1', '--all', '--any']],
  ] as Array<[string, string[]]>) {
    it(`usage error: ${title} exits 2 with one line`, async () => {
      const {code, stderr} = await runCli(args)
      assert.equal(code, 2, stderr)
      assert.equal(stderr.trimEnd().split('\n').length, 1)
    })
  }
})
