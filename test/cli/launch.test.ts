// How proc starts: through a symlink as npm link and global installs make it, and with the V8
// code cache of the fast path accepted, or missing, stale or corrupt (then compiled from source).

import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {BIN} from '../helpers/cli.js'

const require = createRequire(import.meta.url)
const launch = require('../../bin/launch.js') as {
  loadFast(cache: Buffer | undefined): {exports: {runFast: unknown}; script: {cachedDataRejected?: boolean}}
  readCache(): Buffer | undefined
}

describe('launching proc', () => {
  it('runs through a symlink to bin/run.js, as npm link and global installs start it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-link-'))
    try {
      const link = path.join(dir, 'proc')
      symlinkSync(BIN, link)
      const out = execFileSync(link, ['list', '--pid', String(process.pid), '-c', 'pid', '--no-header'], {encoding: 'utf8'})
      assert.equal(out.trim(), String(process.pid))
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('compiles the fast path with the code cache the build made', () => {
    const {exports, script} = launch.loadFast(launch.readCache())
    assert.equal(script.cachedDataRejected, false)
    assert.equal(typeof exports.runFast, 'function')
  })

  it('falls back to compiling from source when the cache is stale or corrupt, or missing', () => {
    const stale = launch.loadFast(Buffer.from('not a V8 code cache'))
    assert.equal(stale.script.cachedDataRejected, true)
    assert.equal(typeof stale.exports.runFast, 'function')
    const none = launch.loadFast(undefined)
    assert.equal(none.script.cachedDataRejected, undefined)
    assert.equal(typeof none.exports.runFast, 'function')
  })
})
