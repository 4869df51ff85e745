import {strict as assert} from 'node:assert'

import {UsageError} from '../../src/core/errors.js'
import {describeUnmatched, isFailedKill, type KillDeps, type KillRecord, runKill} from '../../src/core/kill.js'
import {emptyRecord, type ProcessInfo} from '../../src/core/process-info.js'
import {buildSelection} from '../../src/core/select.js'
import {parseLadder, parseSignal, simpleLadder} from '../../src/core/signals.js'
import type {Probe} from '../../src/core/sources/source.js'
import {planKill, protectedPids, resolveTargets} from '../../src/core/targets.js'

interface FakeProc {
  pid: number
  startTicks: number
  ppid?: number
  pgid?: number
  diesOn?: string[]
  perm?: boolean
  state?: string
  exiting?: boolean
  /** Called when it gets a signal it survives, or when one of its children dies. */
  onSignal?(name: string, w: World): void
  onChildDeath?(w: World): void
}

type World = ReturnType<typeof world>

/** A fake world: processes that die on chosen signals, a clock that only moves when slept. */
function world(procs: FakeProc[], options: {contained?: string[]} = {}) {
  let now = 0
  let nextPid = 1000
  const alive = new Map(procs.map((p) => [p.pid, p]))
  const sent: Array<[number, string]> = []
  const timers: Array<{at: number; run: () => void}> = []
  const names = new Map([
    [2, 'SIGINT'],
    [9, 'SIGKILL'],
    [15, 'SIGTERM'],
    [1, 'SIGHUP'],
    [10, 'SIGUSR1'],
  ])
  const die = (p: FakeProc) => {
    alive.delete(p.pid)
    const parent = p.ppid === undefined ? undefined : alive.get(p.ppid)
    parent?.onChildDeath?.(w)
  }

  const w = {
    alive,
    at(ms: number, run: () => void) {
      timers.push({at: now + ms, run})
    },
    deps: {
      clock: {
        now: () => now,
        async sleep(ms: number) {
          now += ms
          for (const t of timers.filter((x) => x.at <= now)) {
            timers.splice(timers.indexOf(t), 1)
            t.run()
          }
        },
      },
      contain: options.contained
        ? () => {
            const log = options.contained!
            return {
              close: () => log.push('close'),
              evict() {},
              hold: (members: readonly {pid: number}[]) => log.push(`hold ${members.map((m) => m.pid).join(',')}`),
              killAll: () => false,
              kind: 'stop' as const,
              members: () => [],
              release: () => log.push('release'),
            }
          }
        : undefined,
      exists: () => false,
      list: () =>
        [...alive.values()].map((p) => ({...emptyRecord(p.pid), pgid: p.pgid ?? p.pid, ppid: p.ppid ?? 1, startTicks: p.startTicks, state: p.state ?? 'S'})),
      probe: (pid: number): Probe | undefined => {
        const p = alive.get(pid)
        return p && {bootId: 'b', exiting: p.exiting, pid, startTicks: p.startTicks, state: p.state ?? 'S'}
      },
      send(pid: number, signal: number) {
        const p = alive.get(pid)
        if (!p) throw Object.assign(new Error('ESRCH'), {code: 'ESRCH'})
        if (p.perm) throw Object.assign(new Error('EPERM'), {code: 'EPERM'})
        const name = names.get(signal)!
        sent.push([pid, name])
        if (name === 'SIGKILL' || p.diesOn?.includes(name)) die(p)
        else p.onSignal?.(name, w)
      },
    } satisfies KillDeps,
    elapsed: () => now,
    fork(ppid: number, extra: Partial<FakeProc> = {}): FakeProc {
      const child = {pid: nextPid, ppid, startTicks: nextPid, ...extra}
      nextPid++
      alive.set(child.pid, child)
      return child
    },
    sent,
  }
  return w
}

const target = (pid: number, startTicks: number | null = pid, extra: Partial<KillRecord> = {}): KillRecord => ({
  bootId: 'b',
  checkedBy: 'startTicks',
  found: 'target',
  pid,
  signal: null,
  startTicks,
  status: null,
  step: null,
  ...extra,
})

