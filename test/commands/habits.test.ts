// What ps, pgrep and tasklist users type: list and pids formats, -d, -w, -i, --newest and
// --oldest, pidfiles, and a zombie shown as ps shows it. Against processes the test starts.

import {strict as assert} from 'node:assert'
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {BIN, runCli} from '../helpers/cli.js'
import {startProcess, startSleeper} from '../helpers/processes.js'

const settle = () => new Promise((r) => setTimeout(r, 300))

describe('ps, pgrep and tasklist habits', () => {
  it('--format list is one block of HEADER: value lines a record, tasklist /fo LIST style', async () => {
    const a = startSleeper()
    await settle()
    const {code, stdout} = await runCli(['list', '--pid', String(a.pid), '--format', 'list', '-c', 'pid,name,command'])
    assert.equal(code, 0)
    assert.equal(stdout, `PID:     ${a.pid}\nNAME:    sleep\nCOMMAND: sleep 300\n`)
    // The labels are the table's headers, over the table's formatted values.
    const mem = await runCli(['list', '--pid', String(a.pid), '--format', 'list', '-c', 'rss,elapsed'])
    assert.match(mem.stdout, /^RSS:\s+[\d.]+[KMG]?\nELAPSED:\s+\d\d:\d\d\n$/)
    const two = await runCli(['list', '--pid', `${a.pid},${process.pid}`, '--format', 'list', '-c', 'pid', '--include-self'])
    assert.equal(two.stdout, [`PID: ${Math.min(a.pid!, process.pid)}\n`, `PID: ${Math.max(a.pid!, process.pid)}\n`].join('\n'))
  })

  it('--format pids prints pids as pgrep does, -d sets the delimiter', async () => {
    const [a, b] = [startSleeper(), startSleeper()]
    await settle()
    const pids = [a.pid!, b.pid!].sort((x, y) => x - y)
    assert.equal((await runCli(['list', '--pid', pids.join(','), '--format', 'pids'])).stdout, `${pids[0]}\n${pids[1]}\n`)
    assert.equal((await runCli(['list', '--pid', pids.join(','), '--format', 'pids', '-d', ','])).stdout, `${pids[0]},${pids[1]}\n`)
    assert.equal((await runCli(['list', '--pid', '999999', '--format', 'pids'])).stdout, '')
    const bad = await runCli(['list', '-d', ','])
    assert.deepEqual([bad.code, bad.stderr], [2, 'proc list: --delimiter goes with --format pids\n'])
  })

  it('-i ignores case in --name and --match; --newest and --oldest keep one match', async () => {
    const marker = `habit${process.pid}`
    const first = startProcess('bash', ['-c', `exec -a ${marker.toUpperCase()} sleep 300`])
    await settle()
    const second = startProcess('bash', ['-c', `exec -a ${marker.toUpperCase()} sleep 300`])
    await settle()
    const pids = async (...flags: string[]) => (await runCli(['list', '--format', 'pids', ...flags])).stdout.trim().split('\n').filter(Boolean).map(Number)
    assert.deepEqual(await pids('--match', `^${marker}`), [])
    assert.deepEqual(await pids('--match', `^${marker}`, '-i'), [first.pid, second.pid].sort((x, y) => x! - y!))
    assert.deepEqual(await pids('--match', `^${marker}`, '-i', '--newest'), [second.pid])
    assert.deepEqual(await pids('--match', `^${marker}`, '-i', '--oldest'), [first.pid])
    assert.deepEqual(await pids('--name', 'SLEEP', '-i', '--pid', `${first.pid}`), [first.pid])
  })

  it('--pidfile selects the pid a file holds; -L also wants the file locked', async function () {
    if (spawnSync('flock', ['--version']).status !== 0) this.skip()
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-pidfile-'))
    try {
      const daemon = startSleeper()
      const file = path.join(dir, 'daemon.pid')
      writeFileSync(file, `${daemon.pid}\n`)
      await settle()
      const pids = (...flags: string[]) => runCli(['list', '--format', 'pids', ...flags])
      assert.equal((await pids('--pidfile', file)).stdout, `${daemon.pid}\n`)
      const unlocked = await pids('--pidfile', file, '-L')
      assert.deepEqual([unlocked.code, unlocked.stderr], [1, `proc list: --pidfile-locked: ${file} is not locked\n`])
      // A daemon holding its pidfile locked (flock on the file, as it runs).
      const holder = startProcess('flock', [file, 'sleep', '300'])
      for (let i = 0; i < 50 && !/FLOCK/.test(spawnSync('cat', ['/proc/locks'], {encoding: 'utf8'}).stdout); i++) await settle()
      assert.equal((await pids('--pidfile', file, '-L')).stdout, `${daemon.pid}\n`)
      holder.kill('SIGKILL')
      const missing = await pids('--pidfile', path.join(dir, 'none.pid'))
      assert.deepEqual([missing.code, missing.stderr.startsWith(`proc list: --pidfile: cannot read ${dir}/none.pid: ENOENT`)], [2, true])
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('shows a zombie as ps does, [name] <defunct>, and keeps state Z and the raw fields in JSON', async () => {
    // The sh execs sleep, which never reaps the child sh left: a zombie under the sleeper.
    const parent = startProcess('sh', ['-c', '/bin/true & exec sleep 300'])
    await settle()
    const table = await runCli(['list', '--ppid', String(parent.pid), '-c', 'state,command', '--no-header'])
    assert.match(table.stdout, /^Z\s+\[true\] <defunct>$/m)
    const json = JSON.parse((await runCli(['list', '--ppid', String(parent.pid), '-c', 'state,command', '--json'])).stdout)
    assert.deepEqual(json, [{command: '[true]', state: 'Z'}])
  })

  it('-w never cuts the command on a terminal', async function () {
    if (spawnSync('python3', ['-c', 'import pty']).status !== 0) this.skip()
    const long = startProcess('bash', ['-c', `exec -a ${'x'.repeat(120)} sleep 300`])
    await settle()
    // Run proc on a 60-column terminal and read what it drew.
    const onTerminal = (...flags: string[]) => {
      const script = `
import fcntl, os, pty, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 60, 0, 0))
    os.execv(sys.argv[1], sys.argv[1:])
out = b''
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode())
`
      return new Promise<string>((resolve) => {
        const child = spawn('python3', ['-c', script, process.execPath, BIN, 'list', '--pid', String(long.pid), '-c', 'pid,command', '--no-header', ...flags], {stdio: ['ignore', 'pipe', 'inherit']})
        let out = ''
        child.stdout.on('data', (d) => (out += d))
        child.on('close', () => resolve(out.replaceAll('\r', '')))
      })
    }

    const cut = await onTerminal()
    assert.ok(!cut.includes('x'.repeat(120)), cut)
    assert.ok(cut.trim().length <= 60, cut)
    const wide = await onTerminal('-w')
    assert.ok(wide.includes(`${'x'.repeat(120)} 300`), wide)
  })
})

describe('threads', () => {
  it('list --threads gives one row per thread, as ps -L, each with its process\'s pid and identity', async () => {
    const node = startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
    await settle()
    const {code, stdout} = await runCli(['list', '--threads', '--pid', String(node.pid), '--json', '-c', 'pid,tid,ppid,startTicks,name,state,command'])
    assert.equal(code, 0)
    const rows = JSON.parse(stdout) as Array<Record<string, unknown>>
    const ps = spawnSync('ps', ['-L', '-o', 'lwp=', '-p', String(node.pid)], {encoding: 'utf8'}).stdout.trim().split('\n').map(Number)
    assert.deepEqual(rows.map((r) => r.tid), ps)
    assert.ok(rows.length > 1, 'node runs more than one thread')
    const main = rows.find((r) => r.tid === node.pid)!
    for (const r of rows) {
      assert.deepEqual([r.pid, r.ppid, r.startTicks, r.command], [node.pid, process.pid, main.startTicks, main.command])
      const comm = spawnSync('cat', [`/proc/${node.pid}/task/${r.tid}/comm`], {encoding: 'utf8'}).stdout.trim()
      assert.equal(r.name, comm)
    }
  })

  it('kill on thread records acts on their process once, and says so', async () => {
    const node = startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
    await settle()
    const records = (await runCli(['list', '--threads', '--pid', String(node.pid), '--json'])).stdout
    assert.ok(JSON.parse(records).length > 1)
    const {code, stderr, stdout} = await runCli(['kill', '--json'], {input: records})
    assert.equal(code, 0, stderr)
    assert.match(stderr, /thread record\(s\): acting on their 1 process\(es\)/)
    const [r, ...more] = JSON.parse(stdout)
    assert.deepEqual([r.pid, r.status, more.length], [node.pid, 'signalled', 0])
  })
})

describe('tree threads', () => {
  it('shows threads as pstree does, {name} leaves folded N*[{name}]; --no-threads hides them; JSON lists them', async () => {
    const node = startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
    await settle()
    const tids = spawnSync('ps', ['-L', '-o', 'lwp=', '-p', String(node.pid)], {encoding: 'utf8'}).stdout.trim().split('\n').map(Number).filter((t) => t !== node.pid)
    assert.ok(tids.length > 0)
    const wide = await runCli(['tree', String(node.pid), '--no-compact', '--no-header', '--ascii'])
    assert.deepEqual(
      wide.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)),
      tids.map((t, i) => [String(t), i === tids.length - 1 ? '`-' : '|-', '{node}']),
    )
    const folded = await runCli(['tree', String(node.pid), '--no-header', '--ascii', '-c', 'command'])
    assert.match(folded.stdout, new RegExp(`\\\`- ${tids.length}\\*\\[\\{node\\}\\]`))
    const none = await runCli(['tree', String(node.pid), '--no-header', '--no-threads'])
    assert.equal(none.stdout.trim().split('\n').length, 1)
    const [record] = JSON.parse((await runCli(['tree', String(node.pid), '--json'])).stdout)
    assert.deepEqual(record.threadList, tids.map((tid) => ({name: 'node', tid})))
    assert.deepEqual(record.children, [])
  })
})
