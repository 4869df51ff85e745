// Every selector means the same in list, tree, kill, wait and diff. One case per selector flag of
// the command specs (a test fails when a flag has none), each run by all five commands against a
// real target that matches and a real decoy that does not (or both, or neither), all of them
// started here with a unique marker.

import {strict as assert} from 'node:assert'
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {selectorFlags} from '../../src/cli/flags.js'
import {spec as diff} from '../../src/cli/diff.js'
import {spec as kill} from '../../src/cli/kill.js'
import {spec as list} from '../../src/cli/list.js'
import {spec as tree} from '../../src/cli/tree.js'
import {spec as wait} from '../../src/cli/wait.js'
import {runCli} from '../helpers/cli.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** `self`: the proc process that runs the command (which --include-self lets match). */
type Who = 'decoy' | 'self' | 'target'

/** A case: selector words, and who they select (or the exit code every command gives). */
interface Case {
  args: string[]
  expect: Who[] | {code: number}
}

interface World {
  dir: string
  mark: string
  target: number
  decoy: number
  port: number
  cgroup: string
}

/** The commands, each as a command line and a reader of the pids it selected. */
const COMMANDS: Array<{id: string; line: (w: World, sel: string[]) => string[]; pids: (stdout: string) => number[]; empty: number}> = [
  {empty: 0, id: 'list', line: (_w, sel) => ['list', ...sel, '--format', 'pids'], pids: (out) => out.split(/\s+/).filter(Boolean).map(Number)},
  {
    empty: 0,
    id: 'list --json',
    line: (_w, sel) => ['list', ...sel, '--json'],
    pids: (out) => (JSON.parse(out) as Array<{pid: number}>).map((r) => r.pid),
  },
  {
    empty: 0,
    id: 'tree',
    line: (_w, sel) => ['tree', ...sel, '--format', 'ndjson', '-c', 'pid,matched'],
    pids: (out) => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {matched: boolean; pid: number}).filter((r) => r.matched).map((r) => r.pid),
  },
  {empty: 1, id: 'kill', line: (_w, sel) => ['kill', ...sel, '--dry-run', '--json'], pids: (out) => (out.trim() === '' ? [] : (JSON.parse(out) as Array<{pid: number}>).map((r) => r.pid))},
  {empty: 124, id: 'wait', line: (_w, sel) => ['wait', '--for', 'start', ...sel, '--timeout', '0', '-c', 'pid', '--format', 'csv', '--no-header'], pids: (out) => out.split('\n').filter(Boolean).map(Number)},
  {empty: 0, id: 'diff', line: (w, sel) => ['diff', path.join(w.dir, 'empty.json'), ...sel, '-c', 'pid', '--format', 'csv', '--no-header'], pids: (out) => out.split('\n').filter(Boolean).map(Number)},
]

function cases(w: World): Record<string, Case[]> {
  const uid = String(process.getuid!())
  const gid = String(process.getgid!())
  const both: Who[] = ['target', 'decoy']
  return {
    cgroup: [{args: ['--cgroup', w.cgroup], expect: both}, {args: ['--cgroup', '/no/such/group'], expect: []}],
    env: [{args: ['--env', `PROC_SEL_MARK=${w.mark}`], expect: ['target']}, {args: ['--env', 'PROC_SEL_MARK'], expect: ['target']}, {args: ['--env', 'PROC_SEL_MARK=other'], expect: []}],
    'ignore-case': [{args: ['--ignore-case', '--name', 'NODE'], expect: ['target']}, {args: ['--name', 'NODE'], expect: []}],
    // proc runs as node, a child of this test, as the target does.
    'include-self': [{args: ['--include-self', '--name', 'node'], expect: ['target', 'self']}, {args: ['--name', 'node'], expect: ['target']}],
    kernel: [{args: ['--no-kernel'], expect: both}, {args: ['--kernel'], expect: both}],
    match: [{args: ['--match', `${w.mark}-target`], expect: ['target']}, {args: ['--match', `${w.mark}-nothing`], expect: []}],
    name: [{args: ['--name', 'node'], expect: ['target']}, {args: ['--name', 'sh'], expect: ['decoy']}],
    newest: [{args: ['--newest'], expect: ['decoy']}],
    ns: [{args: ['--ns', String(w.target)], expect: both}],
    nslist: [{args: ['--ns', String(w.target), '--nslist', 'pid,net'], expect: both}],
    'older-than': [{args: ['--older-than', '0s'], expect: both}, {args: ['--older-than', '1d'], expect: []}],
    oldest: [{args: ['--oldest'], expect: ['target']}],
    pid: [{args: ['--pid', String(w.target)], expect: ['target']}, {args: ['--pid', String(w.decoy)], expect: ['decoy']}],
    pidfile: [{args: ['--pidfile', path.join(w.dir, 'target.pid')], expect: ['target']}],
    // Nothing holds the file locked: every command refuses with 1, as pgrep -L.
    'pidfile-locked': [{args: ['--pidfile', path.join(w.dir, 'target.pid'), '--pidfile-locked'], expect: {code: 1}}],
    port: [{args: ['--port', String(w.port)], expect: ['target']}, {args: ['--port', '1'], expect: []}],
    ppid: [{args: ['--ppid', String(process.pid)], expect: both}, {args: ['--ppid', '1'], expect: []}],
    'real-group': [{args: ['--real-group', gid], expect: both}, {args: ['--real-group', String(Number(gid) + 12_345)], expect: []}],
    'real-user': [{args: ['--real-user', uid], expect: both}, {args: ['--real-user', String(Number(uid) + 12_345)], expect: []}],
    session: [{args: ['--session', String(w.target)], expect: ['target']}, {args: ['--session', String(w.decoy)], expect: ['decoy']}],
    state: [{args: ['--state', 'S'], expect: both}, {args: ['--state', 'zombie'], expect: []}],
    tty: [{args: ['--tty', '?'], expect: both}, {args: ['--tty', 'pts/250'], expect: []}],
    user: [{args: ['--user', uid], expect: both}, {args: ['--user', String(Number(uid) + 12_345)], expect: []}],
    where: [{args: ['--where', `pid == ${w.target}`], expect: ['target']}, {args: ['--where', 'pid < 0'], expect: []}],
    'younger-than': [{args: ['--younger-than', '1d'], expect: both}, {args: ['--younger-than', '0s'], expect: []}],
  }
}

