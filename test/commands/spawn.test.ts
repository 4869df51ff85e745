import {strict as assert} from 'node:assert'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {BIN, runCli} from '../helpers/cli.js'
import {isAlive, procfsOnly} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Start `proc spawn ...` in its own group (killed after the test), resolving on its exit. */
function startSpawn(args: string[], options: {stdout?: 'ignore' | 'pipe'} = {}) {
  const child = spawn(process.execPath, [BIN, 'spawn', ...args], {detached: true, stdio: ['ignore', options.stdout ?? 'ignore', 'pipe']})
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const done = new Promise<{code: number | null; stderr: string}>((resolve) => child.on('exit', (code) => resolve({code, stderr})))
  return {child, done}
}

async function lines(file: string, want: number, timeoutMs = 5000): Promise<string[]> {
  const until = Date.now() + timeoutMs
  for (;;) {
    let text = ''
    try {
      text = readFileSync(file, 'utf8')
    } catch {}

    const got = text.split('\n').filter(Boolean)
    if (got.length >= want || Date.now() > until) return got
    await sleep(20)
  }
}

describe('proc spawn', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'proc-spawn-'))
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  describe('exit status, the timeout(1) contract', () => {
    for (const code of [0, 1, 2, 42, 255]) {
      it(`passes exit ${code} through`, async () => {
        const r = await runCli(['spawn', '-q', '--', 'sh', '-c', `exit ${code}`])
        assert.equal(r.code, code)
        assert.equal(r.stdout, '')
        assert.equal(r.stderr, '')
      })
    }

    for (const [signal, code] of [
      ['TERM', 143],
      ['KILL', 137],
      ['HUP', 129],
    ] as const) {
      it(`gives ${code} for a child killed by ${signal}`, async () => {
        const r = await runCli(['spawn', '--', 'sh', '-c', `kill -${signal} $$`])
        assert.equal(r.code, code)
        assert.match(r.stderr, new RegExp(`killed by SIG${signal}.*; exit ${code}\\n$`))
      })
    }

    it('127 for a missing command, 126 for a directory or a non-executable file, 125 for a bad cwd', async () => {
      assert.equal((await runCli(['spawn', '--', 'no-such-command-proc-test'])).code, 127)
      assert.equal((await runCli(['spawn', '--', dir])).code, 126)
      const file = path.join(dir, 'not-executable')
      writeFileSync(file, '#!/bin/sh\nexit 0\n')
      chmodSync(file, 0o644)
      assert.equal((await runCli(['spawn', '--', file])).code, 126)
      const cwd = await runCli(['spawn', '--cwd', path.join(dir, 'missing'), '--', 'true'])
      assert.equal(cwd.code, 125)
      assert.match(cwd.stderr, /cannot change directory to .*: No such file or directory/)
    })

    it('125, not 2, for its own usage errors', async () => {
      for (const args of [['spawn', '--bogus', '--', 'true'], ['spawn', '--timeout', 'soon', '--', 'true'], ['spawn', '--signal', 'NOPE', '--', 'true'], ['spawn'], ['spawn', '--env', 'NOEQUALS', '--', 'true']]) {
        const r = await runCli(args)
        assert.equal(r.code, 125, args.join(' '))
        assert.equal(r.stderr.trimEnd().split('\n').length, 1)
      }
    })

    it('passes everything after the first -- to the command, -- included', async () => {
      const r = await runCli(['spawn', '-q', '--', 'echo', '--', '--timeout', 'x'])
      assert.deepEqual([r.code, r.stdout], [0, '-- --timeout x\n'])
    })

    it('runs in --cwd with --env and --clear-env', async () => {
      const out = path.join(dir, 'env.txt')
      const r = await runCli(['spawn', '-q', '--cwd', dir, '--clear-env', '--env', 'FOO=bar=baz', '--', '/bin/sh', '-c', `echo "$(pwd) $FOO \${HOME:-nohome}" > ${out}`])
      assert.equal(r.code, 0)
      assert.equal(readFileSync(out, 'utf8'), `${dir} bar=baz nohome\n`)
    })
  })

  describe('timeout', () => {
    it('--timeout 200ms -- sleep 10 ends the sleep early with 124', async () => {
      const started = Date.now()
      const r = await runCli(['spawn', '--timeout', '200ms', '--report', 'json', '--', 'sleep', '10'])
      assert.equal(r.code, 124)
      // The timer, not the sleep, ended it: well before the sleep's 10 s, whatever the load.
      assert.ok(Date.now() - started < 8000, `${Date.now() - started} ms`)
      const record = JSON.parse(r.stderr)
      assert.deepEqual([record.timedOut, record.signal, record.killedAfterTimeout, record.exitStatus], [true, 'SIGTERM', false, 124])
    })

    it('a child that traps TERM ends with 137 via --kill-after', async () => {
      const r = await runCli(['spawn', '--timeout', '200ms', '--kill-after', '300ms', '--report', 'json', '--', 'sh', '-c', 'trap "" TERM; while :; do sleep 0.05; done'])
      assert.equal(r.code, 137)
      const record = JSON.parse(r.stderr)
      assert.deepEqual([record.timedOut, record.killedAfterTimeout, record.signal], [true, true, 'SIGKILL'])
    })

    it('--preserve-status gives the child\'s own status', async () => {
      assert.equal((await runCli(['spawn', '--timeout', '100ms', '--preserve-status', '--', 'sleep', '10'])).code, 143)
      assert.equal((await runCli(['spawn', '--timeout', '100ms', '--preserve-status', '--', 'sh', '-c', 'trap "exit 7" TERM; while :; do sleep 0.05; done'])).code, 7)
    })
  })

  describe('signals', () => {
    it('passes a TERM sent to proc to the child exactly once, and reports it', async () => {
      const log = path.join(dir, 'term.log')
      const run = startSpawn(['--', 'sh', '-c', `trap 'echo TERM >> ${log}; exit 3' TERM; echo ready >> ${log}; while :; do sleep 0.05; done`])
      await lines(log, 1)
      process.kill(run.child.pid!, 'SIGTERM')
      const {code, stderr} = await run.done
      assert.deepEqual(await lines(log, 2), ['ready', 'TERM'])
      assert.equal(code, 3)
      assert.match(stderr, /exited 3/)
    })

    it('passes USR1 on without opening the Node inspector', async () => {
      const log = path.join(dir, 'usr1.log')
      const run = startSpawn(['--', 'sh', '-c', `trap 'echo USR1 >> ${log}' USR1; echo ready >> ${log}; while :; do sleep 0.05; done`])
      await lines(log, 1)
      process.kill(run.child.pid!, 'SIGUSR1')
      assert.deepEqual(await lines(log, 2), ['ready', 'USR1'])
      process.kill(run.child.pid!, 'SIGTERM')
      const {code, stderr} = await run.done
      assert.equal(code, 143)
      assert.doesNotMatch(stderr, /Debugger/)
    })

    it('Ctrl-C on a real terminal reaches the child exactly once', async function () {
      if (spawnSync('python3', ['-c', 'import pty']).status !== 0) this.skip()
      const log = path.join(dir, 'int.log')
      const script = `
import os, pty, sys, time, signal
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], sys.argv[2], 'spawn', '-q', '--', 'sh', '-c', sys.argv[3]])
def wait_for(n):
    for _ in range(250):
        try:
            if len(open(sys.argv[4]).read().split()) >= n: return
        except FileNotFoundError: pass
        time.sleep(0.02)
wait_for(1)
os.write(fd, b'\\x03')
wait_for(2)
time.sleep(0.3)
os.kill(pid, signal.SIGTERM)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
`
      const child = `trap 'echo INT >> ${log}' INT; echo ready >> ${log}; while :; do sleep 0.05; done`
      const r = spawnSync('python3', ['-c', script, process.execPath, BIN, child, log], {encoding: 'utf8', timeout: 15_000})
      assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean), ['ready', 'INT'])
      assert.equal(r.stdout.trim(), '143')
    })

    it('a grandchild holding stdout open does not delay the report past the child\'s exit', async () => {
      const run = startSpawn(['--report', 'json', '--', 'sh', '-c', 'sleep 3 & echo started'], {stdout: 'pipe'})
      const started = Date.now()
      const {code, stderr} = await run.done
      assert.equal(code, 0)
      assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`)
      const record = JSON.parse(stderr)
      try {
        process.kill(-record.pid, 'SIGKILL') // the sleep, in the child's process group
      } catch {}
    })

    it('when proc is killed with SIGKILL, its watchdog ends the child', async function () {
      procfsOnly(this, 'the watchdog')
      const log = path.join(dir, 'orphan.log')
      const run = startSpawn(['--', 'sh', '-c', `echo $$ >> ${log}; while :; do sleep 0.05; done`])
      const [pid] = await lines(log, 1)
      process.kill(run.child.pid!, 'SIGKILL')
      for (let i = 0; i < 100 && isAlive(Number(pid)); i++) await sleep(30)
      assert.ok(!isAlive(Number(pid)), 'the child did not outlive proc')
    })
  })

  describe('the report', () => {
    it('has real numbers: ~100 MB peak RSS and ~300 ms of CPU', async function () {
      procfsOnly(this, "the child's VmHWM and reaped CPU time")
      // 300 ms of CPU time, not of wall time: on a busy machine a wall-clock loop gets less CPU.
      const burn = 'const b = Buffer.alloc(100 * 1024 * 1024, 1); const t = process.cpuUsage().user; while (process.cpuUsage().user - t < 300000) {} if (b[5] !== 1) process.exit(9)'
      const r = await runCli(['spawn', '--report', 'json', '--', process.execPath, '-e', burn])
      assert.equal(r.code, 0)
      const record = JSON.parse(r.stderr)
      assert.ok(record.maxRssBytes > 100 * 1024 * 1024, `maxRssBytes ${record.maxRssBytes}`)
      assert.ok(record.cpuUserMs >= 250 && record.cpuUserMs < 5000, `cpuUserMs ${record.cpuUserMs}`)
      assert.ok(record.durationMs >= 300)
      assert.deepEqual(record.argv, [process.execPath, '-e', burn])
      assert.deepEqual(record.leaks, [])
      for (const k of ['command', 'pid', 'startTime', 'endTime', 'exitCode', 'signal', 'timedOut', 'killedAfterTimeout', 'cpuSystemMs']) assert.ok(k in record, k)
    })

    it('writes NDJSON and CSV reports, and --report-file', async () => {
      const nd = await runCli(['spawn', '--report', 'ndjson', '--', 'true'])
      assert.equal(JSON.parse(nd.stderr.trim()).exitCode, 0)
      const csv = await runCli(['spawn', '--report', 'csv', '--', 'sh', '-c', 'exit 4'])
      assert.equal(csv.code, 4)
      assert.match(csv.stderr, /^"command","argv","pid",/)
      const file = path.join(dir, 'report.json')
      const f = await runCli(['spawn', '--report-file', file, '--', 'sh', '-c', 'exit 5'])
      assert.equal(f.code, 5)
      assert.equal(JSON.parse(readFileSync(file, "utf8")).exitCode, 5)
    })

    it('a full disk for --report-file: a clear error, and the child\'s status still returned', async () => {
      const r = await runCli(['spawn', '--report-file', '/dev/full', '--', 'sh', '-c', 'exit 6'])
      assert.equal(r.code, 6)
      assert.match(r.stderr, /cannot write the report to \/dev\/full: ENOSPC/)
    })
  })
})

describe('proc spawn: exact in every environment', function () {
  this.timeout(30_000)
  const proc = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`
  const sh = (script: string) => spawnSync('bash', ['-c', script], {encoding: 'utf8'})

  it("an unwritable stderr or stdout never changes an exit status (spawn's, wait's, a usage error's)", () => {
    const r = sh(`
      ${proc} spawn -- sh -c 'echo hi; sleep 0.2; exit 7' 2>&1 | grep -q hi; echo "pipe=\${PIPESTATUS[0]}"
      ${proc} spawn -- sh -c 'exit 7' 2>/dev/full; echo "full=$?"
      ${proc} wait 4194000 --for start --name no-such-thing-here --timeout 200ms 2>&1 | true; echo "wait=\${PIPESTATUS[0]}"
      ${proc} list --bogus 2>/dev/full; echo "usage=$?"
      ${proc} list --json >/dev/full; echo "listfull=$?"
    `)
    assert.match(r.stdout, /pipe=7\nfull=7\nwait=2\nusage=2\nlistfull=4\n/, r.stdout + r.stderr)
    assert.match(r.stderr, /^proc list: cannot write output: ENOSPC$/m)
  })

  it('durations as timeout(1) reads them; none and 0 are no limit; a long timer never fires early', async () => {
    const run = (t: string, ...cmd: string[]) => runCli(['spawn', '-q', '--timeout', t, '--', ...cmd])
    assert.equal((await run('1e-3', 'sleep', '5')).code, 124)
    assert.equal((await run('25d', 'sleep', '0.3')).code, 0)
    assert.equal((await run('2.34e+5d', 'true')).code, 0)
    assert.equal((await run('none', 'true')).code, 0)
    assert.equal((await run('0', 'sh', '-c', 'exit 3')).code, 3)
    const bad = await run('42D', 'true')
    assert.equal(bad.code, 125)
    assert.match(bad.stderr, /invalid --timeout '42D'/)
  })

  it('SIGALRM is the timer firing, as in timeout(1)', async () => {
    const {code, stderr} = await runCli(['spawn', '--', 'sh', '-c', 'kill -s ALRM $PPID; sleep 5'])
    assert.equal(code, 124, stderr)
  })

  it('--clear-env passes exactly what --env adds; an empty command is 127 as in timeout(1)', async () => {
    const env = await runCli(['spawn', '-q', '--clear-env', '--env', 'A=1', '--', '/usr/bin/env'])
    assert.equal(env.stdout, 'A=1\n')
    const empty = await runCli(['spawn', '--', ''])
    assert.equal(empty.code, 127)
    assert.match(empty.stderr, /failed to run command '': No such file or directory/)
  })

  it('the report gives the peak memory of the whole run next to the child\'s own', async function () {
    if (spawnSync('python3', ['-c', '0']).status !== 0) this.skip()
    const {stderr} = await runCli(['spawn', '--report', 'json', '--', 'sh', '-c', 'python3 -c "x = bytearray(100 * 1024 * 1024); import time; time.sleep(0.5)"'])
    const r = JSON.parse(stderr)
    assert.ok(r.runPeakRssBytes > 100 * 1024 * 1024, stderr)
    assert.ok(r.maxRssBytes < 50 * 1024 * 1024, 'the child (sh) itself is small')
    assert.ok(['cgroup', 'sampled'].includes(r.runPeakRssSource))
  })

  it('on a terminal, a timeout ends the child and everything it started', function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip()
    const mark = `${process.pid}${Math.floor(Math.random() * 1000)}`
    const r = spawnSync('script', ['-qec', `${proc} spawn -q -t 1s -- sh -c "sleep 116${mark} & sleep 117${mark}"; echo "rc=$?"`, '/dev/null'], {encoding: 'utf8'})
    assert.match(r.stdout, /rc=124/, r.stdout + r.stderr)
    const left = spawnSync('pgrep', ['-f', `sleep 11[67]${mark}`], {encoding: 'utf8'}).stdout.trim()
    assert.equal(left, '', 'nothing the child started is left')
  })

  it('TERM during the leak phase ends it at once, says so, and removes the cgroup; so does SIGKILL', async function () {
    procfsOnly(this, 'cgroups and the watchdog')
    const mount = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].find((m) => spawnSync('test', ['-f', `${m}/cgroup.controllers`]).status === 0)
    const groups = () => (mount ? spawnSync('sh', ['-c', `find ${mount} -maxdepth 3 -name 'proc-spawn-*'`], {encoding: 'utf8'}).stdout.trim() : '')
    const leak = `30.${process.pid}`
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const {child, done} = startSpawn(['--leak-grace', '20s', '--report', 'json', '--', 'sh', '-c', `sleep ${leak} &`])
      // The leak phase has begun once the child (sh) is gone and its sleep is an orphan.
      for (let i = 0; i < 200; i++) {
        const pid = spawnSync('pgrep', ['-f', `^sleep ${leak}$`], {encoding: 'utf8'}).stdout.trim().split('\n')[0]
        const ppid = pid ? readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ')[1] : undefined
        let parent = ''
        try {
          parent = ppid ? readFileSync(`/proc/${ppid}/comm`, 'latin1').trim() : 'sh'
        } catch {}

        if (ppid && parent !== 'sh') break
        await sleep(50)
      }

      await sleep(300)
      child.kill(signal)
      const {code, stderr} = await done
      if (signal === 'SIGTERM') {
        const report = JSON.parse(stderr)
        assert.equal(report.leaksCutShort, true)
        assert.equal(code, 0, 'the child\'s own status')
      }

      for (let i = 0; i < 30 && groups() !== ''; i++) await sleep(100)
      assert.equal(groups(), '', `a cgroup was left after ${signal}`)
    }

    spawnSync('pkill', ['-KILL', '-f', `^sleep ${leak}$`])
  })
})
