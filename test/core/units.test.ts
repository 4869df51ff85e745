import {strict as assert} from 'node:assert'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {systemIo, VANISHED} from '../../src/core/sources/procfs/read.js'
import {isoTime} from '../../src/core/units.js'

describe('isoTime', () => {
  it('gives what Date#toISOString gives, across days, years and the edges of its fast path', () => {
    const edges = [0, 1, 999, 1000, 59_999, 3_599_999, 86_399_999, 86_400_000, 951_782_400_000 /* 2000-02-29 */, 253_402_300_799_999]
    // A fixed-seed walk over 1970-9999, and runs of nearby times that share a day.
    let seed = 42
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
    const times = [...edges]
    for (let i = 0; i < 20_000; i++) times.push(Math.floor(next() * 253_402_300_800_000))
    const base = Date.parse('2026-12-03T23:59:58.000Z')
    for (let i = 0; i < 5000; i++) times.push(base + i * 7)
    for (const ms of times) assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms))
  })

  it('leaves fractions, negatives and far years to Date', () => {
    for (const ms of [1.5, 1_700_000_000_000.25, -1, -86_400_001, 253_402_300_800_000, 8.64e15]) {
      assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms))
    }
  })
})

describe('the procfs reader', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'proc-read-'))
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  it('returns each file whole and exact, past the first buffer size and in lengths seen before', () => {
    const files: Array<[string, Buffer]> = [
      ['a', Buffer.from('hello\n')],
      ['b', Buffer.from('world\n')],
      ['big', Buffer.alloc(200_000, 'x')],
      ['c', Buffer.from('again\n')],
      ['empty', Buffer.alloc(0)],
      ['a2', Buffer.from('HELLO\n')],
    ]
    for (const [name, bytes] of files) writeFileSync(path.join(dir, name), bytes)
    for (const [name, bytes] of files) {
      const got = systemIo.read(path.join(dir, name))
      assert.ok(Buffer.isBuffer(got), name)
      assert.ok(got.equals(bytes), name)
    }
  })

  it('says a missing file is gone', () => {
    assert.equal(systemIo.read(path.join(dir, 'none')), VANISHED)
    assert.equal(systemIo.readlink(path.join(dir, 'none')), VANISHED)
    assert.equal(systemIo.owner(path.join(dir, 'none')), VANISHED)
    assert.equal(systemIo.readdir(path.join(dir, 'none')), VANISHED)
  })
})
