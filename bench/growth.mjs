#!/usr/bin/env node
// How cost grows with the number of processes: list and tree (and ps, pstree) at 1,000, 5,000,
// 10,000 and 20,000 sleepers. Linear growth keeps the time per 1,000 processes flat.
//   node bench/growth.mjs [runs=5] [sizes=1000,5000,10000,20000]
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {countProcesses, startCrowd} from './crowd.mjs'
import {timeCommands} from './harness.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(process.argv[2] ?? 5)
const sizes = (process.argv[3] ?? '1000,5000,10000,20000').split(',').map(Number)
const proc = [process.execPath, path.join(root, 'bin/run.js')]
const commands = [
  {cmd: ['ps', '-eo', 'pid,ppid,uid,pcpu,pmem,stat,lstart,comm,args'], name: 'ps -eo ...'},
  {cmd: [...proc, 'list', '--json'], name: 'proc list --json'},
  {cmd: [...proc, 'list'], name: 'proc list'},
  {cmd: ['pstree', '-p'], name: 'pstree -p'},
  {cmd: [...proc, 'tree'], name: 'proc tree'},
]

const crowds = []
process.on('SIGINT', () => {
  for (const c of crowds) c.stop()
  process.exit(130)
})
const rows = []
try {
  let started = 0
  for (const size of sizes) {
    crowds.push(await startCrowd(size - started))
    started = size
    // Starting thousands of processes leaves the machine busy for a while (page cache, the
    // scheduler, reclaim): let it settle, or the first size measures that instead.
    await new Promise((resolve) => setTimeout(resolve, 5000))
    const n = countProcesses()
    rows.push({n, results: timeCommands(commands, runs)})
    console.error(`measured at ${n} processes`)
  }
} finally {
  for (const c of crowds) c.stop()
}

console.log(`\nWall time (median of ${runs}), and per 1,000 processes\n`)
console.log(`| processes | ${commands.map((c) => `\`${c.name}\``).join(' | ')} |`)
console.log(`|---|${commands.map(() => '---').join('|')}|`)
for (const {n, results} of rows) {
  console.log(`| ${n} | ${results.map((r) => `${r.median.toFixed(0)} ms (${((r.median / n) * 1000).toFixed(1)}/1k)`).join(' | ')} |`)
}

const ratio = (results, name, base) => (results.find((r) => r.name === name).median / results.find((r) => r.name === base).median).toFixed(2) + 'x'
console.log('\nAs ratios: proc list to ps, proc tree to pstree\n')
console.log('| processes | `proc list --json` / ps | `proc list` / ps | `proc tree` / `pstree -p` |')
console.log('|---|---|---|---|')
for (const {n, results} of rows) {
  console.log(`| ${n} | ${ratio(results, 'proc list --json', 'ps -eo ...')} | ${ratio(results, 'proc list', 'ps -eo ...')} | ${ratio(results, 'proc tree', 'pstree -p')} |`)
}
