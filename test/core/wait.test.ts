import {strict as assert} from 'node:assert'

import type {Probe} from '../../src/core/sources/source.js'
import {type Clock, pollUntil, waitForExit, type WaitRecord} from '../../src/core/wait.js'

function fakeClock(): Clock & {slept: number[]} {
  let now = 0
  const slept: number[] = []
  return {
    now: () => now,
    async sleep(ms) {
      slept.push(ms)
      now += ms
    },
    slept,
  }
}

const rec = (pid: number, startTicks = pid): WaitRecord => ({
  bootId: null, exitCode: null, exitCodeKnown: false, exitedAfterMs: null, exitSignal: null, pid, startTicks, status: 'alive',
})

/** Processes that exit at given times (ms on the fake clock); a zombie phase is optional. */
function world(clock: Clock, procs: Record<number, {exitAt: number; zombie?: {code: number | null; signal: number | null}; reusedBy?: number}>) {
  return (pid: number): Probe | undefined => {
    const p = procs[pid]
    if (!p) return undefined
    if (clock.now() < p.exitAt) return {bootId: null, pid, startTicks: pid, state: 'S'}
    if (p.reusedBy) return {bootId: null, pid, startTicks: p.reusedBy, state: 'S'}
    if (p.zombie) return {bootId: null, exit: p.zombie, pid, startTicks: pid, state: 'Z'}
    return undefined
  }
}

describe('waiting', () => {
  it('backs off from 10 ms to the ceiling and never busy-loops', async () => {
    const clock = fakeClock()
    assert.equal(await pollUntil(() => false, 2000, clock), false)
    assert.equal(clock.slept[0], 10)
    assert.ok(clock.slept.every((ms, i) => i === 0 || ms >= clock.slept[i - 1] || i === clock.slept.length - 1))
    assert.equal(Math.max(...clock.slept), 250)
    assert.ok(clock.slept.length < 20, `${clock.slept.length} polls in 2 s`)
  })

  it('waits for all, reporting when each exited', async () => {
    const clock = fakeClock()
    const records = [rec(1), rec(2)]
    const seen: number[] = []
    const met = await waitForExit(records, {clock, mode: 'all', onExit: (r) => seen.push(r.pid), probe: world(clock, {1: {exitAt: 100}, 2: {exitAt: 700}})})
    assert.equal(met, true)
    assert.deepEqual(seen, [1, 2])
    assert.ok(records[0].exitedAfterMs! >= 100 && records[0].exitedAfterMs! < 200)
    assert.ok(records[1].exitedAfterMs! >= 700 && records[1].exitedAfterMs! < 1000)
    assert.deepEqual(records.map((r) => r.status), ['exited', 'exited'])
  })

  it('waits for any', async () => {
    const clock = fakeClock()
    const records = [rec(1), rec(2)]
    assert.equal(await waitForExit(records, {clock, mode: 'any', probe: world(clock, {1: {exitAt: 5000}, 2: {exitAt: 300}})}), true)
    assert.deepEqual(records.map((r) => r.status), ['alive', 'exited'])
    assert.ok(clock.now() < 600)
  })

  it('gives up at the timeout, leaving the survivors alive', async () => {
    const clock = fakeClock()
    const records = [rec(1), rec(2)]
    assert.equal(await waitForExit(records, {clock, mode: 'all', probe: world(clock, {1: {exitAt: 100}, 2: {exitAt: 99_999}}), timeoutMs: 1000}), false)
    assert.deepEqual(records.map((r) => r.status), ['exited', 'alive'])
    assert.equal(clock.now(), 1000)
  })

  it('counts a zombie as exited and reads its exit status; a reused pid as exited without one', async () => {
    const clock = fakeClock()
    const records = [rec(1), rec(2), rec(3)]
    await waitForExit(records, {
      clock,
      mode: 'all',
      probe: world(clock, {1: {exitAt: 0, zombie: {code: 7, signal: null}}, 2: {exitAt: 0, zombie: {code: null, signal: 15}}, 3: {exitAt: 0, reusedBy: 99}}),
      signalName: (n) => (n === 15 ? 'SIGTERM' : String(n)),
    })
    assert.deepEqual(records.map((r) => [r.status, r.exitCode, r.exitSignal, r.exitCodeKnown]), [
      ['exited', 7, null, true],
      ['exited', null, 'SIGTERM', true],
      ['exited', null, null, false],
    ])
  })

  it('is met at once when a target is already gone (any) or there is nothing alive (all)', async () => {
    const clock = fakeClock()
    const gone = {...rec(1), status: 'gone' as const}
    assert.equal(await waitForExit([gone, rec(2)], {clock, mode: 'any', probe: world(clock, {2: {exitAt: 1e9}})}), true)
    assert.equal(await waitForExit([gone], {clock, mode: 'all', probe: world(clock, {})}), true)
    assert.equal(clock.now(), 0)
  })
})

describe('waiting with a cheap existence test', () => {
  it('uses kill(pid, 0) between full probes, and still sees a zombie at the next full probe', async () => {
    const clock = fakeClock()
    let probes = 0
    const probe = world(clock, {1: {exitAt: 100, zombie: {code: 3, signal: null}}, 2: {exitAt: 200}})
    const records = [rec(1), rec(2)]
    const exists = (pid: number) => (pid === 1 ? true : clock.now() < 200) // a zombie still "exists"
    await waitForExit(records, {
      clock,
      exists,
      mode: 'all',
      probe(pid) {
        probes++
        return probe(pid)
      },
    })
    assert.ok(records[1].exitedAfterMs! < 400, 'a reaped process is seen by the cheap test')
    assert.ok(records[0].exitedAfterMs! >= 1000, 'the zombie is seen by the full probe, once a second')
    assert.deepEqual([records[0].exitCode, records[0].exitCodeKnown], [3, true])
    assert.ok(probes < 12, `${probes} full probes`)
  })
})
