// What a listing costs on Windows, under Wine with the real node.exe:
//   bash scripts/test-windows.sh --run bench/windows-list.cjs
// fastlist.exe alone (what the ps-list path and the tree walks run), then whole proc commands:
// `proc list --source ps-list` (fastlist) and `proc list` (the cim source: PowerShell first, which
// Wine stubs, then fastlist), against node.exe -e 0. Medians of paired runs, in milliseconds.
'use strict'
const {execFileSync} = require('node:child_process')
const {readdirSync} = require('node:fs')
const path = require('node:path')

const root = process.cwd()
const vendor = path.join(root, 'node_modules', 'ps-list', 'vendor')
const fastlist = path.join(vendor, readdirSync(vendor).find((f) => f.endsWith('-x64.exe')))
const bin = path.join(root, 'bin', 'run.js')
const ROUNDS = Number(process.argv[2] ?? 15)

const time = (file, args) => {
  const t0 = process.hrtime.bigint()
  execFileSync(file, args, {stdio: ['ignore', 'pipe', 'pipe']})
  return Number(process.hrtime.bigint() - t0) / 1e6
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const runs = {fastlist: [], nodeE0: [], listPsList: [], listCim: []}
for (let i = 0; i < ROUNDS; i++) {
  runs.fastlist.push(time(fastlist, []))
  runs.nodeE0.push(time(process.execPath, ['-e', '0']))
  runs.listPsList.push(time(process.execPath, [bin, 'list', '--source', 'ps-list']))
  runs.listCim.push(time(process.execPath, [bin, 'list']))
}

const processes = execFileSync(fastlist, {encoding: 'utf8'}).trim().split('\n').length
console.log(`Windows listing cost under Wine (${processes} processes, ${ROUNDS} paired rounds, median ms)`)
for (const [name, xs] of Object.entries(runs)) console.log(`${name.padEnd(12)} ${median(xs).toFixed(1)}`)
console.log(`proc list --source ps-list / node -e 0: ${(median(runs.listPsList) / median(runs.nodeE0)).toFixed(2)}x`)
