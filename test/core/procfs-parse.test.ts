import {strict as assert} from 'node:assert'

import {bootInstant, containerOf, parseBootTime, parseCmdline, parseCommandLine, parseEnviron, parseIo, parseNsLink, parsePasswd, parseSmapsRollup, parseStat, parseStatusIds, parseUptime, ttyName, unitOf} from '../../src/core/sources/linux/parse.js'

const TAIL = '0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0'
const stat = (comm: string, rest = `S 1 2 3 34816 -1 0 0 0 0 0 7 8 0 0 20 -3 4 0 12345 999 10 ${TAIL}`) =>
  Buffer.from(`42 (${comm}) ${rest}\n`, 'utf8')

describe('procfs parsers', () => {
  describe('parseStat', () => {
    it('reads the fields after the name', () => {
      const s = parseStat(stat('bash'))!
      assert.deepEqual(
        {...s},
        {
          cstime: 0, cutime: 0, flags: 0, majorFaults: 0, minorFaults: 0, name: 'bash', nice: -3, pgid: 2, pid: 42, ppid: 1, priority: 20,
          processor: undefined, rssPages: 10, sid: 3, startTicks: 12_345, state: 'S', stime: 8, threads: 4, tpgid: -1, ttyNr: 34_816,
          utime: 7, vsize: 999,
        },
      )
    })

    it('reads up to the processor (field 39) only when asked, from a real stat line', () => {
      const line = '42 (bash) S 1 2 3 34816 -1 4194560 1234 0 5 0 7 8 0 0 20 0 1 0 12345 999 10 18446744073709551615 1 1 0 0 0 0 65536 3686404 1266761467 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n'
      const s = parseStat(Buffer.from(line), true)!
      assert.deepEqual([s.minorFaults, s.majorFaults, s.priority, s.processor, s.startTicks], [1234, 5, 20, 1, 12_345])
      assert.equal(parseStat(Buffer.from(line))!.processor, undefined)
    })

    it('keeps spaces and parentheses in the name', () => {
      assert.equal(parseStat(stat('a b'))!.name, 'a b')
      assert.equal(parseStat(stat(')'))!.name, ')')
      assert.equal(parseStat(stat('(('))!.name, '((')
      assert.equal(parseStat(stat(''))!.name, '')
    })

    it('is not fooled by a name that imitates the fields (x) S 1 (evil)', () => {
      const s = parseStat(stat('x) S 1 (evil'))!
      assert.equal(s.name, 'x) S 1 (evil')
      assert.equal(s.ppid, 1)
      assert.equal(s.startTicks, 12_345)
      assert.equal(s.state, 'S')
    })

    it('decodes a UTF-8 name, and replaces invalid bytes instead of failing', () => {
      assert.equal(parseStat(stat('näme'))!.name, 'näme')
      const raw = Buffer.concat([Buffer.from('42 ('), Buffer.from([0xff, 0x41]), Buffer.from(`) S 1 2 3 0 -1 0 0 0 0 0 7 8 0 0 20 0 1 0 5 0 0 ${TAIL}`)])
      assert.equal(parseStat(raw)!.name, '\uFFFDA')
    })

    it('rejects malformed input', () => {
      assert.equal(parseStat(Buffer.from('')), undefined)
      assert.equal(parseStat(Buffer.from('42 (x) S 1 2')), undefined)
      assert.equal(parseStat(Buffer.from('garbage')), undefined)
    })
  })

  it('parseCommandLine gives the arguments joined with spaces, and the first, as parseCmdline would', () => {
    for (const text of ['a\0b c\0\0d\0', 'no-terminator', 'one\0', '\0', '\0\0', 'x\0\xff\xfe\0y', 'é\0ü', 'a b\0c']) {
      const buf = Buffer.from(text, 'latin1')
      const argv = parseCmdline(buf)
      assert.deepEqual(parseCommandLine(buf), argv.length === 0 ? undefined : {argv0: argv[0], command: argv.join(' ')}, JSON.stringify(text))
    }

    assert.equal(parseCommandLine(Buffer.from('')), undefined)
  })

  it('parseCmdline splits on NUL and keeps empty arguments', () => {
    assert.deepEqual(parseCmdline(Buffer.from('a\0b c\0\0d\0')), ['a', 'b c', '', 'd'])
    assert.deepEqual(parseCmdline(Buffer.from('')), [])
    assert.deepEqual(parseCmdline(Buffer.from('no-terminator')), ['no-terminator'])
  })

  it('a retitled process (process.title, setproctitle) is read as ps reads it: the NUL padding dropped', () => {
    const padded = Buffer.concat([Buffer.from('nginx: worker process\0'), Buffer.alloc(40)])
    assert.deepEqual(parseCmdline(padded), ['nginx: worker process'])
    assert.deepEqual(parseCommandLine(padded), {argv0: 'nginx: worker process', command: 'nginx: worker process'})
    assert.deepEqual(parseCmdline(Buffer.from('t\0\0\0\0')), ['t'])
    assert.deepEqual(parseCmdline(Buffer.alloc(20)), [], 'retitled to nothing: no arguments')
    assert.equal(parseCommandLine(Buffer.alloc(20)), undefined)
  })

  it('parseStatusIds takes the effective uid and gid', () => {
    assert.deepEqual(parseStatusIds('Name:\tx\nUid:\t1\t2\t3\t4\nGid:\t5\t6\t7\t8\n'), {gid: 6, uid: 2})
    assert.equal(parseStatusIds('Name:\tx\n'), undefined)
  })

  it('ttyName maps tty_nr like ps', () => {
    assert.equal(ttyName(0), null)
    assert.equal(ttyName((136 << 8) | 3), 'pts/3')
    assert.equal(ttyName((137 << 8) | 1), 'pts/257')
    assert.equal(ttyName((4 << 8) | 1), 'tty1')
    assert.equal(ttyName((4 << 8) | 64), 'ttyS0')
    assert.equal(ttyName((136 << 8) | (1 << 20)), 'pts/256')
  })

  it('parseUptime and parsePasswd', () => {
    assert.equal(parseUptime('1234.56 99.0\n'), 1_234_560)
    assert.equal(parseUptime('x'), undefined)
    assert.equal(parseBootTime('cpu 1 2\nbtime 1700000000\nprocesses 5\n'), 1_700_000_000_000)
    assert.equal(parseBootTime('cpu 1 2\n'), undefined)
    // The boot instant to the millisecond, within btime's second.
    assert.equal(bootInstant(1_700_000_000_000, 1_700_000_100_000, 99_370), 1_700_000_000_630)
    assert.equal(bootInstant(1_700_000_000_000, 1_700_000_100_000, 100_020), 1_700_000_000_000, 'never before btime')
    assert.equal(bootInstant(1_700_000_000_000, 1_700_000_100_000, 90_000), 1_700_000_000_999, 'never past its second')
    assert.equal(bootInstant(1_700_000_000_000, 5, undefined), 1_700_000_000_000)
    const users = parsePasswd('root:x:0:0::/root:/bin/sh\n# comment\nbad\nbob:x:1000:1000::/:/bin/sh\n')
    assert.equal(users.get(0), 'root')
    assert.equal(users.get(1000), 'bob')
    assert.equal(users.size, 2)
  })
})

