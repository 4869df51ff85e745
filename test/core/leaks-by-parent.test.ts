// Leaks by parent links (Windows, and the ps and ps-list sources): a fake source plays the
// listings a run goes through, so the rules are checked without a Windows machine or wall time.

import {strict as assert} from 'node:assert'

import {ParentLinkLeaks} from '../../src/core/leaks-by-parent.js'
import {emptyRecord, type Field, type ProcessInfo} from '../../src/core/process-info.js'
import type {ProcessSource} from '../../src/core/sources/source.js'
import type {Clock} from '../../src/core/wait.js'

const rec = (pid: number, ppid: number, name: string, startTime: string | null = null): ProcessInfo => ({...emptyRecord(pid), name, ppid, startTime})

/** A source whose listing is whatever the test says it is now. */
function fakeSource(): {source: ProcessSource; now: ProcessInfo[]; lists: number} {
  const state = {
    lists: 0,
    now: [] as ProcessInfo[],
    source: {
      exists: () => true,
      fields: new Set<Field>(['pid', 'ppid', 'name']),
      id: 'ps-list',
      list: async () => {
        state.lists++
        return state.now.map((r) => ({...r}))
      },
      machine: () => ({bootId: null, host: null}),
      probe: () => undefined,
    } as ProcessSource,
  }
  return state
}

/** A clock that never waits: each sleep moves time on. */
function fakeClock(): Clock {
  let t = 0
  return {now: () => t, sleep: async (ms) => void (t += ms)}
}

const settle = () => new Promise((r) => setImmediate(r))

/**
 * A run of child 100: the source lists `during` while it runs (one sample), then `after` once it
 * has exited; the leaks found, as [pid, method], and how many listings the look took.
 */
async function run(during: ProcessInfo[], after: ProcessInfo[], graceMs = 200): Promise<{found: Array<[number, string]>; looks: number}> {
  const fake = fakeSource()
  const leaks = new ParentLinkLeaks(fake.source)
  fake.now = during
  leaks.started(100)
  await settle()
  leaks.stopped()
  fake.now = after
  const before = fake.lists
  const found = (await leaks.find(graceMs, fakeClock())).map((l): [number, string] => [l.pid, l.foundBy])
  return {found, looks: fake.lists - before}
}

describe('leaks by parent links', () => {
  it('finds a grandchild whose parent (below the child) is gone, through the link seen while it lived', async () => {
    // cmd (the child, 100) -> start.exe (101) -> ping (102), as Wine runs `start /b`.
    const {found} = await run([rec(1, 0, 'init'), rec(100, process.pid, 'cmd.exe'), rec(101, 100, 'start.exe')], [rec(1, 0, 'init'), rec(102, 101, 'ping.exe'), rec(200, 1, 'other.exe')])
    assert.deepEqual(found, [[102, 'parent']])
  })

  it('finds what was seen below the child and has moved (reparented to init), and nothing else', async () => {
    const {found} = await run(
      [rec(1, 0, 'init'), rec(100, process.pid, 'sh'), rec(101, 100, 'sleep'), rec(300, 1, 'cron')],
      [rec(1, 0, 'init'), rec(101, 1, 'sleep'), rec(300, 1, 'cron')],
    )
    assert.deepEqual(found, [[101, 'sampled']])
  })

  it('a pid seen below the child and now held by another program is not a leak', async () => {
    const {found} = await run([rec(100, process.pid, 'sh'), rec(101, 100, 'sleep')], [rec(101, 1, 'nginx')])
    assert.deepEqual(found, [])
  })

  it('a process that started before the child is never its leak (where start times are known)', async () => {
    // A recycled pid: 100 is the child's, and an old process names it as its parent.
    const {found} = await run([rec(100, process.pid, 'sh')], [rec(150, 100, 'old', new Date(Date.now() - 60_000).toISOString())])
    assert.deepEqual(found, [])
  })

  it('an empty look is looked at twice before the grace ends early', async () => {
    const {found, looks} = await run([rec(100, process.pid, 'sh')], [], 10_000)
    assert.deepEqual(found, [])
    assert.equal(looks, 3, 'one look, then two in a row that find nothing')
  })
})
