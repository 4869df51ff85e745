import {strict as assert} from 'node:assert'
import {execFileSync} from 'node:child_process'

import {checkedBy, compareIdentity, isSameTarget, sameStart} from '../../src/core/identity.js'
import {LeakTracker} from '../../src/core/leaks.js'
import {emptyRecord, type ProcessInfo} from '../../src/core/process-info.js'
import type {ProcfsSource} from '../../src/core/sources/linux/index.js'
import {identityGuard} from '../../src/core/sources/linux/watchdog.js'
import {startSleeper} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('the watchdog checks identity before it signals', () => {
  it('its guard is true only for the process that started at the recorded tick', async () => {
    const child = startSleeper()
    await sleep(100)
    const stat = execFileSync('cat', [`/proc/${child.pid}/stat`], {encoding: 'utf8'})
    const ticks = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[19])
    const check = (t: number) => execFileSync('sh', ['-c', `if ${identityGuard(child.pid!, t)}; then echo same; else echo other; fi`], {encoding: 'utf8'}).trim()
    assert.equal(check(ticks), 'same')
    assert.equal(check(ticks + 1), 'other', 'a pid now held by a process of another start is not signalled')
    assert.equal(execFileSync('sh', ['-c', `if ${identityGuard(4_194_000, 1)}; then echo same; else echo other; fi`], {encoding: 'utf8'}).trim(), 'other')
  })
})

/** A fake process table for the leak tracker: what listSync, probe and hasEnv see now. */
function fakeSource(table: Map<number, ProcessInfo>): ProcfsSource {
  return {
    hasEnv: () => false,
    listSync: () => [...table.values()],
    probe: (pid: number) => {
      const p = table.get(pid)
      return p && {bootId: null, pid, startTicks: p.startTicks, state: p.state}
    },
    selfCgroup: () => undefined,
  } as unknown as ProcfsSource
}

const proc = (pid: number, startTicks: number, extra: Partial<ProcessInfo> = {}): ProcessInfo => ({...emptyRecord(pid), pgid: pid, ppid: 1, sid: pid, startTicks, state: 'S', ...extra})

describe('leak detection never blames a stranger through a recycled session id', () => {
  it('a session id whose pid another process took (and setsid with) is not the run\'s', async () => {
    const table = new Map<number, ProcessInfo>([[100, proc(100, 10)]])
    const tracker = new LeakTracker(fakeSource(table), {cgroup: false, cookie: false})
    tracker.started(100, true)
    // The child exits with nothing left in its session; its pid is taken by a stranger that
    // calls setsid and forks.
    table.delete(100)
    tracker.stopped()
    table.set(100, proc(100, 50))
    table.set(101, proc(101, 51, {pgid: 100, ppid: 100, sid: 100}))
    assert.deepEqual(await tracker.find(0), [])
  })

  it('members of the child\'s own session are found while the kernel keeps its id', async () => {
    const table = new Map<number, ProcessInfo>([
      [100, proc(100, 10)],
      [102, proc(102, 12, {pgid: 100, ppid: 100, sid: 100})],
    ])
    const tracker = new LeakTracker(fakeSource(table), {cgroup: false, cookie: false})
    tracker.started(100, true)
    table.delete(100)
    tracker.stopped()
    const leaks = await tracker.find(0)
    assert.deepEqual(
      leaks.map((l) => [l.pid, l.foundBy]),
      [[102, 'session']],
    )
  })
})

describe('one identity module: same, different or unknown', () => {
  const boot = 'b1'
  it('start ticks with the boot id decide alone: a retitle is the same process', () => {
    assert.equal(compareIdentity({bootId: boot, command: 'node app.js', pid: 5, startTicks: 100}, {bootId: boot, command: 'pm2: app', pid: 5, startTicks: 100}), 'same')
    assert.equal(compareIdentity({bootId: boot, pid: 5, startTicks: 100}, {bootId: boot, pid: 5, startTicks: 101}), 'different')
    assert.equal(compareIdentity({bootId: boot, pid: 5, startTicks: 100}, {bootId: 'b2', pid: 5, startTicks: 100}), 'different', 'another boot')
    assert.equal(compareIdentity({pid: 5, startTicks: 100}, {pid: 6, startTicks: 100}), 'different')
  })

  it('without a boot id, or with a start time to the second, the command and name count too', () => {
    assert.equal(compareIdentity({command: 'a', pid: 5, startTicks: 100}, {command: 'b', pid: 5, startTicks: 100}), 'different')
    const t = '2026-12-06T20:00:00.000Z'
    assert.equal(compareIdentity({command: 'sleep 1', pid: 5, startTime: t}, {command: 'sleep 1', pid: 5, startTime: '2026-12-06T20:00:00.900Z'}), 'same')
    assert.equal(compareIdentity({pid: 5, startTime: t}, {pid: 5, startTime: '2026-12-06T20:00:01.500Z'}), 'different')
    assert.equal(compareIdentity({command: 'sleep…', pid: 5}, {command: 'sleep 100', pid: 5}), 'same', 'a cut command matches by prefix')
    assert.equal(compareIdentity({name: 'node', pid: 5}, {name: 'sh', pid: 5}), 'different')
  })

  it('nothing both sides know is unknown, which is taken as the same process (kill(1) on a pid), and says so', () => {
    assert.equal(compareIdentity({pid: 5}, {command: 'x', pid: 5, startTicks: 1}), 'unknown')
    assert.equal(isSameTarget({pid: 5}, {pid: 5, startTicks: 1}), true)
    assert.equal(checkedBy({pid: 5}), 'pid')
    assert.equal(checkedBy({bootId: boot, command: 'x', pid: 5, startTicks: 1}), 'startTicks,bootId')
    assert.equal(checkedBy({command: 'x', name: 'x', pid: 5, startTime: '2026-12-06T20:00:00Z'}), 'startTime,command,name')
  })

  it('a diff of snapshots compares the start only: a retitle is no new process', () => {
    assert.equal(sameStart({pid: 5, startTicks: 1}, {pid: 5, startTicks: 1}), true)
    assert.equal(compareIdentity({command: 'a', pid: 5, startTicks: 1}, {command: 'b', pid: 5, startTicks: 1}, 'start'), 'same')
    assert.equal(sameStart({host: 'a', pid: 5}, {host: 'b', pid: 5}), false)
  })
})
