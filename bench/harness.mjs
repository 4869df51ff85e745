// A small benchmark harness: runs whole commands round-robin (so drift hits all alike)
// and reports medians. Output goes to /dev/null, as in a pipe to a file.
import {spawnSync} from 'node:child_process'
import {closeSync, openSync} from 'node:fs'

export function timeCommands(commands, runs) {
  const devnull = openSync('/dev/null', 'w')
  const times = commands.map(() => [])
  try {
    // one warm-up each: page cache, not first-run costs, is what we compare
    for (const c of commands) spawnSync(c.cmd[0], c.cmd.slice(1), {stdio: ['ignore', devnull, 'inherit']})
    for (let i = 0; i < runs; i++) {
      for (const [j, c] of commands.entries()) {
        const t0 = performance.now()
        const r = spawnSync(c.cmd[0], c.cmd.slice(1), {stdio: ['ignore', devnull, 'inherit']})
        times[j].push(performance.now() - t0)
        if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}`)
      }
    }
  } finally {
    closeSync(devnull)
  }
  return commands.map((c, j) => ({name: c.name, median: median(times[j]), min: Math.min(...times[j])}))
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

export function report(title, results, base) {
  const baseline = results.find((r) => r.name === base)
  console.log(`\n${title}`)
  console.log(`${'command'.padEnd(56)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${('/ ' + base).padStart(14)}`)
  for (const r of results) {
    const ratio = baseline ? (r.median / baseline.median).toFixed(2) + 'x' : ''
    console.log(`${r.name.padEnd(56)} ${r.median.toFixed(1).padStart(7)}ms ${r.min.toFixed(1).padStart(7)}ms ${ratio.padStart(14)}`)
  }
}
