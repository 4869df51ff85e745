// The snapshot and watch loops of the core through fakes: a source that plays listings, a clock
// that never waits. (Their live use is tested through the CLI: --sample, --watch, proc top.)

import {strict as assert} from 'node:assert'

import {emptyRecord, type Field, type ProcessInfo} from '../../src/core/process-info.js'
import {fillFields, intervalCpu, takeSnapshot} from '../../src/core/snapshot.js'
import type {ListOptions, ProcessSource} from '../../src/core/sources/source.js'
import type {Clock} from '../../src/core/wait.js'
import {watch, type WatchEvent} from '../../src/core/watch.js'

const rec = (pid: number, startTicks: number, fields: Partial<ProcessInfo> = {}): ProcessInfo => ({...emptyRecord(pid), startTicks, ...fields})

/** A source whose listings are played in turn (the last one repeats), and which records what it was asked. */
function playing(listings: ProcessInfo[][], readSome?: (pids: number[], fields: ReadonlySet<Field>) => ProcessInfo[]) {
  const asked: ListOptions[] = []
  let at = 0
  const source = {
    exists: () => true,
    fields: new Set<Field>(['pid', 'cpuTimeMs', 'startTicks', 'command']),
    id: 'procfs',
    list: async (options: ListOptions) => {
      asked.push(options)
      return listings[Math.min(at++, listings.length - 1)].map((r) => ({...r}))
    },
    machine: () => ({bootId: null, host: null}),
    probe: () => undefined,
    ...(readSome ? {readSome: (pids: Iterable<number>, fields: ReadonlySet<Field>) => readSome([...pids], fields)} : {}),
  } as ProcessSource
  return {asked, source}
}

function fakeClock(): Clock & {slept: number[]} {
  let t = 0
  const slept: number[] = []
  return {now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)), slept}
}

describe('takeSnapshot and intervalCpu', () => {
  it('without --sample, one listing with the fields asked', async () => {
    const {asked, source} = playing([[rec(1, 10)]])
    const records = await takeSnapshot(source, {fields: new Set<Field>(['pid', 'cpuPercent'])})
    assert.equal(records.length, 1)
    assert.equal(asked.length, 1)
  })

  it('with --sample, two listings and %CPU over the interval; a process new in the second is measured from its start', async () => {
    const {asked, source} = playing([
      [rec(1, 10, {cpuTimeMs: 1000}), rec(2, 20, {cpuTimeMs: 0})],
      [rec(1, 10, {cpuTimeMs: 1500, elapsedMs: 60_000}), rec(2, 99, {cpuTimeMs: 100, elapsedMs: 200}), rec(3, 30, {cpuTimeMs: 50, elapsedMs: 100})],
    ])
    const clock = fakeClock()
    const records = await takeSnapshot(source, {clock, fields: new Set<Field>(['pid', 'cpuPercent']), sampleMs: 1000})
    assert.deepEqual(clock.slept, [1000])
    assert.equal(asked.length, 2)
    assert.deepEqual([...asked[0].fields].sort(), ['cpuTimeMs', 'startTicks'], 'the first listing reads only what the interval needs')
    const byPid = new Map(records.map((r) => [r.pid, r.cpuPercent]))
    // pid 1: 500 ms of CPU in the 1 s interval. pid 2 is a new process on a recycled pid (another
    // start): from its start, 100 ms in 200 ms. pid 3 is new: 50 ms in its 100 ms.
    assert.equal(byPid.get(1), 50)
    assert.equal(byPid.get(2), 50)
    assert.equal(byPid.get(3), 50)
  })

  it('intervalCpu keeps threads apart by tid', () => {
    const before = [rec(5, 1, {cpuTimeMs: 0, tid: 5}), rec(5, 1, {cpuTimeMs: 0, tid: 6})]
    const after = [rec(5, 1, {cpuTimeMs: 1000, tid: 5, elapsedMs: 9e6}), rec(5, 1, {cpuTimeMs: 0, tid: 6, elapsedMs: 9e6})]
    intervalCpu(before, after, 1000)
    assert.deepEqual(
      after.map((r) => r.cpuPercent),
      [100, 0],
    )
  })
})

describe('fillFields (what a live view reads for the rows it shows)', () => {
  it('reads the fields for these pids only, and takes them only from the same process', () => {
    const calls: Array<{fields: string[]; pids: number[]}> = []
    const {source} = playing([], (pids, fields) => {
      calls.push({fields: [...fields].sort(), pids})
      return [rec(1, 10, {command: 'one'}), rec(2, 77, {command: 'a stranger on a recycled pid'})]
    })
    const rows = [rec(1, 10), rec(2, 20)]
    assert.equal(fillFields(source, rows, new Set<Field>(['command'])), true)
    assert.deepEqual(calls, [{fields: ['command', 'startTicks'], pids: [1, 2]}])
    assert.deepEqual(
      rows.map((r) => r.command),
      ['one', null],
    )
  })

  it('says so when the source cannot read a few pids (the caller lists the fields instead)', () => {
    const {source} = playing([])
    assert.equal(fillFields(source, [rec(1, 10)], new Set<Field>(['command'])), false)
  })
})

describe('watch', () => {
  it('a frame every interval, with what started and exited since the last; stops when aborted', async () => {
    const {source} = playing([[rec(1, 10), rec(2, 20)], [rec(1, 10), rec(3, 30)], [rec(3, 30)]])
    const clock = fakeClock()
    const stop = new AbortController()
    const frames: Array<{pids: number[]; events: string[]}> = []
    await watch(
      () => source.list({fields: new Set()}),
      2000,
      (records, events: WatchEvent[]) => {
        frames.push({events: events.map((e) => `${e.change} ${e.pid}`), pids: records.map((r) => r.pid)})
        if (frames.length === 3) stop.abort()
      },
      stop.signal,
      clock,
    )
    assert.deepEqual(frames, [
      {events: [], pids: [1, 2]},
      {events: ['started 3', 'exited 2'], pids: [1, 3]},
      {events: ['exited 1'], pids: [3]},
    ])
    assert.deepEqual(clock.slept, [2000, 2000], 'no sleep after the frame that stopped it')
  })

  it('a pid recycled between frames is one process exited and another started', async () => {
    const {source} = playing([[rec(7, 10)], [rec(7, 11)]])
    const stop = new AbortController()
    const events: string[] = []
    await watch(
      () => source.list({fields: new Set()}),
      10,
      (_records, e) => {
        events.push(...e.map((x) => `${x.change} ${x.pid}/${x.startTicks}`))
        if (events.length > 0) stop.abort()
      },
      stop.signal,
      fakeClock(),
    )
    assert.deepEqual(events.sort(), ['exited 7/10', 'started 7/11'])
  })
})
