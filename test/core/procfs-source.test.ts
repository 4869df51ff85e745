import {strict as assert} from 'node:assert'

import {FIELDS, type Field} from '../../src/core/process-info.js'
import {ProcfsSource} from '../../src/core/sources/linux/index.js'
import {classifyErrno, DENIED, FAILED, type ProcfsIo, systemIo, VANISHED} from '../../src/core/sources/linux/read.js'
import {FIXTURE_PASSWD, FIXTURE_PROCFS} from '../helpers/cli.js'

const ALL = new Set<Field>(FIELDS)
const NOW = Date.parse('2026-01-01T00:00:00Z')

function source(io?: ProcfsIo) {
  return new ProcfsSource({io, now: () => NOW, passwd: FIXTURE_PASSWD, root: FIXTURE_PROCFS})
}

/** An io that records every path it is asked for and can fail chosen ones. */
function spyIo(fail: Record<string, NodeJS.ErrnoException['code']> = {}) {
  const paths: string[] = []
  const pick = (p: string) => Object.entries(fail).find(([suffix]) => p.endsWith(suffix))?.[1]
  const io: ProcfsIo = {
    read(p) {
      paths.push(p)
      const code = pick(p)
      return code ? classifyErrno(code) : systemIo.read(p)
    },
    owner: (p) => systemIo.owner(p),
    readdir: (p) => systemIo.readdir(p),
    readlink(p) {
      paths.push(p)
      const code = pick(p)
      return code ? classifyErrno(code) : systemIo.readlink(p)
    },
  }
  return {io, paths}
}

describe('procfs source on a fixture tree', () => {
  const byPid = () => new Map(source().listSync(ALL).map((r) => [r.pid, r]))

  it('lists every process, including kernel threads and zombies, and drops the vanished one', () => {
    assert.deepEqual(
      source().listSync(ALL).map((r) => r.pid).sort((a, b) => a - b),
      [1, 2, 10, 100, 101, 102, 104, 105],
    )
  })

  it('lists in pid order, whatever order the directory gives', () => {
    for (const order of [(names: string[]) => names.sort(), (names: string[]) => names.sort().reverse()]) {
      const io: ProcfsIo = {...systemIo, readdir: (p) => {
        const names = systemIo.readdir(p)
        return Array.isArray(names) ? order(names) : names
      }}
      assert.deepEqual(source(io).listSync(new Set(['pid'])).map((r) => r.pid), [1, 2, 10, 100, 101, 102, 104, 105])
    }
  })

  it('reads the command without the argument array unless argv is asked for', () => {
    const whole = byPid()
    for (const r of source().listSync(new Set(['pid', 'command', 'name']))) {
      assert.equal(r.command, whole.get(r.pid)!.command)
      assert.equal(r.name, whole.get(r.pid)!.name)
      // No argument strings made (a kernel thread's empty array costs none).
      assert.ok(r.argv === null || r.argv.length === 0, String(r.pid))
    }

    const withArgv = source().listSync(new Set(['pid', 'argv']))
    assert.deepEqual(withArgv.map((r) => r.argv), [...whole.values()].map((r) => r.argv))
  })

  it('fills a full record in raw units', () => {
    const r = byPid().get(100)!
    assert.deepEqual(r, {
      argv: ['my ) proc (x', '--flag', 'hello, "world"'],
      bootId: '11111111-2222-3333-4444-555555555555',
      command: 'my ) proc (x --flag hello, "world"',
      cpuPercent: 0.56,
      cpuTimeMs: 5000,
      elapsedMs: 900_500,
      exe: '/opt/my/proc',
      host: 'fixture-host',
      gid: 1000,
      name: 'my ) proc (x',
      nice: 5,
      pgid: 100,
      pid: 100,
      ppid: 1,
      rssBytes: 1000 * 4096,
      sid: 100,
      startTicks: 10_000,
      startTime: new Date(1_767_225_000_000 + 10_000 * 10).toISOString(),
      state: 'S',
      threads: 3,
      tty: 'pts/1',
      uid: 1000,
      user: 'alice',
      vszBytes: 20_000_000,
    })
  })

  it('parses a name that imitates the stat fields without being fooled', () => {
    const r = byPid().get(101)!
    assert.equal(r.name, 'x) S 1 (evil')
    assert.equal(r.ppid, 100)
    assert.equal(r.state, 'R')
  })

  it('shows kernel threads and zombies as [name] with no exe', () => {
    const map = byPid()
    assert.equal(map.get(2)!.command, '[kthreadd]')
    assert.deepEqual(map.get(2)!.argv, [])
    assert.equal(map.get(2)!.exe, null)
    assert.equal(map.get(10)!.ppid, 2)
    assert.equal(map.get(102)!.state, 'Z')
    assert.equal(map.get(102)!.command, '[defunct-kid]')
  })

  it('extends a name cut at 15 bytes from argv[0]', () => {
    assert.equal(byPid().get(104)!.name, 'very-long-service-name')
  })

  it('shows a uid without a passwd entry as the number', () => {
    assert.equal(byPid().get(104)!.user, '4242')
  })

  it('reads only the files the requested fields need', () => {
    const {io, paths} = spyIo()
    source(io).listSync(new Set<Field>(['pid', 'ppid', 'state']))
    assert.ok(paths.length > 0)
    assert.ok(paths.every((p) => /\/(stat|uptime|boot_id|hostname)$/.test(p)), paths.join(' '))

    const spy2 = spyIo()
    source(spy2.io).listSync(new Set<Field>(['pid', 'user']))
    assert.ok(spy2.paths.some((p) => p.endsWith('/status')))
    assert.ok(!spy2.paths.some((p) => p.endsWith('/cmdline') || p.endsWith('/exe')))
  })

  it('gives null for a denied field and keeps the process', () => {
    const {io} = spyIo({'100/exe': 'EACCES', '100/status': 'EPERM'})
    const r = source(io).listSync(ALL).find((p) => p.pid === 100)!
    assert.equal(r.exe, null)
    assert.equal(r.uid, null)
    assert.equal(r.user, null)
    assert.equal(r.command, 'my ) proc (x --flag hello, "world"')
  })

  it('gives null for a field that fails with EIO and keeps the process', () => {
    const {io} = spyIo({'100/cmdline': 'EIO'})
    const r = source(io).listSync(ALL).find((p) => p.pid === 100)!
    assert.equal(r.command, null)
    assert.equal(r.argv, null)
  })

  it('drops a process whose stat is gone, denied or broken', () => {
    for (const code of ['ENOENT', 'ESRCH', 'EACCES', 'EIO'] as const) {
      const {io} = spyIo({'100/stat': code})
      assert.ok(!source(io).listSync(ALL).some((p) => p.pid === 100), code)
    }
  })

  it('drops a process that vanishes after its stat was read', () => {
    let reads = 0
    const io: ProcfsIo = {
      ...systemIo,
      read(p) {
        if (p.endsWith('/100/stat') && ++reads > 1) return VANISHED
        if (p.endsWith('/100/cmdline')) return VANISHED
        return systemIo.read(p)
      },
    }
    assert.ok(!source(io).listSync(ALL).some((p) => p.pid === 100))
  })

  it('keeps a process whose exe is missing but whose stat is still there (zombie, kernel thread)', () => {
    const r = source().listSync(ALL).find((p) => p.pid === 102)!
    assert.equal(r.exe, null)
    assert.equal(r.uid, 1000)
  })

  it('takes startTime from the boot time, and falls back to now - elapsed without /proc/stat', () => {
    const {io} = spyIo({'procfs/stat': 'EACCES'})
    const r = source(io).readOne(100, ALL)!
    assert.equal(r.startTime, new Date(NOW - 900_500).toISOString())
  })

  it('maps errno in one place', () => {
    assert.equal(classifyErrno('ENOENT'), VANISHED)
    assert.equal(classifyErrno('ESRCH'), VANISHED)
    assert.equal(classifyErrno('EACCES'), DENIED)
    assert.equal(classifyErrno('EPERM'), DENIED)
    assert.equal(classifyErrno('EIO'), FAILED)
    assert.equal(classifyErrno(undefined), FAILED)
  })

  it('reads one process by pid', () => {
    assert.equal(source().readOne(1, ALL)!.name, 'init')
    assert.equal(source().readOne(103, ALL), undefined)
    assert.equal(source().readOne(999, ALL), undefined)
  })
})

