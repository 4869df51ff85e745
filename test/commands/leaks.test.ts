import {strict as assert} from 'node:assert'
import {execFile, spawn} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {BIN, runCli} from '../helpers/cli.js'
import {isAlive, procfsOnly, startSleeper} from '../helpers/processes.js'

interface Leak {
  foundBy: string
  pid: number
  command: string
  status?: string
}

/** Every leak a test saw, killed after each test: they are outside any group the test owns. */
const seen: number[] = []
afterEach(() => {
  for (const pid of seen.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
})

let reports = 0

/**
 * Run proc spawn with its stdio on /dev/null and the report in a file: a leaked process keeps
 * proc's stdout and stderr open, and a pipe would not close until it dies.
 */
async function spawnReport(args: string[]): Promise<{code: number | null; leaks: Leak[]; record: Record<string, unknown>}> {
  const file = path.join(tmpdir(), `proc-leaks-${process.pid}-${reports++}.json`)
  const code = await new Promise<number | null>((resolve) => {
    spawn(process.execPath, [BIN, 'spawn', '--report-file', file, ...args], {stdio: 'ignore'}).on('exit', resolve)
  })
  const record = JSON.parse(readFileSync(file, 'utf8'))
  rmSync(file)
  const leaks = record.leaks as Leak[]
  seen.push(...leaks.map((l) => l.pid))
  return {code, leaks, record}
}

/** Whether this host lets a process make a cgroup v2 group under its own (as proc spawn does). */
function cgroupWritable(): boolean {
  const own = /^0::(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1]
  for (const mount of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    if (own === undefined || !existsSync(path.join(mount, 'cgroup.controllers'))) continue
    const probe = path.join(mount, own, `proc-test-probe-${process.pid}`)
    try {
      mkdirSync(probe)
      rmdirSync(probe)
      return true
    } catch {
      return false
    }
  }

  return false
}

function ourCgroups(): string[] {
  for (const mount of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    try {
      return readdirSync(mount).filter((d) => d.startsWith(`proc-spawn-`))
    } catch {}
  }

  return []
}

describe('proc spawn --leaks', () => {
  before(function () {
    // Without a cgroup, the cookie and sessions, a child that leaves at once is seen by neither
    // parent links (orphans go to init) nor sampling: the ps source's own tests are below.
    procfsOnly(this, 'cgroups, the environment cookie, sessions and daemons')
  })

  const escapes: Array<[string, string]> = [
    ['a background job', 'sleep 30 &'],
    ['setsid', 'setsid sleep 30 &'],
    ['env -i setsid', 'env -i setsid sleep 30 &'],
    ['a double fork with a cleared environment', 'env -i sh -c "setsid sleep 30 &" &'],
  ]

  for (const [title, script] of escapes) {
    it(`catches ${title} with the cgroup`, async function () {
      if (!cgroupWritable()) this.skip() // this host has no cgroup v2 group proc may create
      const {code, leaks} = await spawnReport(['--', 'sh', '-c', script])
      assert.equal(code, 0)
      assert.deepEqual(leaks.map((l) => [l.command, l.foundBy]), [['sleep 30', 'cgroup']])
    })
  }

  it('without the cgroup: the cookie catches a background job and setsid', async () => {
    for (const script of ['sleep 30 &', 'setsid sleep 30 &']) {
      const {leaks} = await spawnReport(['--no-cgroup', '--', 'sh', '-c', script])
      assert.deepEqual(leaks.map((l) => l.foundBy), ['env'], script)
    }
  })

  it('without the cgroup: the session catches env -i, sampling catches env -i setsid', async () => {
    const session = await spawnReport(['--no-cgroup', '--', 'sh', '-c', 'env -i sleep 30 &'])
    assert.deepEqual(session.leaks.map((l) => l.foundBy), ['session'])
    const sampled = await spawnReport(['--no-cgroup', '--', 'sh', '-c', 'env -i setsid sleep 30 & sleep 0.4'])
    assert.deepEqual(sampled.leaks.map((l) => l.foundBy), ['sampled'])
  })

  it('never blames a process already running, one started meanwhile, or a pipeline sibling', async () => {
    const before = startSleeper()
    let meanwhile: ReturnType<typeof startSleeper> | undefined
    const timer = setTimeout(() => (meanwhile = startSleeper()), 100)
    const {leaks} = await spawnReport(['--', 'sleep', '0.4'])
    clearTimeout(timer)
    assert.deepEqual(leaks, [])
    assert.ok(isAlive(before.pid!) && meanwhile && isAlive(meanwhile.pid!))

    const pipeline = await new Promise<string>((resolve) => {
      execFile('sh', ['-c', `${JSON.stringify(process.execPath)} ${BIN} spawn --report json -- sleep 0.2 2>&1 >/dev/null | (cat; sleep 0.5)`], (_e, stdout) => resolve(stdout))
    })
    assert.deepEqual(JSON.parse(pipeline).leaks, [])
  })

  it('--leaks fail: exit 3 when the child succeeded but leaked; a failing child\'s status wins', async () => {
    assert.equal((await spawnReport(['--leaks', 'fail', '--', 'sh', '-c', 'sleep 30 &'])).code, 3)
    assert.equal((await spawnReport(['--leaks', 'fail', '--', 'sh', '-c', 'sleep 30 & exit 4'])).code, 4)
    assert.equal((await spawnReport(['--leaks', 'fail', '--', 'true'])).code, 0)
    assert.equal((await spawnReport(['--leaks', 'report', '--', 'sh', '-c', 'sleep 30 &'])).code, 0)
  })

  it('--leaks kill leaves none alive, even one that ignores TERM, and says so', async function () {
    this.timeout(15_000)
    const {code, leaks} = await spawnReport(['--leaks', 'kill', '--', 'sh', '-c', 'sleep 30 & setsid sh -c \'trap "" TERM; sleep 30\' & sleep 0.1'])
    assert.equal(code, 0)
    assert.equal(leaks.length, 3, JSON.stringify(leaks))
    for (const l of leaks) assert.ok(!isAlive(l.pid), `${l.pid} ${l.command} survived`)
    // The shell ignores TERM, and so does its sleep (an ignored signal stays ignored across exec).
    assert.deepEqual(leaks.map((l) => l.status).sort(), ['killed', 'killed', 'signalled'])
  })

  it('nested: the inner run finds its own leaks and the outer one sees what the inner left', async () => {
    const {leaks} = await spawnReport(['--', process.execPath, BIN, 'spawn', '--report', 'json', '--', 'sh', '-c', 'sleep 30 &'])
    assert.deepEqual(leaks.map((l) => l.command), ['sleep 30'])
  })

  it('leaves no cgroup behind, also after a timeout or a signal', async () => {
    await spawnReport(['--timeout', '100ms', '--', 'sh', '-c', 'sleep 30 & sleep 10'])
    await spawnReport(['--', 'sh', '-c', 'kill -TERM $$'])
    assert.deepEqual(ourCgroups(), [])
  })

  it('--leaks ignore looks for nothing', async () => {
    const {leaks, record} = await spawnReport(['--leaks', 'ignore', '--', 'sh', '-c', 'sleep 30 &'])
    assert.deepEqual(leaks, [])
    const out = await runCli(['list', '--session', String(record.pid), '-c', 'pid', '--no-header'])
    const left = out.stdout.split(/\s+/).filter(Boolean).map(Number)
    assert.equal(left.length, 1, 'the leak is there, only not looked for')
    seen.push(...left)
  })
})

describe('proc spawn --leaks without run support (the ps source of macOS and the BSDs, run here)', () => {
  it('finds a leftover by sampling and names the methods; --leaks kill ends it', async () => {
    // A leftover with a marker of its own (GNU sleep takes a fraction), its stdio not proc's. The
    // child lives 2 s, so the sampler (at least once a second) sees its child before it is orphaned.
    const mark = `300.${process.pid}${Date.now() % 1000}`
    const script = `sleep ${mark} >/dev/null 2>&1 & sleep 2`
    const reported = await runCli(['spawn', '--source', 'ps', '--report', 'json', '--', 'sh', '-c', script])
    assert.equal(reported.code, 0, reported.stderr)
    const report = JSON.parse(reported.stderr)
    assert.deepEqual(report.leakMethods, ['parent', 'sampled'])
    assert.equal(report.leaks.length, 1, reported.stderr)
    const [leak] = report.leaks
    assert.equal(leak.command, `sleep ${mark}`)
    assert.equal(leak.foundBy, 'sampled', 'orphaned, so no longer below the child by its parent link')
    assert.ok(isAlive(leak.pid))
    process.kill(leak.pid, 'SIGKILL')

    const killed = await runCli(['spawn', '--source', 'ps', '--leaks', 'kill', '--report', 'json', '--', 'sh', '-c', script])
    assert.equal(killed.code, 0, killed.stderr)
    const after = JSON.parse(killed.stderr)
    assert.equal(after.leaks.length, 1, killed.stderr)
    assert.equal(after.leaks[0].status, 'signalled')
    assert.ok(!isAlive(after.leaks[0].pid))
  })

  it('a child that leaves nothing: no leaks, and the summary says no cgroup was used', async () => {
    const r = await runCli(['spawn', '--source', 'ps', '--', 'sh', '-c', 'exit 0'])
    assert.equal(r.code, 0)
    assert.match(r.stderr, /no leaks \(no cgroup\)/)
  })
})