const ladder = (text: string) => ({ladder: parseLadder(text)})

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
    await runKill([t], {ladder: simpleLadder(parseSignal('HUP'))}, w.deps)
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
    await runKill(ts, {ladder: simpleLadder(parseSignal('TERM'), 5000)}, w.deps)
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
    await runKill([target(10)], ladder('INT,10s,KILL'), w.deps)
    assert.ok(w.elapsed() < 100)
  })

  it('never signals a reused pid, reports denied and gone, leaves protected alone', async () => {
    const w = world([
      {pid: 10, startTicks: 999},
      {perm: true, pid: 11, startTicks: 11},
      {pid: 13, startTicks: 13},
    ])
    const ts = [target(10, 10), target(11), target(12), {...target(13), status: 'protected' as const}]
    await runKill(ts, {ladder: simpleLadder(parseSignal('TERM'))}, w.deps)
    assert.deepEqual(w.sent, [])
    assert.deepEqual(ts.map((t) => t.status), ['reused', 'denied', 'gone', 'protected'])
    assert.deepEqual(ts.map((t) => isFailedKill(t.status)), [true, true, false, true])
  })

  it('reports survivors of a ladder that ends with a wait', async () => {
    const w = world([{pid: 10, startTicks: 10}])
    const t = target(10)
    await runKill([t], ladder('USR1,1s'), w.deps)
    assert.equal(t.status, 'survived')
  })

  it('gives every target a status, also one that ends between two steps', async () => {
    // 10 ends 300 ms after TERM: between the first signal and the wait's end; 11 needs KILL.
    const w = world([
      {onSignal: (name, x) => name === 'SIGTERM' && x.at(300, () => x.alive.delete(10)), pid: 10, startTicks: 10},
      {pid: 11, startTicks: 11},
      {diesOn: ['SIGTERM'], pid: 12, startTicks: 12},
    ])
    const ts = [target(10), target(11), target(12)]
    await runKill(ts, ladder('TERM,1s,KILL'), w.deps)
    assert.deepEqual(ts.map((t) => t.status), ['signalled', 'killed', 'signalled'])
    assert.ok(ts.every((t) => t.status !== null))
  })

  it('a zombie has ended; one that is already dying gets a short extra wait, not survived', async () => {
    const w = world([
      {onSignal: (_n, x) => (x.alive.get(10)!.state = 'Z'), pid: 10, startTicks: 10},
      {pid: 11, startTicks: 11},
    ])
    const ts = [target(10), target(11)]
    // 11 takes 2.5 s to go after KILL (uninterruptible sleep, torn down slowly): past the 2 s grace.
    w.deps.send = ((orig) => (pid: number, signal: number) => {
      if (pid === 11 && signal === 9) {
        w.sent.push([11, 'SIGKILL'])
        w.alive.get(11)!.state = 'D'
        w.at(2500, () => w.alive.delete(11))
        return
      }

      orig(pid, signal)
    })(w.deps.send)
    await runKill(ts, ladder('TERM,1s,KILL'), w.deps)
    assert.deepEqual(ts.map((t) => t.status), ['signalled', 'killed'])
  })

  it('finds members born during the kill and gives them the same ladder', async () => {
    // A supervisor that ignores TERM and restarts its worker whenever it dies.
    const w = world([])
    const sup = w.fork(1, {onChildDeath: (x) => x.at(10, () => x.alive.has(sup.pid) && x.fork(sup.pid, {diesOn: ['SIGTERM']}))})
    const worker = w.fork(sup.pid, {diesOn: ['SIGTERM']})
    const records = [target(sup.pid), target(worker.pid, worker.startTicks, {found: 'tree', ppid: sup.pid})]
    await runKill(records, {grow: 'tree', ...ladder('TERM,1s,KILL')}, w.deps)
    assert.equal(w.alive.size, 0, 'nothing left alive')
    const during = records.filter((r) => r.found === 'during')
    assert.ok(during.length >= 1)
    // Each worker born during the wait gets the step under way (TERM) at once and dies of it; the
    // supervisor, which ignores TERM, is KILLed at the next step.
    assert.equal(records[0].status, 'killed')
    assert.equal(records[1].status, 'signalled')
    for (const r of during) assert.ok(r.status === 'signalled' || r.status === 'killed' || r.status === 'gone', r.status ?? 'null')
  })

  it('holds the whole set before each signal and releases it after', async () => {
    const log: string[] = []
    const w = world(
      [
        {diesOn: ['SIGTERM'], pid: 10, startTicks: 10},
        {diesOn: ['SIGTERM'], pid: 11, ppid: 10, startTicks: 11},
      ],
      {contained: log},
    )
    const ts = [target(11, 11, {ppid: 10}), target(10)]
    await runKill(ts, {grow: 'tree', ...ladder('TERM')}, w.deps)
    assert.deepEqual(log, ['hold 10,11', 'release', 'close'])
    assert.deepEqual(w.sent, [
      [11, 'SIGTERM'],
      [10, 'SIGTERM'],
    ])
  })

  it('never holds around STOP or CONT', async () => {
    const log: string[] = []
    const w = world([{pid: 10, startTicks: 10}, {pid: 11, startTicks: 11}], {contained: log})
    await runKill([target(10), target(11)], {grow: 'tree', ladder: simpleLadder(parseSignal('STOP'))}, w.deps)
    assert.deepEqual(log, [])
  })

  it('says what happened to each class of target when nothing was sent', () => {
    const rs = [target(1, 1, {status: 'gone'}), target(2, 2, {status: 'reused'}), target(3, 3, {status: 'reused'})]
    assert.equal(describeUnmatched(rs), 'nothing was signalled: 1 gone (no such process), 2 reused (the pid now belongs to another process)')
    assert.equal(describeUnmatched([]), 'no process matched')
  })
})

