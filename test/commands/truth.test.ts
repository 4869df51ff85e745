// Silent wrong answers and traps that real tools and a new user found (issue 29).

import {strict as assert} from 'node:assert'
import {execFile} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {runCli} from '../helpers/cli.js'
import {isAlive, startProcess, startSleeper} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A shell line's stdout and stderr. */
function runShell(argv: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), {env: {...process.env, NO_COLOR: '1'}}, (_e, stdout, stderr) => resolve(stdout + stderr))
  })
}

const readdirPids = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number)

/** Until /proc/PID/cmdline starts with `text` (a retitle or an exec happened). */
async function cmdlineIs(pid: number, text: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith(text + '\0')) return
    } catch {}

    if (i > 3000) throw new Error(`${pid} never showed ${text}`)
    await sleep(5)
  }
}

describe('truth in every corner', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'proc-truth-'))
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  describe('a process that retitles itself', () => {
    it('is read as ps reads it (no padding), matched by --match as pgrep -f, and killed from the table', async () => {
      const mark = `rt${process.pid}x${Date.now()}`
      const child = startProcess(process.execPath, ['-e', `process.title='${mark}-t'; setInterval(() => {}, 1000)`, 'a-long-argument-area-to-pad'])
      await cmdlineIs(child.pid!, `${mark}-t`)
      const json = await runCli(['list', String(child.pid), '--json', '-c', 'pid,command,argv'])
      const [r] = JSON.parse(json.stdout)
      assert.equal(r.command, `${mark}-t`)
      assert.deepEqual(r.argv, [`${mark}-t`])
      const found = await runCli(['list', '--match', `${mark}-t$`, '--format', 'pids'])
      assert.equal(found.stdout.trim(), String(child.pid))
      const table = await runCli(['list', String(child.pid)])
      const dry = await runCli(['kill', '--dry-run', '--json'], {input: table.stdout})
      assert.equal(dry.code, 0, dry.stderr)
      assert.equal(JSON.parse(dry.stdout)[0].status, 'dry-run')
    })

    it('between the listing and the signal is still the same process: start ticks and boot id decide', async () => {
      const mark = `rt2${process.pid}x${Date.now()}`
      const child = startProcess(process.execPath, ['-e', `process.on('SIGUSR2', () => { process.title = '${mark}-after' }); process.title = '${mark}-before'; setInterval(() => {}, 1000)`, 'padding-for-the-title'])
      await cmdlineIs(child.pid!, `${mark}-before`)
      const listed = await runCli(['list', String(child.pid), '--json'])
      process.kill(child.pid!, 'SIGUSR2')
      await cmdlineIs(child.pid!, `${mark}-after`)
      const killed = await runCli(['kill', '--json'], {input: listed.stdout})
      assert.equal(killed.code, 0, killed.stderr)
      const [r] = JSON.parse(killed.stdout)
      assert.deepEqual([r.status, r.checkedBy], ['signalled', 'startTicks,bootId'])
    })
  })

  describe('wait --timeout 0 looks once', () => {
    it('exits 124 at once while the target runs, 0 when the condition holds', async () => {
      const child = startSleeper()
      const running = await runCli(['wait', String(child.pid), '--timeout', '0'])
      assert.equal(running.code, 124, running.stderr)
      const appeared = await runCli(['wait', '--for', 'start', '--pid', String(child.pid), '--timeout', '0', '--format', 'pids'])
      assert.equal(appeared.code, 0, appeared.stderr)
      assert.equal(appeared.stdout.trim(), String(child.pid))
      const absent = await runCli(['wait', '--for', 'start', '--match', `no-such-process-${Date.now()}`, '--timeout', '0s'])
      assert.equal(absent.code, 124, absent.stderr)
      process.kill(child.pid!, 'SIGKILL')
      while (isAlive(child.pid!)) await sleep(5)
      const ended = await runCli(['wait', String(child.pid), '--timeout', '0'])
      assert.equal(ended.code, 0, ended.stderr)
    })

    it('and the helps say what 0 means for wait and for spawn', async () => {
      assert.match((await runCli(['wait', '--help'])).stdout, /0 looks once/)
      assert.match((await runCli(['spawn', '--help'])).stdout, /0 or none: no limit/)
    })
  })

  describe('kill -l as kill(1) and bash', () => {
    const cases: Array<[string[], string]> = [
      [['-l', '9'], 'KILL'],
      [['-l', 'KILL'], '9'],
      [['-l', 'SIGHUP'], '1'],
      [['-lHUP'], '1'],
      [['--list', 'HUP'], '1'],
      [['--list=hup'], '1'],
      [['-l', '137'], 'KILL'],
      [['-l', '143'], 'TERM'],
      [['-l', '34'], 'RTMIN'],
    ]
    for (const [args, want] of cases) {
      it(`proc kill ${args.join(' ')} prints ${want}`, async () => {
        const r = await runCli(['kill', ...args])
        assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${want}\n`, ''])
      })
    }

    it('-l alone prints the names, -L the numbered table, a bad word is exit 2', async () => {
      const names = await runCli(['kill', '-l'])
      assert.match(names.stdout, /^HUP INT QUIT /)
      assert.ok(names.stdout.split('\n').every((l) => l.length < 80))
      const table = await runCli(['kill', '-L'])
      assert.match(table.stdout, /^ 9 KILL$/m)
      for (const bad of ['0', '65', '200', 'BOGUS', '']) {
        const r = await runCli(['kill', '-l', bad])
        if (bad === '') continue
        assert.equal(r.code, 2, `-l ${bad}: ${r.stdout}`)
        assert.equal(r.stderr.trim().split('\n').length, 1)
      }
    })
  })

  describe('a process born during a kill is part of the kill', () => {
    // On TERM the shell runs a short-lived child before it exits (as pm2 and concurrently run ps).
    const trapper = `trap "sleep 0.3; exit 0" TERM; sleep 1000 & wait`

    it('kill --tree gives it the current signal at once and ends when every member has ended, not after the grace', async () => {
      const child = startProcess('sh', ['-c', trapper])
      await cmdlineIs(child.pid!, 'sh')
      while (!readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'latin1').trim()) await sleep(5)
      const t0 = performance.now()
      const r = await runCli(['kill', String(child.pid), '--tree', '--timeout', '60s', '--json'])
      const took = performance.now() - t0
      assert.equal(r.code, 0, r.stderr)
      const records = JSON.parse(r.stdout) as Array<{found: string; name: string; status: string}>
      assert.ok(records.every((m) => m.status === 'signalled' || m.status === 'gone'), r.stdout)
      // The grace is 60 s: a kill that waited for it would take it all.
      assert.ok(took < 30_000, `took ${took} ms`)
    })

    it('spawn --leaks kill reports it apart from the leaks, with its status, never as a leak without a method', async () => {
      const r = await runCli(['spawn', '--leaks', 'kill', '--report', 'json', '--', 'sh', '-c', `setsid sh -c '${trapper}' >/dev/null 2>&1 &`])
      assert.equal(r.code, 0, r.stderr)
      const report = JSON.parse(r.stderr)
      assert.ok(report.leaks.length >= 1, r.stderr)
      for (const l of report.leaks) assert.ok(['cgroup', 'env', 'session', 'sampled'].includes(l.foundBy), JSON.stringify(l))
      for (const b of report.bornDuringKill) {
        assert.equal(b.found, 'during')
        assert.ok(b.status !== null, JSON.stringify(b))
      }

      assert.ok(Array.isArray(report.leakMethods) && report.leakMethods.includes('env'))
      const text = await runCli(['spawn', '--leaks', 'kill', '--', 'sh', '-c', `setsid sh -c '${trapper}' >/dev/null 2>&1 &`])
      assert.doesNotMatch(text.stderr, /undefined/)
      assert.match(text.stderr, /left behind/)
    })
  })

  describe('without a cgroup, a daemon that double-forks and writes over its environment', () => {
    const daemon = (mark: string) => `use POSIX qw(setsid); open STDIN, "</dev/null"; open STDOUT, ">/dev/null"; open STDERR, ">/dev/null"; exit if fork; setsid; exit if fork; $0 = "${mark}: master process " . ("x" x 3000); sleep 300`

    afterEach(() => {
      // The daemons left the test's process groups: end them by their marker.
      for (const pid of readdirPids()) {
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('prtruthd')) process.kill(pid, 'SIGKILL')
        } catch {}
      }
    })

    it('is found (foundBy daemon) and fails --leaks fail; the report says no cgroup was used', async () => {
      const mark = `prtruthd${process.pid}`
      const r = await runCli(['spawn', '--no-cgroup', '--leaks', 'fail', '--report', 'json', '--', 'perl', '-e', daemon(mark)])
      assert.equal(r.code, 3, r.stderr)
      const report = JSON.parse(r.stderr)
      assert.deepEqual(report.leaks.map((l: {foundBy: string}) => l.foundBy), ['daemon'])
      assert.ok(!report.leakMethods.includes('cgroup'))
      const text = await runCli(['spawn', '--no-cgroup', '--leaks', 'kill', '--', 'perl', '-e', daemon(mark)])
      assert.match(text.stderr, /\d+ left behind \(no cgroup\)/, text.stderr)
      assert.match(text.stderr, /found by daemon, (signalled|killed)/)
    })

    it('a process that existed before the run is never one', async () => {
      const mark = `prtruthd${process.pid}b`
      startProcess('perl', ['-e', daemon(mark)])
      const r = await runCli(['spawn', '--no-cgroup', '--leaks', 'fail', '--', 'sleep', '0.1'])
      assert.equal(r.code, 0, r.stderr)
    })
  })

  describe('spawn --foreground and --verbose, as timeout(1)', () => {
    it('--verbose says each signal the timeout sends', async () => {
      const r = await runCli(['spawn', '-v', '--timeout', '200ms', '--kill-after', '200ms', '--', 'sh', '-c', 'trap "" TERM; while :; do sleep 0.05; done'])
      assert.equal(r.code, 137)
      assert.match(r.stderr, /^proc spawn: timed out: sending signal TERM to command sh$/m)
      assert.match(r.stderr, /^proc spawn: timed out: sending signal KILL to command sh$/m)
      const quiet = await runCli(['spawn', '--timeout', '200ms', '--', 'sleep', '10'])
      assert.doesNotMatch(quiet.stderr, /sending signal/)
    })

    it('--foreground signals only the child on timeout: its children go on, as with timeout --foreground', async () => {
      const mark = `${process.pid}${Date.now() % 100_000}`
      const r = await runCli(['spawn', '--foreground', '--leaks', 'ignore', '--timeout', '300ms', '--', 'sh', '-c', `sleep 30.${mark} >/dev/null 2>&1 & wait`])
      assert.equal(r.code, 124, r.stderr)
      const left = readdirPids().filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'latin1') === `sleep\0${`30.${mark}`}\0`
        } catch {
          return false
        }
      })
      assert.equal(left.length, 1, 'the child\'s child still runs')
      process.kill(left[0], 'SIGKILL')
      const group = await runCli(['spawn', '--leaks', 'ignore', '--timeout', '300ms', '--', 'sh', '-c', `sleep 31.${mark} >/dev/null 2>&1 & wait`])
      assert.equal(group.code, 124)
      // Without --foreground the child's group is signalled: its child ends too.
      const live = () =>
        readdirPids().filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith(`sleep\0${`31.${mark}`}`) && !readFileSync(`/proc/${pid}/stat`, 'latin1').includes(') Z')
          } catch {
            return false
          }
        })
      for (let i = 0; i < 500 && live().length > 0; i++) await sleep(10)
      assert.deepEqual(live(), [])
    })
  })

  describe('spawn says how it ended in one line', () => {
    it('quotes argv as a shell would and keeps to 80 columns', async () => {
      const r = await runCli(['spawn', '--', 'sh', '-c', 'exit 3', ''])
      assert.equal(r.code, 3)
      const line = r.stderr.trim()
      assert.match(line, /^proc spawn: sh -c 'exit 3' '' exited 3 in /)
      assert.ok(line.length <= 80, line)
      const long = await runCli(['spawn', '--', 'sh', '-c', `exit 0; ${'x'.repeat(200)}`])
      assert.ok(long.stderr.trim().length <= 80, long.stderr)
      assert.match(long.stderr, /…/)
    })

    it('--report json writes one object (jq .exitCode works)', async () => {
      const r = await runCli(['spawn', '--report', 'json', '--', 'sh', '-c', 'exit 4'])
      assert.equal(JSON.parse(r.stderr).exitCode, 4)
    })
  })

  describe('proc tree', () => {
    it('--no-kernel leaves out kernel threads only: a process and its threads stay', async () => {
      const node = startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
      // Node's worker threads start with it.
      while (Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${node.pid}/status`, 'latin1'))![1]) < 5) await sleep(5)
      const table = await runCli(['tree', String(node.pid), '--no-kernel'])
      assert.match(table.stdout, /\*\[\{node\}\]|\{node\}/, table.stdout)
      const json = await runCli(['tree', String(node.pid), '--no-kernel', '--json'])
      assert.equal(JSON.parse(json.stdout)[0].pid, node.pid)
      const all = await runCli(['tree', '--no-kernel', '-c', 'pid,command'])
      assert.doesNotMatch(all.stdout, /\[kthreadd\]|\[kworker/)
    })

    it('never folds processes where pids show (pstree -p); folds them without pids or with --compact', async () => {
      const sh = startProcess('sh', ['-c', 'sleep 301 & sleep 301 & sleep 301 & wait'])
      while (readFileSync(`/proc/${sh.pid}/task/${sh.pid}/children`, 'latin1').trim().split(' ').length < 3) await sleep(5)
      await sleep(50)
      const withPids = await runCli(['tree', String(sh.pid)])
      assert.equal(withPids.stdout.match(/─ sleep 301$/gm)?.length, 3, withPids.stdout)
      assert.doesNotMatch(withPids.stdout, /\*\[/)
      const noPids = await runCli(['tree', String(sh.pid), '-c', 'command'])
      assert.match(noPids.stdout, /3\*\[sleep 301\]/)
      const compact = await runCli(['tree', String(sh.pid), '--compact'])
      assert.match(compact.stdout, /3\*\[sleep 301\]/)
    })
  })

  describe('--match as pgrep -f', () => {
    it('matches a 100 KB command line with a 100 KB pattern (procps\' own test)', async () => {
      const long = `m${process.pid}` + 'x'.repeat(100_000)
      const child = startProcess('sh', ['-c', 'sleep 300', long])
      await cmdlineIs(child.pid!, 'sh')
      const r = await runCli(['list', '--match', `^sh -c sleep 300 ${long}$`, '--format', 'pids'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout.trim(), String(child.pid))
    })
  })

  describe('a zombie', () => {
    it('shows <defunct> after its name too, as ps shows comm', async () => {
      // sh execs sleep, which never reaps the child sh left: a zombie under a live parent.
      const parent = startProcess('sh', ['-c', 'sh -c "exit 0" & exec sleep 300'])
      let zombie: number | undefined
      for (let i = 0; i < 2000 && zombie === undefined; i++) {
        await sleep(5)
        try {
          const kids = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'latin1').trim().split(' ').filter(Boolean).map(Number)
          zombie = kids.find((k) => readFileSync(`/proc/${k}/stat`, 'latin1').includes(') Z '))
        } catch {}
      }

      assert.ok(zombie, 'a zombie')
      const r = await runCli(['list', String(zombie), '-c', 'pid,name,command'])
      assert.match(r.stdout, /sh <defunct>\s+\[sh\] <defunct>/)
    })
  })

  describe('a new user\'s first hour', () => {
    it('-h is --help, for proc and for every command (not after --, not in spawn\'s command)', async () => {
      assert.match((await runCli(['-h'])).stdout, /^USAGE/m)
      for (const id of ['list', 'tree', 'kill', 'wait', 'spawn', 'diff']) {
        const r = await runCli([id, '-h'])
        assert.equal(r.code, 0, r.stderr)
        assert.match(r.stdout, new RegExp(`\\$ proc ${id}`))
      }

      const echo = await runCli(['spawn', '--quiet', '--', 'sh', '-c', 'echo "$1"', 'sh', '-h'])
      assert.equal(echo.stdout, '-h\n')
    })

    it('help reads at 80 columns: paragraphs wrapped by oclif, no line past 80, one line a command summary', async () => {
      for (const id of ['', 'list', 'tree', 'kill', 'wait', 'spawn', 'diff', 'top', 'completion']) {
        const r = await runCli([...(id ? [id] : []), '--help'], {env: {COLUMNS: '80'}})
        const long = r.stdout.split('\n').filter((l) => l.length > 80)
        assert.deepEqual(long, [], `proc ${id} --help`)
      }

      const top = (await runCli(['--help'], {env: {COLUMNS: '80'}})).stdout
      const commands = top.slice(top.indexOf('COMMANDS'))
      // Each summary fits on its line: no continuation lines under COMMANDS.
      assert.ok(commands.split('\n').slice(1).every((l) => l === '' || /^ {2}\S/.test(l)), commands)
      const list = (await runCli(['list', '--help'], {env: {COLUMNS: '80'}})).stdout
      assert.match(list, /itself unless --include-self\. The table shows/, 'a paragraph is one paragraph, rewrapped')
    })

    it('--columns help wraps between words on a terminal, one line a column in a pipe', async () => {
      const pty = await runShell(['script', '-qec', `stty cols 80; ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(process.cwd(), 'bin/run.js'))} list -c help`, '/dev/null'])
      const lines = pty.replaceAll('\r', '').split('\n')
      assert.ok(lines.every((l) => l.length <= 80), lines.find((l) => l.length > 80))
      assert.ok(lines.some((l) => /^ {20,}\S/.test(l)), 'continuation lines are indented')
      const piped = (await runCli(['list', '-c', 'help'])).stdout
      assert.match(piped, /^state +S +state: R running.*X dead/m)
    })

    it('a typo in a command, flag or column gets the nearest name, exit 2', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['lsit'], /did you mean list\?/],
        [['list', '--sortt', 'pid'], /did you mean --sort\?/],
        [['list', '--sort', 'cpuu'], /did you mean cpu\?/],
        [['list', '-c', 'pid,comand'], /did you mean command\?/],
        [['kill', '--tre', '1'], /did you mean --tree\?/],
      ]
      for (const [args, hint] of cases) {
        const r = await runCli(args)
        assert.equal(r.code, 2, args.join(' '))
        assert.match(r.stderr, hint)
        assert.equal(r.stderr.trim().split('\n').length, 1)
      }

      assert.doesNotMatch((await runCli(['xyzzy'])).stderr, /did you mean/)
    })

    it('kill --dry-run shows the signal it would send; a refusal says why on stderr', async () => {
      const child = startSleeper()
      const dry = await runCli(['kill', String(child.pid), '--dry-run', '--timeout', '5s', '--json'])
      assert.equal(dry.code, 0, dry.stderr)
      assert.deepEqual(JSON.parse(dry.stdout).map((r: {signal: string; status: string}) => [r.status, r.signal]), [['dry-run', 'SIGTERM']])
      assert.match(dry.stderr, /the ladder would be TERM,5000ms,KILL/)
      const kill9 = await runCli(['kill', String(child.pid), '--dry-run', '-s', 'KILL'])
      assert.match(kill9.stdout, /dry-run SIGKILL/)
      const init = await runCli(['kill', '1'])
      assert.equal(init.code, 1)
      assert.match(init.stderr, /protected.*--force/)
    })
  })

  describe('start times', () => {
    it('are exact to /proc/uptime\'s 10 ms, not btime\'s whole second: never before the process started', async () => {
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now()
        const child = startSleeper()
        const r = await runCli(['list', String(child.pid), '--json', '-c', 'pid,startTime'])
        const t1 = Date.now()
        const start = Date.parse(JSON.parse(r.stdout)[0].startTime)
        assert.ok(start >= t0 - 10, `started at ${t0}, read as ${start}`)
        assert.ok(start <= t1 + 11, `read as ${start} after ${t1}`)
      }
    })
  })

  describe('diff', () => {
    it('leaves out proc\'s own pipeline and the shell running it, never what the script started before', async () => {
      const before = path.join(dir, 'pipe-before.json')
      writeFileSync(before, (await runCli(['list', '--json'])).stdout)
      const bin = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(process.cwd(), 'bin/run.js'))}`
      // Only what the script starts carries the mark (tee included): what else starts on the
      // machine meanwhile is not this test's business.
      const mark = `pipe${process.pid}x${Date.now()}`
      const script = `export PROC_PIPE_MARK=${mark}; ${bin} diff ${before} --env PROC_PIPE_MARK=${mark} --fail-on-new -c pid,name | tee /dev/null; echo "rc=\${PIPESTATUS[0]}"`
      for (const shell of [['bash', '-c', script], ['bash', '-mc', script]]) {
        const out = await runShell(shell)
        assert.match(out, /rc=0/, out)
      }

      const leaky = await runShell(['bash', '-c', `export PROC_PIPE_MARK=${mark}; sleep 301 & L=$!; ${script}; kill $L`])
      assert.match(leaky, /rc=1/, leaky)
      assert.match(leaky, /sleep/)
    })

    it('refuses a selector on a field the snapshot does not record, instead of an empty answer', async () => {
      const before = path.join(dir, 'before.json')
      const after = path.join(dir, 'after.json')
      writeFileSync(before, '[]')
      writeFileSync(after, JSON.stringify([{bootId: 'b', host: 'h', name: 'sleep', pid: 10, startTicks: 5}]))
      for (const sel of [['--env', 'X=1'], ['--port', '3000']]) {
        const r = await runCli(['diff', before, after, ...sel, '--fail-on-new'])
        assert.equal(r.code, 2, r.stdout)
        assert.match(r.stderr, /does not record (env|ports)/)
      }
    })
  })
})
