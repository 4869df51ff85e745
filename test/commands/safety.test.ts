import {strict as assert} from 'node:assert'
import {execFile} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {cgroupMount} from '../../src/core/sources/linux/cgroup.js'
import {ProcfsSource} from '../../src/core/sources/linux/index.js'
import {BIN, binForOthers, runCli} from '../helpers/cli.js'
import {canUnshare, inPidNamespace} from '../helpers/namespace.js'
import {isAlive, startProcess} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const node = JSON.stringify(process.execPath)
const proc = `${node} ${JSON.stringify(BIN)}`

function sh(script: string, env: NodeJS.ProcessEnv = {}): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', script], {encoding: 'utf8', env: {...process.env, ...env}}, (error, stdout, stderr) =>
      resolve({code: error ? ((error as {code?: number}).code ?? null) : 0, stderr, stdout}),
    )
  })
}

/** Pids of live processes whose environment carries `name` (a marker every test process inherits). */
function marked(name: string): number[] {
  const source = new ProcfsSource()
  return source
    .listSync(new Set(['pid', 'state'] as const))
    .filter((r) => r.state !== 'Z' && r.pid !== process.pid && source.hasEnv(r.pid, name))
    .map((r) => r.pid)
}

/** Whether this host lets proc make (and freeze) a cgroup v2 group of its own. */
function cgroupWritable(): boolean {
  const own = new ProcfsSource().selfCgroup()
  const mount = cgroupMount()
  if (own === undefined || mount === undefined) return false
  const probe = path.join(mount, own, `proc-test-probe-${process.pid}`)
  try {
    mkdirSync(probe)
  } catch {
    return false
  }

  const ok = existsSync(path.join(probe, 'cgroup.freeze'))
  rmdirSync(probe)
  return ok
}

describe('never a stranger', function () {
  this.timeout(60_000)
  let dir: string
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'proc-safety-'))
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  it('a stale table (no startTicks) is checked by its COMMAND: a recycled pid is reused, not signalled', async function () {
    if (!canUnshare()) this.skip()
    const r = await inPidNamespace(`
      sleep 1001 & A=$!
      sleep 0.2
      T=$(proc list --pid $A)
      kill -s KILL $A; wait $A 2>/dev/null
      echo $((A - 1)) > /proc/sys/kernel/ns_last_pid
      sleep 1002 & B=$!
      [ "$B" = "$A" ] || { echo SKIP; exit 0; }
      sleep 0.2
      printf '%s\\n' "$T" | proc kill --json; echo "rc=$?"
      kill -0 $B && echo alive
    `)
    if (r.stdout.includes('SKIP')) this.skip()
    assert.match(r.stdout, /"status":"reused"/, r.stdout + r.stderr)
    assert.match(r.stdout, /"checkedBy":"command"/)
    assert.match(r.stdout, /rc=1/)
    assert.match(r.stdout, /alive/)
  })

  it('refuses a selection broader than --max before sending anything; --max 0 lifts it', async function () {
    if (!canUnshare()) this.skip()
    const r = await inPidNamespace(`
      i=0; while [ $i -lt 101 ]; do sleep 1000 & i=$((i + 1)); done
      sleep 0.3
      proc kill --name sleep; echo "rc=$?"
      echo "alive=$(proc list --name sleep --count)"
      proc kill --name sleep --dry-run -q; echo "dry=$?"
      proc kill --name sleep --max 0 -q; echo "max0=$?"
      sleep 0.3
      echo "after=$(proc list --name sleep --state S --count)"
    `)
    assert.match(r.stderr, /^proc kill: 101 processes match, more than --max 100: nothing was sent/m)
    assert.match(r.stdout, /rc=2\nalive=101\ndry=0\nmax0=0\nafter=0/, r.stdout + r.stderr)
  })

  it("leaves its own ancestors out of selector matches (an npm script's sh -c holds the same words)", async () => {
    const name = `proc-marker-${process.pid}`
    symlinkSync('/bin/sleep', path.join(dir, name))
    const target = startProcess(path.join(dir, name), ['300'])
    await sleep(200)
    const killed = await sh(`${proc} kill --match ${name} --json; echo "rc=$?"`)
    assert.match(killed.stdout, /rc=0/, killed.stdout + killed.stderr)
    assert.deepEqual(JSON.parse(killed.stdout.slice(0, killed.stdout.lastIndexOf('rc='))).map((r: {pid: number}) => r.pid), [target.pid])
    const waited = await sh(`${proc} wait --for start --match ${name} --timeout 300ms -q; echo "rc=$?"`)
    assert.match(waited.stdout, /rc=124/)
  })

  it('proc tree --json | proc kill signals only the matches, never the ancestors shown for context', async () => {
    symlinkSync('/bin/sleep', path.join(dir, 'ctx'))
    // After its child ends, the parent goes on sleeping: alive unless something signals it.
    const parent = startProcess('sh', ['-c', `${JSON.stringify(path.join(dir, 'ctx'))} 300 & wait; exec sleep 299`])
    await sleep(300)
    const r = await sh(`${proc} tree --name ctx --json | ${proc} kill --json`)
    const records = JSON.parse(r.stdout) as Array<{pid: number; name: string; status: string}>
    assert.deepEqual(records.map((x) => [x.name, x.status]), [['ctx', 'signalled']], r.stdout + r.stderr)
    assert.ok(isAlive(parent.pid!), 'the ancestor is untouched')
    const folded = await runCli(['kill'], {input: '  PID COMMAND\n  101 3*[sleep 60]\n'})
    assert.equal(folded.code, 2)
    assert.match(folded.stderr, /folded row.*proc tree --json/)
  })

  it('a process proc cannot see (hidepid=2) is denied, never gone; wait keeps waiting', async function () {
    if (!canUnshare() || process.getuid?.() !== 0 || !existsSync('/usr/bin/setpriv')) this.skip()
    const nobody = `setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp ${node} ${JSON.stringify(binForOthers().bin)}`
    const r = await inPidNamespace(`
      mount -o remount,hidepid=2 /proc || { echo SKIP; exit 0; }
      sleep 1000 & A=$!
      sleep 0.2
      ${nobody} wait $A --timeout 500ms -q; echo "wait=$?"
      ${nobody} kill $A --json; echo "kill=$?"
      kill -0 $A && echo alive
    `)
    if (r.stdout.includes('SKIP')) this.skip()
    assert.match(r.stdout, /wait=124/, r.stdout + r.stderr)
    assert.match(r.stdout, /"status":"denied"/)
    assert.match(r.stdout, /kill=1\nalive/)
  })
})

