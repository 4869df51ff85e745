// proc on Windows: run by the real node.exe under Wine (npm run test:windows, scripts/test-windows.sh),
// never by the Linux suite. Every process here is one the test starts: cmd.exe, ping.exe, node.exe.
// Wine shows no command lines, so a process is known by its pid and parent (its marker is the
// pid the test holds), and ping's count makes its life long enough to look at.
import assert from 'node:assert/strict'
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const root = process.cwd()
const bin = path.join(root, 'bin', 'run.js')

interface Result {
  code: number
  stdout: string
  stderr: string
  ms: number
}

/** Run proc with node.exe; stdin from `input` when given. */
function proc(args: string[], input?: string): Promise<Result> {
  const t0 = Date.now()
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], {cwd: root, windowsHide: true}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({code, ms: Date.now() - t0, stderr: String(stderr), stdout: String(stdout)})
    })
    if (input !== undefined) child.stdin!.end(input)
    else child.stdin!.end()
  })
}

/** Run proc with stdio ignored, to its exit: its status. */
function procToExit(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    spawn(process.execPath, [bin, ...args], {cwd: root, stdio: 'ignore', windowsHide: true}).once('exit', (code) => resolve(code ?? -1))
  })
}

interface Row {
  pid: number
  ppid: number | null
  name: string | null
}

async function listing(): Promise<Row[]> {
  const r = await proc(['list', '--json'])
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout) as Row[]
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Poll until `check` holds (a few seconds at most: Wine starts processes slowly). */
async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

const started: ChildProcess[] = []

/** cmd.exe running ping for about `seconds`: the tree cmd -> ping. Resolves once ping is listed. */
async function pingTree(seconds = 120): Promise<{cmd: number; ping: number}> {
  const cmd = spawn('cmd.exe', ['/c', `ping -n ${seconds} 127.0.0.1 >NUL`], {stdio: 'ignore', windowsHide: true})
  started.push(cmd)
  const ping = await until(async () => (await listing()).find((r) => r.ppid === cmd.pid && /^ping/i.test(r.name ?? '')), 'ping under cmd')
  return {cmd: cmd.pid!, ping: ping.pid}
}

afterEach(() => {
  for (const c of started.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) c.kill()
  }
})

