import {strict as assert} from 'node:assert'

import {UsageError} from '../../src/core/errors.js'
import {isFailure, type KillDeps, type KillRecord, runLadder} from '../../src/core/kill.js'
import {emptyRecord, type ProcessInfo} from '../../src/core/process-info.js'
import {buildSelection} from '../../src/core/select.js'
import {parseLadder, parseSignal, simpleLadder} from '../../src/core/signals.js'
import type {Probe} from '../../src/core/sources/source.js'
import {protectedPids, resolveTargets, withDescendants, withGroups} from '../../src/core/targets.js'

/** A fake world: processes that die on chosen signals, a clock that only moves when slept. */
function world(procs: Array<{pid: number; startTicks: number; diesOn?: string[]; perm?: boolean}>) {
  let now = 0
  const alive = new Map(procs.map((p) => [p.pid, p]))
  const sent: Array<[number, string]> = []
  const names = new Map([
    [2, 'SIGINT'],
    [9, 'SIGKILL'],
    [15, 'SIGTERM'],
    [1, 'SIGHUP'],
  ])
  const deps: KillDeps = {
    clock: {
      now: () => now,
      async sleep(ms) {
        now += ms
      },
    },
    probe: (pid): Probe | undefined => {
      const p = alive.get(pid)
      return p && {bootId: 'b', pid, startTicks: p.startTicks, state: 'S'}
    },
    send(pid, signal) {
      const p = alive.get(pid)
      if (!p) throw Object.assign(new Error('ESRCH'), {code: 'ESRCH'})
      if (p.perm) throw Object.assign(new Error('EPERM'), {code: 'EPERM'})
      const name = names.get(signal)!
      sent.push([pid, name])
      if (name === 'SIGKILL' || p.diesOn?.includes(name)) alive.delete(pid)
    },
  }
  return {alive, deps, elapsed: () => now, sent}
}

const target = (pid: number, startTicks: number | null = pid): KillRecord => ({bootId: 'b', pid, signal: null, startTicks, status: null, step: null})

describe('signals and ladders', () => {
  it('parses signal names and numbers', () => {
    assert.deepEqual(parseSignal('TERM'), {name: 'SIGTERM', number: 15})
    assert.deepEqual(parseSignal('sigkill'), {name: 'SIGKILL', number: 9})
    assert.deepEqual(parseSignal('1'), {name: 'SIGHUP', number: 1})
    assert.equal(parseSignal('40').number, 40)
    for (const bad of ['TERMINATE', '0', '65', '-9', '', 'SIG']) assert.throws(() => parseSignal(bad), UsageError, bad)
  })

  it('parses ladders', () => {
    assert.deepEqual(
      parseLadder('INT,2s,TERM,500ms,KILL').map((s) => (s.kind === 'signal' ? s.signal.name : s.ms)),
      ['SIGINT', 2000, 'SIGTERM', 500, 'SIGKILL'],
    )
    assert.deepEqual(simpleLadder(parseSignal('HUP'), 5000).map((s) => (s.kind === 'signal' ? s.signal.name : s.ms)), ['SIGHUP', 5000, 'SIGKILL'])
    for (const bad of ['2s,KILL', 'TERM,,KILL', 'TERM,soon,KILL', 'TERM,KILL']) assert.throws(() => parseLadder(bad), UsageError, bad)
  })
})