describe('procfs source, reading some pids as a listing shows them', () => {
  const listed = new Map(source().listSync(ALL).map((r) => [r.pid, r]))
  const same = (r: {pid: number}) => {
    const {cpuPercent: _c, elapsedMs: _e, ...rest} = r as Record<string, unknown>
    return rest
  }

  it('readSome gives what the listing gives of those pids, and nothing for gone or invalid ones', () => {
    const got = source().readSome([105, 101, 101, 103, 99_999, 0, -1], ALL)
    assert.deepEqual(got.map((r) => r.pid), [105, 101])
    for (const r of got) assert.deepEqual(same(r), same(listed.get(r.pid)!))
  })

  it("readSome leaves out an id whose status names another thread group (a thread's tid)", () => {
    const io: ProcfsIo = {
      ...systemIo,
      read: (p) => (p.endsWith('/101/status') ? Buffer.from('Name:\tx\nTgid:\t104\nPid:\t101\n') : systemIo.read(p)),
    }
    assert.deepEqual(source(io).readSome([101, 104], ALL).map((r) => r.pid), [104])
  })

  it('lineage walks ppid up to init', () => {
    assert.deepEqual(source().lineage(102, ALL).map((r) => r.pid), [102, 100, 1])
    assert.deepEqual(source().lineage(99_999, ALL), [])
  })
})

describe('procfs source on the live /proc', () => {
  it('reads this process correctly', () => {
    const me = new ProcfsSource().readOne(process.pid, ALL)!
    assert.equal(me.pid, process.pid)
    assert.equal(me.ppid, process.ppid)
    assert.equal(me.uid, process.getuid!())
    assert.deepEqual(me.argv, [process.argv0 === 'node' ? me.argv![0] : me.argv![0], ...me.argv!.slice(1)])
    assert.equal(me.exe, process.execPath)
    assert.ok(me.rssBytes! > 1_000_000)
    assert.ok(me.threads! >= 1)
    assert.ok(me.startTicks! > 0)
    assert.match(me.bootId!, /^[\da-f-]{36}$/)
  })
})

describe('procfs values agree with ps', () => {
  it('RSS is VmRSS, as ps -o rss prints it (stat\'s rss field is an approximate counter)', async function () {
    const {execFileSync} = await import('node:child_process')
    const {ProcfsSource} = await import('../../src/core/sources/linux/index.js')
    const records = new ProcfsSource().listSync(new Set(['pid', 'rssBytes', 'state'] as const))
    const ps = new Map(
      execFileSync('ps', ['-eo', 'pid=,rss='], {encoding: 'utf8'})
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]),
    )
    // Processes change between the two reads: compare the long-lived quiet ones (sleeping).
    const compared = records.filter((r) => r.state === 'S' && ps.has(r.pid))
    assert.ok(compared.length >= 5)
    const disagree = compared.filter((r) => Math.abs(r.rssBytes! / 1024 - ps.get(r.pid)!) > 64)
    assert.ok(disagree.length <= compared.length / 10, `${disagree.length} of ${compared.length} disagree with ps`)
  })
})
