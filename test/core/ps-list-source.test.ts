import {strict as assert} from 'node:assert'

import {FIELDS} from '../../src/core/process-info.js'
import {fromPsList, PsListSource} from '../../src/core/sources/ps-list/index.js'

describe('ps-list source', () => {
  const users = (uid: number) => (uid === 0 ? 'root' : String(uid))

  it('maps what ps-list knows and leaves the rest null, never zero', () => {
    const start = new Date('2026-01-01T00:00:00Z')
    const r = fromPsList(
      {cmd: 'node server.js', cpu: 1.5, memory: 2, name: 'node', path: '/usr/bin/node', pid: 42, ppid: 1, startTime: start, uid: 0},
      start.getTime() + 5000,
      users,
    )
    assert.deepEqual(r, {
      argv: null, bootId: null, command: 'node server.js', cpuPercent: 1.5, cpuTimeMs: null, elapsedMs: 5000,
      exe: '/usr/bin/node', gid: null, host: null, name: 'node', nice: null, pgid: null, pid: 42, ppid: 1, rssBytes: null,
      sid: null, startTicks: null, startTime: '2026-01-01T00:00:00.000Z', state: null, threads: null, tty: null,
      uid: 0, user: 'root', vszBytes: null,
    })
    // %MEM, an extra field, only when asked for.
    assert.equal(fromPsList({memory: 2, name: 'node', pid: 42, ppid: 1}, 0, users, new Set(['memPercent'])).memPercent, 2)
  })

  it('keeps unknowns null for Windows-like descriptors (pid, name, ppid only)', () => {
    const r = fromPsList({name: 'svchost.exe', pid: 8, ppid: 4}, 0, users)
    for (const f of FIELDS) if (!['name', 'pid', 'ppid'].includes(f)) assert.equal(r[f], null, f)
  })

  it('does not take a bare name fallback for an exe path', () => {
    assert.equal(fromPsList({name: 'x', path: 'kworker', pid: 1, ppid: 0}, 0, users).exe, null)
    assert.equal(fromPsList({name: 'x', path: 'C:\\x.exe', pid: 1, ppid: 0}, 0, users).exe, 'C:\\x.exe')
  })

  it('lists through an injected ps-list', async () => {
    const source = new PsListSource(async () => [{name: 'a', pid: 1, ppid: 0}, {name: 'b', pid: 2, ppid: 1}])
    const records = await source.list({fields: new Set(FIELDS)})
    assert.deepEqual(records.map((r) => [r.pid, r.name]), [
      [1, 'a'],
      [2, 'b'],
    ])
  })

  it('lists the real system through the real ps-list package', async function () {
    if (process.platform !== 'linux') this.skip()
    const records = await new PsListSource().list({fields: new Set(FIELDS)})
    const me = records.find((r) => r.pid === process.pid)
    assert.ok(me, 'ps-list sees this process')
    assert.equal(me.ppid, process.ppid)
  })
})