describe('running a ladder', () => {
  it('signals once and stops without a timeout', async () => {
    const w = world([{pid: 10, startTicks: 10}])
    const t = target(10)
    await runLadder([t], simpleLadder(parseSignal('HUP')), w.deps)
    assert.deepEqual(w.sent, [[10, 'SIGHUP']])
    assert.deepEqual([t.status, t.signal, t.step], ['signalled', 'SIGHUP', 1])
    assert.equal(w.elapsed(), 0)
  })

  it('escalates to KILL for a process that ignores TERM and says which step ended each', async () => {
    const w = world([
      {diesOn: ['SIGTERM'], pid: 10, startTicks: 10},
      {pid: 11, startTicks: 11},
    ])
    const ts = [target(10), target(11)]
    await runLadder(ts, simpleLadder(parseSignal('TERM'), 5000), w.deps)
    assert.deepEqual(w.sent, [
      [10, 'SIGTERM'],
      [11, 'SIGTERM'],
      [11, 'SIGKILL'],
    ])
    assert.deepEqual(ts.map((t) => [t.status, t.signal, t.step]), [
      ['signalled', 'SIGTERM', 1],
      ['killed', 'SIGKILL', 2],
    ])
    assert.ok(w.elapsed() >= 5000, 'waited the full timeout for the survivor')
  })

  it('stops waiting as soon as everything has exited', async () => {
    const w = world([{diesOn: ['SIGINT'], pid: 10, startTicks: 10}])
    await runLadder([target(10)], parseLadder('INT,10s,KILL'), w.deps)
    assert.ok(w.elapsed() < 100)
  })

  it('never signals a reused pid, reports denied and gone, leaves protected alone', async () => {
    const w = world([
      {pid: 10, startTicks: 999},
      {perm: true, pid: 11, startTicks: 11},
      {pid: 13, startTicks: 13},
    ])
    const ts = [target(10, 10), target(11), target(12), {...target(13), status: 'protected' as const}]
    await runLadder(ts, simpleLadder(parseSignal('TERM')), w.deps)
    assert.deepEqual(w.sent, [])
    assert.deepEqual(ts.map((t) => t.status), ['reused', 'denied', 'gone', 'protected'])
    assert.deepEqual(ts.map((t) => isFailure(t.status)), [true, true, false, true])
  })

  it('reports survivors of a ladder that ends with a wait', async () => {
    const w = world([{pid: 10, startTicks: 10}])
    const t = target(10)
    await runLadder([t], parseLadder('USR1,1s'), w.deps)
    assert.equal(t.status, 'survived')
  })
})

describe('resolving targets', () => {
  const rec = (pid: number, ppid: number, extra: Partial<ProcessInfo> = {}): ProcessInfo => ({...emptyRecord(pid), pgid: pid, ppid, startTicks: pid, ...extra})
  const snapshot = [rec(1, 0), rec(50, 1), rec(100, 50, {name: 'a'}), rec(101, 100, {pgid: 100}), rec(102, 101, {pgid: 100}), rec(200, 1, {name: 'b'})]
  const none = buildSelection({}, 50)

  it('keeps explicit pids that are gone or reused, so the report can say so', () => {
    const targets = resolveTargets(snapshot, {
      input: [
        {bootId: null, command: null, name: 'old', pid: 200, startTicks: 7},
        {bootId: null, command: null, name: null, pid: 100, startTicks: 100},
      ],
      pids: [300],
      selection: none,
    })
    assert.deepEqual(targets.map((t) => [t.record.pid, t.state]), [
      [300, 'gone'],
      [200, 'reused'],
      [100, 'alive'],
    ])
  })

  it('selects from the snapshot, or narrows explicit pids, with selectors', () => {
    assert.deepEqual(resolveTargets(snapshot, {pids: [], selection: buildSelection({name: ['a', 'b']}, 50)}).map((t) => t.record.pid), [100, 200])
    assert.deepEqual(resolveTargets(snapshot, {pids: [100, 101], selection: buildSelection({name: ['a']}, 50)}).map((t) => t.record.pid), [100])
  })

  it('adds descendants deepest first, and group members', () => {
    const tree = withDescendants(snapshot, resolveTargets(snapshot, {pids: [50], selection: none}))
    assert.deepEqual(tree.map((t) => t.record.pid), [102, 101, 100, 50])
    const group = withGroups(snapshot, resolveTargets(snapshot, {pids: [101], selection: none}))
    assert.deepEqual(group.map((t) => t.record.pid), [101, 100, 102])
  })

  it('protects init, itself and its ancestors', () => {
    assert.deepEqual([...protectedPids(snapshot, 102)].sort((a, b) => a - b), [1, 50, 100, 101, 102])
  })
})
