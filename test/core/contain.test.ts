// Containment through fakes: which form the host allows, the identity check before each hold, the
// SIGSTOP order and its undoing, and the cgroup form's moves back out. (Real trees are held in
// test/commands/kill.test.ts and the churn tests.)

import {strict as assert} from 'node:assert'

import {type ContainDeps, openContainment} from '../../src/core/contain.js'
import type {ProcessGroup, Probe} from '../../src/core/sources/source.js'

/** A process table of pid -> start ticks and state, and a log of what was sent. */
function fakeHost(table: Record<number, {startTicks: number; state?: string}>) {
  const sent: string[] = []
  const deps: ContainDeps = {
    probe: (pid): Probe | undefined => (table[pid] ? {bootId: null, pid, startTicks: table[pid].startTicks, state: table[pid].state ?? 'S'} : undefined),
    send: (pid, signal) => {
      sent.push(`${signal} ${pid}`)
      if (signal === 'SIGSTOP' && table[pid]) table[pid].state = 'T'
      if (signal === 'SIGCONT' && table[pid]) table[pid].state = 'S'
    },
  }
  return {deps, sent, table}
}

/** A cgroup of proc's that records what it is asked. */
function fakeGroup(options: {canFreeze?: boolean; refuse?: number[]} = {}) {
  const log: string[] = []
  const members = new Set<number>()
  const group: ProcessGroup = {
    adopt: (pid) => {
      if (options.refuse?.includes(pid)) return false
      members.add(pid)
      log.push(`adopt ${pid}`)
      return true
    },
    canFreeze: options.canFreeze ?? true,
    canKill: true,
    dir: '/sys/fs/cgroup/proc-kill-1',
    freeze: (on) => {
      log.push(on ? 'freeze' : 'thaw')
      return true
    },
    kill: () => {
      log.push('kill')
      return true
    },
    memoryPeak: () => undefined,
    members: () => [...members],
    procsFile: '/sys/fs/cgroup/proc-kill-1/cgroup.procs',
    release: (pid, to) => {
      members.delete(pid)
      log.push(`release ${pid} to ${to}`)
      return true
    },
    remove: () => log.push('remove'),
    undoScript: () => '',
  }
  return {group, log}
}

describe('containment', () => {
  it('without a cgroup: SIGSTOP parents first, only processes that are still the ones listed; SIGCONT to undo', () => {
    const {deps, sent} = fakeHost({10: {startTicks: 100}, 11: {startTicks: 110}, 12: {startTicks: 999}})
    const c = openContainment(deps)
    assert.equal(c.kind, 'stop')
    // 12 was listed with start 120: its pid now holds another process.
    c.hold([
      {pid: 10, startTicks: 100},
      {pid: 11, startTicks: 110},
      {pid: 12, startTicks: 120},
      {pid: 13, startTicks: 130},
    ])
    assert.deepEqual(sent, ['SIGSTOP 10', 'SIGSTOP 11'])
    assert.equal(c.killAll(), false, 'one by one only')
    c.close()
    assert.deepEqual(sent.slice(2), ['SIGCONT 10', 'SIGCONT 11'])
  })

  it('a held process whose pid was recycled meanwhile is not sent CONT', () => {
    const {deps, sent, table} = fakeHost({10: {startTicks: 100}})
    const c = openContainment(deps)
    c.hold([{pid: 10, startTicks: 100}])
    table[10] = {startTicks: 555}
    c.release()
    assert.deepEqual(sent, ['SIGSTOP 10'])
  })

  it('with a cgroup that freezes: members move in, the group freezes; what it refuses is stopped instead; close moves survivors back', () => {
    const {deps, sent} = fakeHost({10: {startTicks: 100}, 11: {startTicks: 110}})
    const {group, log} = fakeGroup({refuse: [11]})
    const c = openContainment({...deps, cgroupOf: (pid) => `/user.slice/from-${pid}`, createGroup: () => group})
    assert.equal(c.kind, 'cgroup')
    c.hold([
      {pid: 10, startTicks: 100},
      {pid: 11, startTicks: 110},
    ])
    assert.deepEqual(log, ['adopt 10', 'freeze'])
    assert.deepEqual(sent, ['SIGSTOP 11'], 'the one the kernel would not move is held the other way')
    assert.deepEqual(c.members(), [10])
    assert.equal(c.killAll(), true)
    c.close()
    assert.deepEqual(log.slice(2), ['kill', 'thaw', 'release 10 to /user.slice/from-10', 'remove'])
    assert.deepEqual(sent.slice(1), ['SIGCONT 11'])
  })

  it('a group that cannot freeze, or --no-cgroup, falls back to SIGSTOP', () => {
    const {deps} = fakeHost({})
    const {group} = fakeGroup({canFreeze: false})
    assert.equal(openContainment({...deps, cgroupOf: () => '/', createGroup: () => group}).kind, 'stop')
    assert.equal(openContainment({...deps, cgroupOf: () => '/', createGroup: () => fakeGroup().group}, false).kind, 'stop')
  })
})
