import {strict as assert} from 'node:assert'

import {UsageError} from '../../src/core/errors.js'
import {emptyRecord, type ProcessInfo} from '../../src/core/process-info.js'
import {buildSelection, namePattern, type Selectors} from '../../src/core/select.js'
import {parseSort, sortRecords} from '../../src/core/sort.js'

function rec(fields: Partial<ProcessInfo>): ProcessInfo {
  return {...emptyRecord(fields.pid ?? 1), ...fields}
}

const records = [
  rec({command: 'node a.js', cpuPercent: 5, elapsedMs: 10_000, name: 'node', pid: 10, ppid: 1, sid: 10, state: 'S', tty: 'pts/0', uid: 1000, user: 'alice'}),
  rec({command: 'nodemon', cpuPercent: 50, elapsedMs: 600_000, name: 'nodemon', pid: 11, ppid: 10, sid: 10, state: 'R', tty: null, uid: 0, user: 'root'}),
  rec({command: '[kthreadd]', cpuPercent: null, elapsedMs: 9e6, name: 'kthreadd', pid: 2, ppid: 0, sid: 0, state: 'S', tty: null, uid: 0, user: 'root'}),
  rec({command: 'defunct', cpuPercent: 5, elapsedMs: 5, name: 'zed', pid: 99, ppid: 10, sid: 10, state: 'Z', tty: null, uid: 1000, user: 'alice'}),
]

function pids(selectors: Selectors, self = 12_345): number[] {
  const s = buildSelection(selectors, self)
  return records.filter((r) => s.test(r)).map((r) => r.pid)
}

describe('selectors', () => {
  it('selects everything but itself with no selector', () => {
    assert.deepEqual(pids({}), [10, 11, 2, 99])
    assert.deepEqual(pids({}, 11), [10, 2, 99])
    assert.deepEqual(pids({includeSelf: true}, 11), [10, 11, 2, 99])
    assert.equal(buildSelection({}).active, false)
    assert.equal(buildSelection({pid: [1]}).active, true)
  })

  it('ORs repeated values and ANDs different selectors', () => {
    assert.deepEqual(pids({pid: [10, 11]}), [10, 11])
    assert.deepEqual(pids({pid: [10, 11], user: ['root']}), [11])
    assert.deepEqual(pids({user: ['root', '1000']}), [10, 11, 2, 99])
    assert.deepEqual(pids({ppid: [10]}), [11, 99])
    assert.deepEqual(pids({session: [0]}), [2])
  })

  it('a Windows image name matches with or without .exe (tasklist /fi "IMAGENAME eq node.exe" is --name node)', () => {
    const win = [rec({name: 'node.exe', pid: 40, ppid: 4}), rec({name: 'NODE.EXE', pid: 41, ppid: 4}), rec({name: 'node.exe.bak', pid: 42, ppid: 4})]
    const match = (name: string) => win.filter((r) => buildSelection({name: [name]}, 1).test(r)).map((r) => r.pid)
    assert.deepEqual(match('node'), [40])
    assert.deepEqual(match('node.exe'), [40])
    assert.deepEqual(win.filter((r) => buildSelection({ignoreCase: true, name: ['node']}, 1).test(r)).map((r) => r.pid), [40, 41], '-i as tasklist compares')
    assert.deepEqual(match('nod'), [])
  })

  it('matches names exactly, by glob, or by /regex/', () => {
    assert.deepEqual(pids({name: ['node']}), [10])
    assert.deepEqual(pids({name: ['node*']}), [10, 11])
    assert.deepEqual(pids({name: ['?ed']}), [99])
    assert.deepEqual(pids({name: ['[kz]*']}), [2, 99])
    assert.deepEqual(pids({name: ['/^NODE/i']}), [10, 11])
    assert.ok(namePattern('a.b')('a.b'))
    assert.ok(!namePattern('a.b')('axb'))
    assert.ok(!namePattern('a.*')('abc'))
    assert.ok(namePattern('a.*')('a.c'))
  })

  it('matches the command line, state, tty and age', () => {
    assert.deepEqual(pids({match: ['a\\.js$']}), [10])
    assert.deepEqual(pids({state: ['zombie', 'R']}), [11, 99])
    assert.deepEqual(pids({tty: ['pts/0']}), [10])
    assert.deepEqual(pids({tty: ['?']}), [11, 2, 99])
    assert.deepEqual(pids({olderThanMs: 60_000}), [11, 2])
    assert.deepEqual(pids({youngerThanMs: 60_000}), [10, 99])
    assert.deepEqual(pids({where: 'cpu >= 5 and user == "alice"'}), [10, 99])
  })

  it('collects the fields the selection needs', () => {
    assert.deepEqual([...buildSelection({match: ['x'], user: ['root'], where: 'rss > 1'}).needs].sort(), ['command', 'rssBytes', 'uid', 'user'])
  })

  it('rejects bad regexes, globs and states as usage errors', () => {
    for (const bad of [{match: ['(']}, {name: ['/(/']}, {name: ['[abc']}, {state: ['sleepy']}, {where: 'pid =='}] as Selectors[]) {
      assert.throws(() => buildSelection(bad), UsageError, JSON.stringify(bad))
    }
  })
})

describe('--sort', () => {
  it('sorts by several keys, descending with -, nulls last', () => {
    const sorted = sortRecords([...records], parseSort('-cpu,pid'))
    assert.deepEqual(sorted.map((r) => r.pid), [11, 10, 99, 2])
    assert.deepEqual(sortRecords([...records], parseSort('cpu,-pid')).map((r) => r.pid), [99, 10, 11, 2])
    assert.deepEqual(sortRecords([...records], parseSort('user,+name')).map((r) => r.pid), [10, 99, 2, 11])
  })

  it('keeps the input order of ties, and returns records already in order as they are', () => {
    const rows = [3, 1, 2, 1, 3, 2].map((cpu, i) => ({...emptyRecord(i + 1), cpuPercent: cpu}))
    assert.deepEqual(sortRecords([...rows], parseSort('cpu')).map((r) => r.pid), [2, 4, 3, 6, 1, 5])
    assert.deepEqual(sortRecords([...rows], parseSort('-cpu')).map((r) => r.pid), [1, 5, 3, 6, 2, 4])
    const ordered = sortRecords([...rows], parseSort('pid'))
    assert.deepEqual(ordered.map((r) => r.pid), [1, 2, 3, 4, 5, 6])
    assert.equal(sortRecords(ordered, parseSort('pid')), ordered)
    // One pair out of order at the end is found.
    const late = [...ordered.slice(0, 4), ordered[5], ordered[4]]
    assert.deepEqual(sortRecords(late, parseSort('pid')).map((r) => r.pid), [1, 2, 3, 4, 5, 6])
  })

  it('rejects unknown and empty keys', () => {
    assert.throws(() => parseSort('nope'), /--sort: unknown column 'nope'/)
    assert.throws(() => parseSort('pid,'), /empty sort key/)
    assert.throws(() => parseSort('-'), /empty sort key/)
  })
})
