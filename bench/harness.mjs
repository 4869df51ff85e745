// A small benchmark harness: runs whole commands round-robin (so drift hits all alike)
// and reports medians of wall time, and mean CPU time (user + system). Output goes to
// /dev/null, as in a pipe to a file.
import {spawnSync} from 'node:child_process'
import {closeSync, openSync, readFileSync} from 'node:fs'

/** CPU time of this process's waited-for children so far (cutime + cstime), in ms. */
function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17. USER_HZ is 100 on Linux.
  return (Number(fields[13]) + Number(fields[14])) * 10
}

export function timeCommands(commands, runs) {
  const devnull = openSync('/dev/null', 'w')
  const times = commands.map(() => [])
  const cpu = commands.map(() => 0)
  try {
    // one warm-up each: page cache, not first-run costs, is what we compare
    for (const c of commands) spawnSync(c.cmd[0], c.cmd.slice(1), {stdio: ['ignore', devnull, 'inherit']})
    for (let i = 0; i < runs; i++) {
      for (const [j, c] of commands.entries()) {
        const c0 = childrenCpuMs()
        const t0 = performance.now()
        const r = spawnSync(c.cmd[0], c.cmd.slice(1), {env: c.env ?? process.env, stdio: ['ignore', devnull, 'inherit']})
        times[j].push(performance.now() - t0)
        cpu[j] += childrenCpuMs() - c0
        if (c.status !== null && r.status !== (c.status ?? 0)) throw new Error(`${c.name} exited ${r.status}`)
      }
    }
  } finally {
    closeSync(devnull)
  }
  return commands.map((c, j) => ({cpu: cpu[j] / runs, name: c.name, median: median(times[j]), min: Math.min(...times[j])}))
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** A Markdown table: median wall time, mean CPU time, and both as ratios to `base`. */
export function report(title, results, base) {
  const baseline = results.find((r) => r.name === base)
  console.log(`\n${title}\n`)
  console.log(`| command | wall (median) | CPU (mean) | wall / ${base} | CPU / ${base} |`)
  console.log('|---|---|---|---|---|')
  for (const r of results) {
    const ratio = (a, b) => (baseline && b > 0 ? (a / b).toFixed(2) + 'x' : '')
    console.log(`| \`${r.name}\` | ${r.median.toFixed(1)} ms | ${r.cpu.toFixed(1)} ms | ${ratio(r.median, baseline?.median)} | ${ratio(r.cpu, baseline?.cpu)} |`)
  }
}
