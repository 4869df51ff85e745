import {strict as assert} from 'node:assert'

import {FIELDS, type Field, type ProcessInfo} from '../../src/core/process-info.js'
import {ProcfsSource} from '../../src/core/sources/linux/index.js'
import {classifyErrno, type ProcfsIo, systemIo} from '../../src/core/sources/linux/read.js'
import {FIXTURE_PASSWD, FIXTURE_PROCFS} from '../helpers/cli.js'

const FILES = ['stat', 'cmdline', 'status', 'exe'] as const
const ERRNOS = ['ENOENT', 'ESRCH', 'EACCES', 'EIO'] as const
const FIELDS_OF: Record<(typeof FILES)[number], Field[]> = {cmdline: ['argv', 'command'], exe: ['exe'], stat: [], status: ['uid', 'gid', 'user']}
const ALL = new Set<Field>(FIELDS)
/** Which records are kernel threads, whose cmdline, status and exe are never read. */
const KTHREADS = new Set(new ProcfsSource({passwd: FIXTURE_PASSWD, root: FIXTURE_PROCFS}).listSync(new Set<Field>(['kernelThread'])).filter((r) => r.kernelThread).map((r) => r.pid))

/** An io that fails one file of one process with one errno, on its nth read only. */
function faulty(pid: number, file: string, errno: string, nth: number): ProcfsIo {
  let reads = 0
  const hit = (p: string) => p.endsWith(`/${pid}/${file}`) && ++reads === nth
  return {
    read: (p) => (hit(p) ? classifyErrno(errno) : systemIo.read(p)),
    owner: (p) => systemIo.owner(p),
    readdir: (p) => systemIo.readdir(p),
    readlink: (p) => (hit(p) ? classifyErrno(errno) : systemIo.readlink(p)),
  }
}

describe('faults injected at each read of the fixture tree', () => {
  const clean = new ProcfsSource({passwd: FIXTURE_PASSWD, root: FIXTURE_PROCFS}).listSync(ALL)
  const byPid = new Map(clean.map((r) => [r.pid, r]))

  for (const file of FILES) {
    for (const errno of ERRNOS) {
      it(`${errno} on ${file}: the process is dropped (stat) or the field is null, never an error`, () => {
        for (const pid of byPid.keys()) {
          const source = new ProcfsSource({io: faulty(pid, file, errno, 1), passwd: FIXTURE_PASSWD, root: FIXTURE_PROCFS})
          const records = source.listSync(ALL)
          const got = records.find((r) => r.pid === pid)
          if (file === 'stat') {
            assert.equal(got, undefined, `${pid} listed without its stat`)
            continue
          }

          assert.ok(got, `${pid} dropped for a failed ${file}`)
          const want = byPid.get(pid)!
          // A kernel thread's cmdline, status and exe are not read (it has no memory map; its ids
          // are its directory's owner): a fault there changes nothing.
          const lost = KTHREADS.has(pid) ? [] : FIELDS_OF[file]
          for (const f of lost) assert.equal(got[f], null, `${pid}.${f}`)
          // Everything else is what the clean read gave: nothing is borrowed from another process.
          for (const f of FIELDS) {
            if (lost.includes(f) || f === 'startTime' || f === 'elapsedMs' || f === 'cpuPercent') continue
            if (file === 'cmdline' && f === 'name') continue
            assert.deepEqual(got[f], want[f as keyof ProcessInfo], `${pid}.${f}`)
          }

          // Other processes are untouched.
          assert.equal(records.length, clean.length)
        }
      })
    }
  }

  it('a process that vanishes between its stat and a later file is dropped, not half-filled', () => {
    for (const file of ['cmdline', 'status', 'exe'] as const) {
      for (const errno of ['ENOENT', 'ESRCH'] as const) {
        // The stat read again to check after the failure is gone too: the process has exited.
        let stats = 0
        const io: ProcfsIo = {
          read: (p) => (p.endsWith(`/100/${file}`) || (p.endsWith('/100/stat') && ++stats > 1) ? classifyErrno(errno) : systemIo.read(p)),
          owner: (p) => systemIo.owner(p),
          readdir: (p) => systemIo.readdir(p),
          readlink: (p) => (p.endsWith(`/100/${file}`) ? classifyErrno(errno) : systemIo.readlink(p)),
        }
        const records = new ProcfsSource({io, passwd: FIXTURE_PASSWD, root: FIXTURE_PROCFS}).listSync(ALL)
        assert.ok(!records.some((r) => r.pid === 100), `${errno} on ${file}`)
      }
    }
  })

  it("a kernel thread's ids come from its directory: a failed stat(2) of it nulls them, a vanished one drops it", () => {
    const kthreads = clean.filter((r) => KTHREADS.has(r.pid))
    assert.ok(kthreads.length > 0)
    for (const errno of ERRNOS) {
      const gone = errno === 'ENOENT' || errno === 'ESRCH'
      for (const k of kthreads) {
        let stats = 0
        const io: ProcfsIo = {
          ...systemIo,
          owner: (p) => (p.endsWith(`/${k.pid}`) ? classifyErrno(errno) : systemIo.owner(p)),
          // Gone for good when the errno says so: the check after the failure finds no stat either.
          read: (p) => (gone && p.endsWith(`/${k.pid}/stat`) && ++stats > 1 ? classifyErrno(errno) : systemIo.read(p)),
        }
        const got = new ProcfsSource({io, passwd: FIXTURE_PASSWD, root: FIXTURE_PROCFS}).listSync(ALL).find((r) => r.pid === k.pid)
        if (gone) {
          assert.equal(got, undefined, `${errno}: ${k.pid}`)
        } else {
          assert.ok(got, `${errno}: ${k.pid}`)
          for (const f of ['uid', 'gid', 'user'] as const) assert.equal(got[f], null, `${errno}: ${k.pid}.${f}`)
        }
      }
    }
  })

  it('an unreadable /proc itself is an error, not an empty list', () => {
    const io: ProcfsIo = {...systemIo, readdir: () => classifyErrno('EACCES')}
    assert.throws(() => new ProcfsSource({io, root: FIXTURE_PROCFS}).listSync(ALL), /cannot read/)
  })
})