describe('extra-column parsers', () => {
  it('environ, io, smaps_rollup and namespace links', () => {
    assert.deepEqual(parseEnviron(Buffer.from('A=1\0B=x=y\0EMPTY=\0\0')), {A: '1', B: 'x=y', EMPTY: ''})
    assert.deepEqual(parseIo(Buffer.from('rchar: 10\nwchar: 20\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n')), {
      readBytes: 4096,
      writeBytes: 8192,
    })
    const rollup = '55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss: 1800 kB\nPss: 300 kB\nPss_Anon: 100 kB\nPrivate_Clean: 20 kB\nPrivate_Dirty: 100 kB\nSwap: 8 kB\nSwapPss: 8 kB\n'
    assert.deepEqual(parseSmapsRollup(Buffer.from(rollup)), {pssBytes: 300 * 1024, swapBytes: 8 * 1024, ussBytes: 120 * 1024})
    assert.equal(parseNsLink('pid:[4026531836]'), 4_026_531_836)
    assert.equal(parseNsLink('nonsense'), null)
  })

  it('the systemd unit and the container id of a cgroup path', () => {
    assert.equal(unitOf('/system.slice/ssh.service'), 'ssh.service')
    assert.equal(unitOf('/user.slice/user-1000.slice/user@1000.service/app.slice/vte-spawn-1.scope'), 'vte-spawn-1.scope')
    assert.equal(unitOf('/user.slice/user-1000.slice'), null)
    assert.equal(unitOf('/'), null)
    const id = 'a'.repeat(12) + '0123456789abcdef'.repeat(3) + 'b'.repeat(4)
    assert.equal(id.length, 64)
    assert.equal(containerOf(`/system.slice/docker-${id}.scope`), id)
    assert.equal(containerOf(`/docker/${id}`), id)
    assert.equal(containerOf(`/machine.slice/libpod-${id}.scope/container`), id)
    assert.equal(containerOf(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-${id}.scope`), id)
    assert.equal(containerOf(`/kubepods/burstable/pod7a1b/${id}`), id)
    assert.equal(containerOf('/system.slice/ssh.service'), null)
    assert.equal(containerOf(`/system.slice/${id}.service`), null)
  })
})
