#!/usr/bin/env node
// proc wait: CPU used while idle-waiting on 100 processes, and the delay from an exit to its report.
//   node bench/wait.mjs
import {spawn} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

import {median} from './harness.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin/run.js')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
// CPU time of a process and all its threads, in ms, with nanosecond precision (schedstat), not
// the 10 ms ticks of stat, which only sample a process that wakes briefly and often.
const cpuMs = (pid) => {
  let ns = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0])
  return ns / 1e6
}

// 1. Idle CPU: wait on 100 sleepers that do not exit; sample proc's CPU time over 10 s once it is settled.
const sleepers = Array.from({length: 100}, () => spawn('sleep', ['3600'], {stdio: 'ignore'}))
const waiter = spawn(process.execPath, [bin, 'wait', ...sleepers.map((s) => String(s.pid)), '--timeout', '20s', '-q'], {stdio: 'ignore'})
await sleep(3000)
const before = cpuMs(waiter.pid)
const t0 = performance.now()
await sleep(10_000)
const used = cpuMs(waiter.pid) - before
const span = performance.now() - t0
waiter.kill()
for (const s of sleepers) s.kill('SIGKILL')
console.log(`idle wait on 100 processes: ${used.toFixed(1)} ms CPU in ${(span / 1000).toFixed(1)} s = ${((used / span) * 100).toFixed(2)}% of a core`)

// 2. Delay: 20 sleepers ending 2 s .. 6 s from now; proc wait streams NDJSON; compare each line's
//    arrival with the moment this script (their parent) saw the exit.
const exits = new Map()
const children = Array.from({length: 20}, (_, i) => {
  const c = spawn('sleep', [String(2 + i * 0.2)], {stdio: 'ignore'})
  c.on('exit', () => exits.set(c.pid, performance.now()))
  return c
})
const stream = spawn(process.execPath, [bin, 'wait', ...children.map((c) => String(c.pid)), '--format', 'ndjson'], {stdio: ['ignore', 'pipe', 'inherit']})
const seen = new Map()
createInterface({input: stream.stdout}).on('line', (line) => seen.set(JSON.parse(line).pid, performance.now()))
await new Promise((r) => stream.on('close', r))
const delays = children.map((c) => seen.get(c.pid) - exits.get(c.pid)).filter((d) => Number.isFinite(d))
console.log(`exit to report, ${delays.length} exits: median ${median(delays).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms`)
