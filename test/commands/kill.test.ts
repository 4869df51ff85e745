import {strict as assert} from 'node:assert'
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {BIN, binForOthers, runCli} from '../helpers/cli.js'
import {isAlive, startProcess, startSleeper, procfsOnly} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Wait until a started process has exec'd (its /proc name is final). */
async function settled(child: ChildProcess, name: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    try {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'latin1')
      if (stat.includes(`(${name})`)) return child.pid!
    } catch {}

    await sleep(10)
  }

  throw new Error(`${name} did not start`)
}

async function listJson(pid: number): Promise<string> {
  return (await runCli(['list', '--pid', String(pid), '--json'])).stdout
}

/** Reap-aware: the test process is the parent, so a killed child is a zombie until reaped. */
async function gone(child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100 && child.exitCode === null && child.signalCode === null; i++) await sleep(10)
  return child.exitCode !== null || child.signalCode !== null
}

describe('proc kill', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'proc-kill-'))
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  it('kills by pid and reports it', async () => {
    const child = startSleeper()
    const pid = await settled(child, 'sleep')
    const {code, stderr, stdout} = await runCli(['kill', String(pid), '--json'])
    assert.equal(stderr, '')
    assert.equal(code, 0)
    const [r] = JSON.parse(stdout)
    assert.deepEqual([r.pid, r.name, r.status, r.signal, r.step], [pid, 'sleep', 'signalled', 'SIGTERM', 1])
    assert.equal(r.command, 'sleep 300')
    assert.ok(await gone(child))
    assert.equal(child.signalCode, 'SIGTERM')
  })

  it('kills by --name and by --where, and only those', async () => {
    const name = `proc-test-${process.pid}`
    symlinkSync('/bin/sleep', path.join(dir, name))
    const named = startProcess(path.join(dir, name), ['300'])
    const other = startSleeper(301)
    await settled(named, name)
    await settled(other, 'sleep')
    const byName = await runCli(['kill', '--name', name, '--signal', 'KILL', '-q'])
    assert.equal(byName.code, 0)
    assert.equal(byName.stdout, '')
    assert.ok(await gone(named))
    assert.equal(named.signalCode, 'SIGKILL')
    assert.ok(isAlive(other.pid!))

    const byWhere = await runCli(['kill', '--where', `command == "sleep 301" and ppid == ${process.pid}`])
    assert.equal(byWhere.code, 0)
    assert.ok(await gone(other))
  })

  for (const format of ['json', 'ndjson', 'csv', 'table', 'pids'] as const) {
    it(`kills records read on stdin as ${format}`, async () => {
      const child = startSleeper()
      const pid = await settled(child, 'sleep')
      const args: Record<typeof format, string[]> = {
        csv: ['--format', 'csv'],
        json: ['--json'],
        ndjson: ['--format', 'ndjson'],
        pids: ['-c', 'pid', '--no-header'],
        table: [],
      }
      const listed = await runCli(['list', '--pid', String(pid), ...args[format]])
      const {code, stderr} = await runCli(['kill'], {input: listed.stdout})
      assert.equal(stderr, '')
      assert.equal(code, 0)
      assert.ok(await gone(child))
    })
  }

  it('works as a real shell pipeline: proc list --where ... --json | proc kill', async () => {
    const child = startSleeper(302)
    const pid = await settled(child, 'sleep')
    const node = JSON.stringify(process.execPath)
    const script = `${node} ${BIN} list --where 'command == "sleep 302" and ppid == ${process.pid}' --json | ${node} ${BIN} kill --json`
    const out = await new Promise<string>((resolve, reject) => {
      execFile('sh', ['-c', script], (error, stdout) => (error ? reject(error) : resolve(stdout)))
    })
    assert.deepEqual(JSON.parse(out).map((r: {pid: number; status: string}) => [r.pid, r.status]), [[pid, 'signalled']])
    assert.ok(await gone(child))
  })

  it('kills a 3-level tree, deepest first', async () => {
    const root = startProcess('sh', ['-c', 'sh -c "sleep 300 & wait" & sleep 300 & wait'])
    await sleep(300)
    const {code, stdout} = await runCli(['kill', String(root.pid), '--tree', '--json'])
    assert.equal(code, 0)
    const records = JSON.parse(stdout) as Array<{pid: number; status: string}>
    assert.equal(records.length, 4)
    assert.equal(records.at(-1)!.pid, root.pid)
    assert.ok(records.every((r) => r.status === 'signalled'), stdout)
    assert.ok(await gone(root))
    for (const r of records) assert.ok(!isAlive(r.pid), `${r.pid} still alive`)
  })

  it('shows the tree with --dry-run and sends nothing', async () => {
    const root = startProcess('sh', ['-c', 'sleep 300 & wait'])
    await sleep(200)
    const {code, stdout} = await runCli(['kill', String(root.pid), '--tree', '--dry-run'], {env: {LANG: 'C', LC_ALL: ''}})
    assert.equal(code, 0)
    assert.match(stdout, new RegExp(`${root.pid} sh .*dry-run.*\\n\\s*\\d+ .*\`- sleep 300`))
    assert.ok(isAlive(root.pid!))
  })

  it('escalates to KILL for a child that ignores TERM, and says so', async function () {
    this.timeout(10_000)
    const child = startProcess('sh', ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done'], {stdio: ['ignore', 'pipe', 'ignore']})
    await new Promise((resolve) => child.stdout!.once('data', resolve))
    const started = Date.now()
    const {code, stdout} = await runCli(['kill', String(child.pid), '--timeout', '500ms', '--json'])
    assert.equal(code, 0)
    const [r] = JSON.parse(stdout)
    assert.deepEqual([r.status, r.signal, r.step], ['killed', 'SIGKILL', 2])
    assert.ok(Date.now() - started >= 500)
    assert.ok(await gone(child))
    assert.equal(child.signalCode, 'SIGKILL')
  })

  it('refuses a record whose startTicks do not match, and the process lives', async function () {
    procfsOnly(this, 'start ticks')
    const child = startSleeper()
    const pid = await settled(child, 'sleep')
    const [record] = JSON.parse(await listJson(pid))
    record.startTicks += 1
    const {code, stdout} = await runCli(['kill', '--json'], {input: JSON.stringify([record])})
    assert.equal(code, 1)
    assert.equal(JSON.parse(stdout)[0].status, 'reused')
    assert.ok(isAlive(pid))
  })

  it('never hits a real recycled pid (forced with ns_last_pid)', async function () {
    procfsOnly(this, "start ticks; the ps source's own identity test is in test/core/ps-source.test.ts")
    const nsLastPid = '/proc/sys/kernel/ns_last_pid'
    try {
      writeFileSync(nsLastPid, readFileSync(nsLastPid, 'utf8'))
    } catch {
      this.skip() // needs root and a writable ns_last_pid
    }

    const first = startSleeper()
    const pid = await settled(first, 'sleep')
    const record = (await listJson(pid)).trim()
    process.kill(pid, 'SIGKILL')
    assert.ok(await gone(first))
    await sleep(50) // let the clock tick on: start times are in 10 ms ticks
    let second: ChildProcess | undefined
    for (let attempt = 0; attempt < 5 && second?.pid !== pid; attempt++) {
      writeFileSync(nsLastPid, String(pid - 1))
      second = startSleeper()
      if (second.pid !== pid) await sleep(20)
    }

    if (second?.pid !== pid) this.skip() // another process took the pid first
    await settled(second!, 'sleep')
    const {code, stdout} = await runCli(['kill', '--json'], {input: record})
    assert.equal(code, 1)
    assert.equal(JSON.parse(stdout)[0].status, 'reused')
    assert.ok(isAlive(pid), 'the new owner of the pid survives')
  })

  it('refuses pid 1, itself and its parent shell unless --force', async () => {
    const init = await runCli(['kill', '1', '--json'])
    assert.equal(init.code, 1)
    assert.equal(JSON.parse(init.stdout)[0].status, 'protected')
    // A pattern only proc's own command line holds: never another proc kill on the machine.
    const marker = `self-${process.pid}-${Date.now()}`
    const self = await runCli(['kill', '--match', marker, '--include-self', '--json'])
    assert.equal(self.code, 1)
    assert.deepEqual(JSON.parse(self.stdout).map((r: {status: string}) => r.status), ['protected'])
    const shell = await new Promise<{code: number | null; stdout: string}>((resolve) => {
      const sh = spawn('sh', ['-c', `${JSON.stringify(process.execPath)} ${BIN} kill $$ --json; echo "exit $?"`])
      let stdout = ''
      sh.stdout.on('data', (d) => (stdout += d))
      sh.on('close', (code) => resolve({code, stdout}))
    })
    assert.match(shell.stdout, /"status":"protected"/)
    assert.match(shell.stdout, /exit 1/)
  })

  it('reports denied (EPERM) for another user\'s process', async function () {
    if (process.getuid?.() !== 0 || !existsSync('/usr/bin/setpriv')) this.skip()
    const child = startSleeper()
    const pid = await settled(child, 'sleep')
    const result = await new Promise<{code: number | null; stdout: string}>((resolve) => {
      const {bin, root} = binForOthers()
      const p = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, 'kill', String(pid), '--json'], {
        cwd: root,
        env: {...process.env, HOME: tmpdir()},
      })
      let stdout = ''
      p.stdout.on('data', (d) => (stdout += d))
      p.on('close', (code) => resolve({code, stdout}))
    })
    assert.equal(result.code, 1)
    assert.equal(JSON.parse(result.stdout)[0].status, 'denied')
    assert.ok(isAlive(pid))
  })

  describe('bad or empty input signals nothing', () => {
    let child: ChildProcess
    let pid: number
    beforeEach(async () => {
      child = startSleeper()
      pid = await settled(child, 'sleep')
    })

    const cases: Array<[string, (pid: number) => string[], (pid: number) => string, number, RegExp]> = [
      ['garbage', () => ['kill'], () => 'this is not a process list', 2, /stdin: not JSON/],
      ['half-valid JSON', () => ['kill'], (p) => `[{"pid": ${p}}, {"pid": "nope"}]`, 2, /JSON\[1\]/],
      ['half-valid pids', () => ['kill'], (p) => `${p} 0`, 2, /not a process id/],
      ['truncated NDJSON', () => ['kill'], (p) => `{"pid": ${p}}\n{"pid": `, 2, /NDJSON line 2/],
      ['bad signal', (p) => ['kill', String(p), '--signal', 'TERMINATE'], () => '', 2, /unknown signal/],
      ['bad timeout', (p) => ['kill', String(p), '--timeout', 'soon'], () => '', 2, /invalid --timeout/],
      ['bad ladder', (p) => ['kill', String(p), '--then', 'TERM,KILL'], () => '', 2, /--then/],
      ['bad pid', (p) => ['kill', String(p), 'abc'], () => '', 2, /'abc' is not a process id/],
      ['zero pid', (p) => ['kill', String(p), '0'], () => '', 2, /'0' is not a process id/],
      ['bad where', (p) => ['kill', String(p), '--where', 'pid =='], () => '', 2, /--where/],
      ['empty stdin', () => ['kill'], () => '', 1, /no process matched/],
    ]
    for (const [title, args, input, code, message] of cases) {
      it(title, async () => {
        const result = await runCli(args(pid), {input: input(pid)})
        assert.equal(result.code, code, result.stderr)
        assert.match(result.stderr, message)
        assert.equal(result.stderr.trimEnd().split('\n').length, 1)
        assert.ok(isAlive(pid), 'nothing was signalled')
      })
    }

    it('--allow-empty makes nothing matched a success', async () => {
      const result = await runCli(['kill', '--name', 'no-such-process-name', '--allow-empty', '-q'])
      assert.deepEqual([result.code, result.stdout, result.stderr], [0, '', ''])
    })
  })
})
