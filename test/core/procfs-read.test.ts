import {strict as assert} from 'node:assert'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {systemIo, VANISHED} from '../../src/core/sources/linux/read.js'

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
