'use strict'
// What bin/run.js runs: the fast path (dist/fast.cjs, src/fast.ts) when it takes the command
// line, oclif otherwise. dist/fast.cjs is compiled with the V8 code cache `npm install` built
// (scripts/code-cache.mjs): a missing, stale or rejected cache only means compiling from source.
// This directory is CommonJS (bin/package.json): Node's ESM loader costs ~12 ms to start.
// User plugins are off: proc reads nothing from ~/.local/share.
const {readFileSync} = require('node:fs')
const {createRequire} = require('node:module')
const path = require('node:path')
const vm = require('node:vm')

const FAST = path.join(__dirname, '..', 'dist', 'fast.cjs')
const CACHE = `${FAST}.cache`

/** Compile and run dist/fast.cjs with this cache (or none); its exports, and the script (to build a cache from). */
function loadFast(cachedData) {
  // The build keeps the bundle ASCII (latin1 decodes it in half the time utf8 takes) and writes it
  // inside its module wrapper: no second 190 KB copy of the source to make, and to collect.
  const script = new vm.Script(readFileSync(FAST).toString('latin1'), {cachedData, filename: FAST})
  const module = {exports: {}}
  script.runInThisContext()(module.exports, createRequire(FAST), module, FAST, path.dirname(FAST), (specifier) => import(specifier))
  return {exports: module.exports, script}
}

/** The code cache npm install built, if any. */
function readCache() {
  try {
    return readFileSync(CACHE)
  } catch {
    return undefined
  }
}

/** Run one command line; failures that escape every command end as fast.cannotStart says. */
async function main(words, root) {
  const fast = loadFast(readCache()).exports
  const argv = fast.helpWords(words)
  try {
    if (await fast.runFast(argv, root)) return
    const {flush, run} = await import('../dist/index.js')
    await run(argv, {devPlugins: false, root, userPlugins: false})
    await flush()
  } catch (error) {
    fast.cannotStart(error)
  }
}

module.exports = {CACHE, FAST, loadFast, main, readCache}