describe('every selector means the same in list, tree, kill, wait and diff', function () {
  this.timeout(120_000)
  let world: World
  const children: ChildProcess[] = []

  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-sel-'))
    const mark = `procsel${process.pid}x${Date.now()}`
    writeFileSync(path.join(dir, 'empty.json'), '[]')
    // The target: node, its own session (no terminal), a marked environment and a listening port.
    const target = spawn(process.execPath, ['-e', `require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })`, `${mark}-target`], {
      detached: true,
      env: {...process.env, PROC_SEL_MARK: mark},
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    children.push(target)
    const port = await new Promise<number>((resolve, reject) => {
      target.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())))
      target.once('exit', () => reject(new Error('the target exited')))
    })
    // The decoy starts later (for --newest), in its own session, as sh without the environment mark.
    const env = {...process.env}
    delete env.PROC_SEL_MARK
    const decoy = spawn('sh', ['-c', `sleep 1000; : ${mark}-decoy`], {detached: true, env, stdio: 'ignore'})
    children.push(decoy)
    writeFileSync(path.join(dir, 'target.pid'), `${target.pid}\n`)
    // Both have exec'd and settled (the decoy waits in its sleep).
    for (let i = 0; ; i++) {
      const state = readFileSync(`/proc/${decoy.pid}/stat`, 'latin1')
      if (state.includes('(sh)') && readFileSync(`/proc/${decoy.pid}/task/${decoy.pid}/children`, 'latin1').trim() !== '') break
      if (i > 2000) throw new Error('the decoy did not start')
      await sleep(5)
    }

    const cgroup = readFileSync(`/proc/${target.pid}/cgroup`, 'latin1').split('\n').find((l) => l.startsWith('0::'))!.slice(3)
    world = {cgroup, decoy: decoy.pid!, dir, mark, port, target: target.pid!}
  })

  after(() => {
    for (const c of children) {
      try {
        process.kill(-c.pid!, 'SIGKILL')
      } catch {}
    }

    if (world) rmSync(world.dir, {force: true, recursive: true})
  })

  it('has a case for every selector flag of every command', () => {
    const fake = {cgroup: '/', decoy: 2, dir: '/', mark: 'm', port: 1, target: 1}
    const covered = Object.keys(cases(fake))
    for (const spec of [list, tree, kill, wait, diff]) {
      const selectors = Object.keys(spec.flags).filter((f) => f in selectorFlags)
      assert.deepEqual(selectors.sort(), Object.keys(selectorFlags).sort(), `${spec.id} takes every selector`)
    }

    assert.deepEqual(covered.sort(), Object.keys(selectorFlags).sort())
  })

  for (const flagName of Object.keys(selectorFlags)) {
    it(`--${flagName}`, async () => {
      for (const c of cases(world)[flagName]) {
        // The run's own processes only: their marker (or, for --match itself, their parent).
        const restrict = flagName === 'match' || flagName === 'include-self' ? ['--ppid', String(process.pid)] : ['--match', world.mark]
        // One at a time: a proc run beside another carries the marker in its own command line.
        for (const cmd of COMMANDS) {
          const result = await runCli(cmd.line(world, [...c.args, ...restrict]))
          const what = `proc ${cmd.line(world, [...c.args, ...restrict]).join(' ')}`
          if ('code' in c.expect) {
            assert.equal(result.code, c.expect.code, `${what}: ${result.stderr}`)
            continue
          }

          let got = cmd.pids(result.stdout).sort((a, b) => a - b)
          if (c.expect.includes('self')) {
            // proc itself: one pid besides the others, which kill reports as protected.
            const others = got.filter((p) => p !== world.target && p !== world.decoy)
            assert.equal(others.length, 1, `${what}: ${result.stdout}`)
            got = got.filter((p) => !others.includes(p))
          }

          const want = c.expect.filter((w) => w !== 'self').map((w) => world[w as Exclude<Who, 'self'>]).sort((a, b) => a - b)
          assert.deepEqual(got, want, `${what} (exit ${result.code}): ${result.stderr}`)
          if (!c.expect.includes('self')) assert.equal(result.code, want.length === 0 ? cmd.empty : 0, `${what}: ${result.stderr}`)
        }
      }
    })
  }
})