describe('resolving targets', () => {
  const rec = (pid: number, ppid: number, extra: Partial<ProcessInfo> = {}): ProcessInfo => ({...emptyRecord(pid), pgid: pid, ppid, startTicks: pid, ...extra})
  const snapshot = [rec(1, 0), rec(50, 1), rec(100, 50, {name: 'a'}), rec(101, 100, {pgid: 100}), rec(102, 101, {pgid: 100}), rec(200, 1, {name: 'b'})]
  const none = buildSelection({}, 50)

  it('keeps explicit pids that are gone or reused, so the report can say so', () => {
    const input = (pid: number, startTicks: number | null, extra = {}) => ({bootId: null, command: null, host: null, name: null, pid, startTicks, startTime: null, ...extra})
    const targets = resolveTargets(snapshot, {
      input: [input(200, 7, {name: 'old'}), input(100, 100)],
      pids: [300],
      selection: none,
    })
    assert.deepEqual(targets.map((t) => [t.record.pid, t.state, t.checkedBy]), [
      [300, 'gone', 'pid'],
      [200, 'reused', 'startTicks,name'],
      [100, 'alive', 'startTicks'],
    ])
  })

  it('uses all the evidence a record carries: a command or name that differs is another process', () => {
    const input = (extra: object) => ({bootId: null, command: null, host: null, name: null, pid: 100, startTicks: null, startTime: null, ...extra})
    const live = [{...rec(100, 50), command: 'sleep 300_B', name: 'sleep', startTime: '2026-11-25T03:00:00.000Z'}]
    const state = (extra: object) => resolveTargets(live, {input: [input(extra)], pids: [], selection: none})[0].state
    assert.equal(state({command: 'sleep 300_A'}), 'reused')
    assert.equal(state({command: 'sleep 300_B'}), 'alive')
    assert.equal(state({command: 'sleep 3\u2026'}), 'alive', 'a command cut by the table matches its prefix')
    assert.equal(state({name: 'bash'}), 'reused')
    // The same start tick, but another program: the command tells them apart.
    assert.equal(state({command: 'sh', startTicks: 100}), 'reused')
    assert.equal(state({startTime: '2026-11-25T03:00:00.400Z'}), 'alive')
    assert.equal(state({startTime: '2026-11-25T03:00:05.000Z'}), 'reused')
    // A pid proc cannot see but that exists (hidepid) is hidden, never gone.
    assert.equal(resolveTargets([], {input: [input({})], pids: [], selection: none}, {exists: () => true})[0].state, 'hidden')
  })

  it('selects from the snapshot, or narrows explicit pids, with selectors', () => {
    assert.deepEqual(resolveTargets(snapshot, {pids: [], selection: buildSelection({name: ['a', 'b']}, 50)}).map((t) => t.record.pid), [100, 200])
    assert.deepEqual(resolveTargets(snapshot, {pids: [100, 101], selection: buildSelection({name: ['a']}, 50)}).map((t) => t.record.pid), [100])
  })

  const plan = (pids: number[], options: Partial<Parameters<typeof planKill>[2]> = {}, selection = none) =>
    planKill(snapshot, {pids, selection}, {dryRun: false, force: false, group: false, max: 100, self: 999, tree: false, ...options})

  it('adds descendants deepest first, and group members', () => {
    assert.deepEqual(plan([50], {tree: true}).records.map((r) => [r.pid, r.found]), [
      [102, 'tree'],
      [101, 'tree'],
      [100, 'tree'],
      [50, 'target'],
    ])
    assert.deepEqual(plan([101], {group: true}).records.map((r) => r.pid), [101, 100, 102])
  })

  it('protects init, itself and its ancestors, and never expands a protected target', () => {
    assert.deepEqual([...protectedPids(snapshot, 102)].sort((a, b) => a - b), [1, 50, 100, 101, 102])
    const p = planKill(snapshot, {pids: [50], selection: none}, {dryRun: false, force: false, group: false, max: 100, self: 101, tree: true})
    assert.deepEqual(p.records.map((r) => [r.pid, r.status]), [[50, 'protected']])
  })

  it('leaves its own ancestors out of selector matches silently', () => {
    const bySelector = planKill(snapshot, {pids: [], selection: buildSelection({where: 'pid >= 50'}, 102)}, {dryRun: false, force: false, group: false, max: 100, self: 102, tree: false})
    assert.deepEqual(bySelector.records.map((r) => r.pid), [200])
  })

  it('refuses a selection broader than --max before anything is sent; --dry-run shows it all', () => {
    const all = buildSelection({where: 'pid > 1'}, 999)
    assert.throws(() => plan([], {max: 3}, all), /5 processes match, more than --max 3: nothing was sent/)
    assert.equal(plan([], {max: 0}, all).records.length, 5)
    assert.equal(plan([], {dryRun: true, max: 3}, all).records.length, 5)
    // Tree expansion of what was selected does not count.
    assert.equal(plan([50], {max: 1, tree: true}).records.length, 4)
  })
})