describe('tree kill converges', function () {
  this.timeout(60_000)
  const withCgroup = cgroupWritable()
  const trees: Array<{name: string; script: string; needsCgroup?: boolean}> = [
    {name: 'a parent that ignores TERM and restarts its worker', script: 'trap "" TERM; while :; do sleep 300 & wait $!; done'},
    {name: 'a parent that ignores TERM and keeps forking', script: 'trap "" TERM; while :; do sleep 300 & sleep 0.02; done'},
    {name: 'a plain shell supervisor loop', script: 'while :; do sleep 300; done'},
    {
      name: 'a child that starts a setsid grandchild when it gets TERM',
      needsCgroup: true,
      script: 'sh -c \'trap "setsid sleep 301 & exit" TERM; sleep 300 & wait\' & wait',
    },
  ]
  for (const mode of ['--freeze', '--no-freeze']) {
    for (const tree of trees) {
      it(`${mode}: ${tree.name}: nothing is left alive`, async function () {
        if (mode === '--freeze' && !withCgroup) this.skip()
        // Without a cgroup, a grandchild that setsids away while its parent exits leaves the tree
        // between two walks: the README's safety section says so.
        if (mode === '--no-freeze' && tree.needsCgroup) this.skip()
        const mark = `PROC_TREE_${process.pid}_${Math.random().toString(36).slice(2)}`
        const root = startProcess('sh', ['-c', tree.script], {env: {...process.env, [mark]: '1'}})
        await sleep(300)
        const {code, stdout, stderr} = await runCli(['kill', String(root.pid), '--tree', '--timeout', '1s', mode, '--json'])
        const records = JSON.parse(stdout) as Array<{status: string | null}>
        assert.ok(records.every((r) => r.status !== null), stdout)
        for (let i = 0; i < 20 && marked(mark).length > 0; i++) await sleep(50)
        assert.deepEqual(marked(mark), [], `left alive; report: ${stdout}`)
        assert.equal(code, 0, stdout + stderr)
      })
    }
  }

  it('a bounded fork bomb, inside its own pid namespace, ends to the last process', async function () {
    if (!canUnshare()) this.skip()
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-bomb-'))
    const bomb = path.join(dir, 'bomb')
    symlinkSync('/bin/sh', bomb)
    const r = await inPidNamespace(`
      ${bomb} -c 'f() { [ $1 -gt 0 ] && { f $(($1 - 1)) & f $(($1 - 1)) & }; sleep 300; }; f 7' & R=$!
      sleep 0.3
      proc kill $R --tree --timeout 1s -q; echo "rc=$?"
      sleep 0.3
      echo "left=$(proc list --name sleep,bomb --count)"
    `)
    rmSync(dir, {force: true, recursive: true})
    assert.match(r.stdout, /rc=0\nleft=0/, r.stdout + r.stderr)
  })
})
