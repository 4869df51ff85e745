#!/usr/bin/env node
// proc top's cost against top's over the same minute, side by side, on a crowd of processes: in
// an 80x24 terminal (a pty, q after `frames` x `delay` seconds), then in batch mode (every row of
// every frame written). CPU time (user + system, the process and its reaped children) comes from
// the shell that ran each.
//   node bench/top.mjs [processes=5000] [frames=30] [delay=2]
import {execFile, spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {countProcesses, startCrowd} from './crowd.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const n = Number(process.argv[2] ?? 5000)
const frames = Number(process.argv[3] ?? 30)
const delay = Number(process.argv[4] ?? 2)
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'))
const TICK_MS = 10

/** Run a command to its end in a shell that then prints its children's CPU (cutime, cstime). */
function cpuOf(command) {
  const script = `${command} >/dev/null 2>&1; cat /proc/$$/stat`
  return new Promise((resolve, reject) => {
    let out = ''
    const t0 = performance.now()
    const sh = spawn('sh', ['-c', script], {env, stdio: ['ignore', 'pipe', 'inherit']})
    sh.stdout.on('data', (d) => (out += d))
    sh.on('error', reject)
    sh.on('exit', () => {
      const fields = out.slice(out.lastIndexOf(')') + 2).split(' ')
      // After the comm: state is field 3; cutime and cstime are fields 16 and 17.
      resolve({cpuMs: (Number(fields[13]) + Number(fields[14])) * TICK_MS, wallMs: performance.now() - t0})
    })
  })
}

/** The same in a pseudo-terminal (test/helpers/pty-driver.py), quit with q. */
function cpuInPty(command, seconds) {
  const spec = {argv: ['sh', '-c', `${command}; cat /proc/$$/stat`], cols: 80, rows: 24, steps: [[seconds * 1000, 'q', null, null]], timeout: 30}
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    execFile('python3', [path.join(root, 'test/helpers/pty-driver.py')], {env: {...env, PTY_SPEC: JSON.stringify(spec)}, maxBuffer: 256 * 1024 * 1024}, (error, stdout) => {
      if (error && !stdout) return reject(error)
      const output = JSON.parse(stdout).output
      const stat = output.slice(output.lastIndexOf(' (sh) ') + 6).split(' ')
      resolve({cpuMs: (Number(stat[13]) + Number(stat[14])) * TICK_MS, wallMs: performance.now() - t0})
    })
  })
}

const crowd = await startCrowd(n)
try {
  const procTop = `${process.execPath} ${path.join(root, 'bin/run.js')} top -b -d ${delay} -n ${frames}`
  const top = `top -b -d ${delay} -n ${frames}`
  console.log(`${countProcesses()} processes, ${frames} frames every ${delay} s, side by side`)
  const seconds = frames * delay
  const [t, p] = await Promise.all([cpuInPty(`top -d ${delay}`, seconds), cpuInPty(`${process.execPath} ${path.join(root, 'bin/run.js')} top -d ${delay}`, seconds)])
  console.log(`terminal, 80x24, ${seconds} s:`)
  console.log(`  top -d ${delay}:      ${(t.cpuMs / 1000).toFixed(2)} s CPU`)
  console.log(`  proc top -d ${delay}: ${(p.cpuMs / 1000).toFixed(2)} s CPU (${(p.cpuMs / t.cpuMs).toFixed(2)}x)`)
  const [a, b] = await Promise.all([cpuOf(top), cpuOf(procTop)])
  console.log(`batch, ${frames} frames of every process:`)
  console.log(`  top -b -d ${delay}:      ${(a.cpuMs / 1000).toFixed(2)} s CPU in ${(a.wallMs / 1000).toFixed(1)} s`)
  console.log(`  proc top -b -d ${delay}: ${(b.cpuMs / 1000).toFixed(2)} s CPU in ${(b.wallMs / 1000).toFixed(1)} s (${(b.cpuMs / a.cpuMs).toFixed(2)}x)`)
} finally {
  crowd.stop()
}
