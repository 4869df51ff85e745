#!/usr/bin/env node
// Run with: node --import tsx bench/read.mjs
// In-process cost of reading the process table, by field set, against a bare loop of the same
// syscalls (the floor for single-threaded reading).  node bench/read.mjs [processes=5000] [runs=9]
import fs from 'node:fs'

import {startCrowd} from './crowd.mjs'
import {median} from './harness.mjs'

const {ProcfsSource} = await import('../src/core/sources/linux/index.ts')
const n = Number(process.argv[2] ?? 5000)
const runs = Number(process.argv[3] ?? 9)
const crowd = await startCrowd(n)
try {
  const buf = Buffer.allocUnsafe(65_536)
  const rd = (p) => {
    let fd
    try {
      fd = fs.openSync(p, 'r')
      return fs.readSync(fd, buf, 0, buf.length, 0)
    } catch {
      return -1
    } finally {
      if (fd !== undefined) fs.closeSync(fd)
    }
  }
  const floor = () => {
    for (const p of fs.readdirSync('/proc')) {
      if (p.charCodeAt(0) > 57) continue
      rd(`/proc/${p}/stat`)
      rd(`/proc/${p}/cmdline`)
      rd(`/proc/${p}/status`)
      try {
        fs.readlinkSync(`/proc/${p}/exe`)
      } catch {}
    }
  }
  const all = ['pid', 'ppid', 'pgid', 'sid', 'tty', 'state', 'name', 'exe', 'command', 'argv', 'user', 'uid', 'gid', 'startTime', 'startTicks', 'bootId', 'elapsedMs', 'cpuTimeMs', 'cpuPercent', 'rssBytes', 'vszBytes', 'threads', 'nice']
  const source = new ProcfsSource()
  const cases = {
    'syscalls only (stat+cmdline+status+exe)': floor,
    'proc: full records': () => source.listSync(new Set(all)),
    'proc: full records + JSON': () => JSON.stringify(source.listSync(new Set(all))),
    'proc: pid,ppid,state (stat only)': () => source.listSync(new Set(['pid', 'ppid', 'state'])),
  }
  const times = {}
  for (let i = 0; i < runs; i++) for (const [k, f] of Object.entries(cases)) {
    const t0 = performance.now()
    await f()
    ;(times[k] ??= []).push(performance.now() - t0)
  }
  console.log(`${fs.readdirSync('/proc').filter((d) => /^\d/.test(d)).length} processes, median of ${runs}`)
  for (const [k, v] of Object.entries(times)) console.log(`${k.padEnd(44)} ${median(v).toFixed(1).padStart(7)} ms`)
} finally {
  crowd.stop()
}
