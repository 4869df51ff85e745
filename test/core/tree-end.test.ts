// Ending a tree without process groups (Windows' way, run here on Linux): walked from parent
// links, deepest first, again until nothing new turns up; spawn's timeout through it.

import {strict as assert} from 'node:assert'
import {readdirSync, readFileSync} from 'node:fs'

import {runChild} from '../../src/core/run.js'
import {parseSignal} from '../../src/core/signals.js'
import {openSource} from '../../src/core/sources/index.js'
import {endTree, treeOf} from '../../src/core/tree-end.js'
import {emptyRecord, type ProcessInfo} from '../../src/core/process-info.js'
import {isAlive, startProcess} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const rec = (pid: number, ppid: number, startTime: string | null = null): ProcessInfo => ({...emptyRecord(pid), ppid, startTime})

/** Children of pid, now. */
const kids = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1')
    .trim()
    .split(' ')
    .filter(Boolean)
    .map(Number)

describe('ending a tree without process groups', () => {
  it('walks parent links, deepest first, from a root that may be gone; a recycled ppid is no parent', () => {
    const t = (s: number) => new Date(1_800_000_000_000 + s * 1000).toISOString()
    const listing = [rec(10, 1, t(0)), rec(11, 10, t(1)), rec(12, 11, t(2)), rec(13, 10, t(1)), rec(20, 11, t(-5)), rec(30, 99, t(3)), rec(31, 30, t(4))]
    assert.deepEqual(treeOf(listing, 10).map((p) => p.pid), [12, 11, 13, 10])
    assert.deepEqual(treeOf(listing, 99).map((p) => p.pid), [31, 30], 'the root is gone: its children still name it (Windows keeps dead parents\' pids)')
  })

  it('on Windows only TERM, INT, KILL and 0 can be sent: any other signal is a usage error', () => {
    for (const s of ['TERM', 'INT', 'KILL', 'SIGKILL', '9']) assert.ok(parseSignal(s, '--signal', false, 'win32'))
    assert.equal(parseSignal('0', '--signal', true, 'win32').number, 0)
    for (const s of ['HUP', 'USR1', 'STOP', '1']) assert.throws(() => parseSignal(s, '--signal', false, 'win32'), /(cannot be sent on Windows|on Windows): TERM, INT and KILL end a process/)
  })

  it('ends a real tree, grandchildren included, deepest first', async () => {
    // Its own process group: the suite's hooks end whatever of it is left.
    const root = startProcess('sh', ['-c', 'sleep 200 & sh -c "sleep 200 & wait" & wait'])
    // The whole tree first: a grandchild forked after the walk, under a parent that then died,
    // would be init's on Linux (Windows keeps the dead parent's pid) and out of reach.
    const tree = () => [root.pid!, ...kids(root.pid!), ...kids(root.pid!).flatMap((k) => kids(k))]
    for (let i = 0; i < 4000 && tree().length < 4; i++) await sleep(5)
    const before = tree()
    assert.equal(before.length, 4, 'sh, its sleep, the inner sh and its sleep')
    const signalled = await endTree(openSource(), root.pid!, 15)
    for (const pid of before) assert.ok(signalled.includes(pid), `${pid} signalled`)
    for (let i = 0; i < 200 && before.some((p) => isAlive(p)); i++) await sleep(10)
    assert.deepEqual(before.filter((p) => isAlive(p)), [])
  })

  it('spawn --timeout through it: 124, and the child\'s children end too', async () => {
    const source = openSource()
    // A unique sleep, found and ended afterwards if anything escaped (the child is not in a group of its own).
    const seconds = `201.${process.pid}`
    try {
      await timedOutTree(source, seconds)
    } finally {
      for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number)) {
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, 'latin1') === `sleep\0${seconds}\0`) process.kill(pid, 'SIGKILL')
        } catch {}
      }
    }
  })
})

/** runChild with endTree on a sh with two sleeps: 124, every member ended. */
async function timedOutTree(source: ReturnType<typeof openSource>, seconds: string): Promise<void> {
  let tree: number[] = []
  const record = await runChild({
    argv: ['sh', '-c', `sleep ${seconds} & sleep ${seconds} & wait`],
    endTree: async (pid, signal) => {
      tree = await endTree(source, pid, signal)
    },
    env: process.env,
    interactive: false,
    // Long enough for sh to fork both sleeps however busy the machine: a sleep forked after the
    // walk, under an ended sh, would be init's on Linux.
    timeoutMs: 2000,
    timeoutSignal: parseSignal('TERM'),
  })
  assert.equal(record.exitStatus, 124)
  assert.ok(tree.length >= 3, `the child and its two sleeps: ${tree}`)
  for (let i = 0; i < 200 && tree.some((p) => isAlive(p)); i++) await sleep(10)
  assert.deepEqual(tree.filter((p) => isAlive(p)), [])
}
