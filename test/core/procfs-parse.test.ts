import {strict as assert} from 'node:assert'

import {parseBootTime, parseCmdline, parsePasswd, parseStat, parseStatusIds, parseUptime, ttyName} from '../../src/core/sources/procfs/parse.js'

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

  it('parseCmdline splits on NUL and keeps empty arguments', () => {
    assert.deepEqual(parseCmdline(Buffer.from('a\0b c\0\0d\0')), ['a', 'b c', '', 'd'])
    assert.deepEqual(parseCmdline(Buffer.from('')), [])
    assert.deepEqual(parseCmdline(Buffer.from('no-terminator')), ['no-terminator'])
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
    const users = parsePasswd('root:x:0:0::/root:/bin/sh\n# comment\nbad\nbob:x:1000:1000::/:/bin/sh\n')
    assert.equal(users.get(0), 'root')
    assert.equal(users.get(1000), 'bob')
    assert.equal(users.size, 2)
  })
})