describe('Windows (node.exe under Wine)', function () {
  this.timeout(60_000)

  it('runs on Windows', () => {
    assert.equal(process.platform, 'win32')
    // Wine's Z: drive (the host's whole file system) is gone: no /proc to reach.
    assert.throws(() => process.chdir('Z:\\'))
  })

  it('list gives pid, ppid and name, with parents right', async () => {
    const {cmd, ping} = await pingTree()
    const rows = await listing()
    const c = rows.find((r) => r.pid === cmd)
    const p = rows.find((r) => r.pid === ping)
    assert.ok(c && p)
    assert.equal(c.ppid, process.pid)
    assert.match(c.name ?? '', /^cmd\.exe$/i)
    assert.equal(p.ppid, cmd)
  })

  it('the table shows what the source gives; without PowerShell, fastlist answers and a note says so', async () => {
    const fast = await proc(['list', '--source', 'ps-list'])
    assert.equal(fast.code, 0, fast.stderr)
    assert.match(fast.stdout.split('\n')[0], /^ *PID +PPID +NAME$/)
    assert.equal(fast.stderr, '')
    // The default source is PowerShell's CIM; Wine's PowerShell is a stub that prints nothing.
    const r = await proc(['list'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout.split('\n')[0], /^ *PID +PPID +RSS +ELAPSED +COMMAND$/)
    assert.match(r.stderr, /^proc list: PowerShell could not list processes \(.*\): listed by fastlist instead, which gives pid, ppid and name only\n$/)
    // What fastlist cannot give is unknown, never invented; the command column shows [name], as ps does.
    assert.match(r.stdout, new RegExp(`^ *${process.pid} +${process.ppid} +- +- +\\[node\\.exe\\]$`, 'm'))
    // A listing that needs only pid, ppid and name never starts PowerShell.
    const pids = await proc(['list', '--name', 'node', '--format', 'pids'])
    assert.equal(pids.code, 0, pids.stderr)
    assert.equal(pids.stderr, '')
    assert.ok(pids.stdout.split('\n').includes(String(process.pid)))
  })

  it('tree shows the tree under a pid, labelled by name', async () => {
    const {cmd, ping} = await pingTree()
    const fast = await proc(['tree', String(cmd), '--source', 'ps-list'])
    assert.equal(fast.code, 0, fast.stderr)
    assert.match(fast.stdout, new RegExp(`${cmd} +cmd\\.exe`, 'i'))
    assert.match(fast.stdout, new RegExp(`${ping} +└─ +ping`, 'i'))
    // The default asks for command lines; without them, [name] as ps shows it.
    const r = await proc(['tree', String(cmd)])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`${cmd} +\\[cmd\\.exe\\]`, 'i'))
    assert.match(r.stdout, new RegExp(`${ping} +└─ +\\[ping`, 'i'))
  })

  it('--format list', async () => {
    const {cmd} = await pingTree()
    const r = await proc(['list', '--pid', String(cmd), '--format', 'list'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^PID: +${cmd}$`, 'm'))
    assert.match(r.stdout, /^COMMAND: +\[cmd\.exe\]$/im)
    const fast = await proc(['list', '--pid', String(cmd), '--format', 'list', '--source', 'ps-list'])
    assert.match(fast.stdout, /^NAME: +cmd\.exe$/im)
  })

  it('kill PID ends that process and says how it checked it', async () => {
    const {cmd, ping} = await pingTree()
    const r = await proc(['kill', String(ping), '--json'])
    assert.equal(r.code, 0, r.stderr)
    const [record] = JSON.parse(r.stdout)
    assert.equal(record.pid, ping)
    assert.equal(record.status, 'signalled')
    // fastlist gives no start time: the pid is all a signal can be checked with (README, Platforms).
    assert.equal(record.checkedBy, 'pid')
    await until(() => (alive(ping) ? undefined : true), 'ping to end')
    // Only ping was signalled (cmd /c then ends with its command).
    assert.deepEqual(JSON.parse(r.stdout).map((x: Row) => x.pid), [ping], String(cmd))
  })

  it('kill PID --tree leaves nothing of the tree', async () => {
    const {cmd, ping} = await pingTree()
    const r = await proc(['kill', String(cmd), '--tree'])
    assert.equal(r.code, 0, r.stderr)
    await until(() => (alive(cmd) || alive(ping) ? undefined : true), 'the tree to end')
  })

  it('kill from a list --json pipeline', async () => {
    const {ping} = await pingTree()
    const json = (await proc(['list', '--pid', String(ping), '--json'])).stdout
    const r = await proc(['kill'], json)
    assert.equal(r.code, 0, r.stderr)
    await until(() => (alive(ping) ? undefined : true), 'ping to end')
  })

  it('a signal Windows cannot send is a usage error, and nothing is sent', async () => {
    const {ping} = await pingTree()
    for (const signal of ['HUP', 'USR1', 'STOP']) {
      const r = await proc(['kill', '-s', signal, String(ping)])
      assert.equal(r.code, 2, `${signal}: ${r.stderr}`)
      assert.equal(r.stderr.trim().split('\n').length, 1)
      assert.match(r.stderr, /TERM, INT and KILL/)
    }

    assert.ok(alive(ping))
  })

  it('wait PID --timeout 1s on a live process is 124; on one that ends, 0', async () => {
    const {ping} = await pingTree()
    const r = await proc(['wait', String(ping), '--timeout', '1s'])
    assert.equal(r.code, 124, r.stderr)
    const waiting = proc(['wait', String(ping), '--timeout', '30s'])
    await sleep(500)
    process.kill(ping)
    assert.equal((await waiting).code, 0)
  })

  it('diff: a tree started and ended since a snapshot', async () => {
    const file = path.join(root, '.cache', 'windows', `before-${process.pid}.json`)
    writeFileSync(file, (await proc(['list', '--json', '--source', 'ps-list'])).stdout)
    const {cmd, ping} = await pingTree()
    const started = await proc(['diff', file, '--json', '--source', 'ps-list'])
    assert.equal(started.code, 0, started.stderr)
    const changes = JSON.parse(started.stdout) as Array<Row & {change: string}>
    // Nothing of proc's own: not the fastlist.exe that listed. (A conhost.exe Wine gave an earlier
    // one may still be exiting: its parent is gone, so nothing says whose it was.)
    assert.deepEqual(changes.filter((c) => /^fastlist/i.test(c.name ?? '')).map((c) => [c.pid, c.ppid, c.name]), [])
    assert.deepEqual(
      changes.filter((c) => c.pid === cmd || c.pid === ping).map((c) => [c.pid === cmd ? 'cmd' : 'ping', c.change]).sort(),
      [
        ['cmd', 'started'],
        ['ping', 'started'],
      ],
    )
    writeFileSync(file, (await proc(['list', '--json', '--source', 'ps-list'])).stdout)
    process.kill(ping)
    await until(() => (alive(ping) || alive(cmd) ? undefined : true), 'the tree to end')
    const ended = JSON.parse((await proc(['diff', file, '--exited', '--json', '--source', 'ps-list'])).stdout) as Array<Row & {change: string}>
    rmSync(file, {force: true})
    assert.deepEqual(
      ended.filter((c) => c.pid === cmd || c.pid === ping).map((c) => [c.pid === cmd ? 'cmd' : 'ping', c.change]).sort(),
      [
        ['cmd', 'exited'],
        ['ping', 'exited'],
      ],
    )
  })

  it('spawn passes the exit code through', async () => {
    for (const code of [0, 1, 3, 42, 255]) {
      const r = await proc(['spawn', '--quiet', '--', 'cmd', '/c', `exit ${code}`])
      assert.equal(r.code, code, r.stderr)
    }
  })

  it('spawn --timeout ends the whole cmd -> ping tree: 124, nothing left', async () => {
    const r = await proc(['spawn', '--timeout', '2s', '--report', 'json', '--', 'cmd', '/c', 'ping -n 100 127.0.0.1 >NUL'])
    assert.equal(r.code, 124, r.stderr)
    // The report is the last line (a note on PowerShell may come before it).
    const report = JSON.parse(r.stderr.trim().split('\n').at(-1)!)
    assert.equal(report.timedOut, true)
    // The contract: ended within 5 s of the start (the deadline is 2 s).
    assert.ok(report.durationMs < 5000, `took ${report.durationMs} ms`)
    const child = report.pid as number
    const left = (await listing()).filter((row) => row.pid === child || row.ppid === child)
    assert.deepEqual(left, [])
  })

  it('spawn --timeout --kill-after: 124 when the timeout signal ends it', async () => {
    const r = await proc(['spawn', '--timeout', '1s', '--kill-after', '1s', '--quiet', '--', 'cmd', '/c', 'ping -n 100 127.0.0.1 >NUL'])
    assert.equal(r.code, 124, r.stderr)
  })

  it('spawn --leaks report finds what the child left; --leaks kill ends it', async () => {
    // The child (node.exe) starts ping and exits: ping is the run's leftover, its ppid the child's
    // pid. It may hold proc's stdio, so proc runs with its report in a file and is awaited to its
    // exit, not its pipes' close.
    const script = "require('child_process').spawn('ping', ['-n', '100', '127.0.0.1'], {detached: true, stdio: 'ignore'}).unref()"
    const leave = [process.execPath, '-e', script]
    const file = path.join(root, '.cache', 'windows', `report-${process.pid}.json`)
    const reported = await procToExit(['spawn', '--report-file', file, '--', ...leave])
    assert.equal(reported, 0)
    const report = JSON.parse(readFileSync(file, 'utf8'))
    assert.deepEqual(report.leakMethods, ['parent', 'sampled'])
    assert.equal(report.leaks.length, 1, JSON.stringify(report.leaks))
    const leak = report.leaks[0]
    assert.match(leak.name, /^ping/i)
    assert.equal(leak.foundBy, 'parent')
    assert.ok(alive(leak.pid))
    process.kill(leak.pid)

    const killed = await procToExit(['spawn', '--leaks', 'kill', '--report-file', file, '--', ...leave])
    assert.equal(killed, 0)
    const after = JSON.parse(readFileSync(file, 'utf8'))
    rmSync(file, {force: true})
    assert.equal(after.leaks.length, 1, JSON.stringify(after.leaks))
    assert.equal(after.leaks[0].status, 'signalled')
    assert.ok(!alive(after.leaks[0].pid))
  })

  it("the README's tasklist and taskkill rows run: those the Windows source can answer exit 0, the others name it", async () => {
    const rows = readFileSync(path.join(root, 'README.md'), 'utf8')
      .split('\n')
      .filter((l) => /^\| `task(list|kill)/.test(l))
    assert.ok(rows.length >= 8, `${rows.length} rows`)
    const refused: string[] = []
    for (const row of rows) {
      const cells = row.split('|').filter((c) => c.trim() !== '')
      for (const [, command] of cells.at(-1)!.matchAll(/`proc ([^`]+)`/g)) {
        const {ping} = await pingTree()
        // The row's pid is a ping of this test's; its name, ping (node would be this test's runner).
        const args = words(command.replaceAll('1234', String(ping)).replaceAll('--name node', '--name ping'))
        const r = await proc(args)
        if (r.code === 2) {
          assert.match(r.stderr, /which the cim source cannot give/, command)
          refused.push(cells[0].trim())
        } else assert.equal(r.code, 0, `${command}: ${r.stderr}`)
      }
    }

    // What the README says the Windows source cannot answer (its note under the table), and nothing else.
    assert.deepEqual(refused, ['`tasklist /v`', '`tasklist /fi "STATUS eq running"`'])
  })
})

/** A command line's words: blanks split, single quotes group. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2])
}
