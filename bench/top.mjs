#!/usr/bin/env node
// proc top's cost against top's: both in batch mode over the same minute, side by side, on a crowd
// of processes; CPU time (user + system, the process and its reaped children) from the shell
// that ran each.
//   node bench/top.mjs [processes=5000] [frames=30] [delay=2]
import {spawn} from 'node:child_process'
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

const crowd = await startCrowd(n)
try {
  const procTop = `${process.execPath} ${path.join(root, 'bin/run.js')} top -b -d ${delay} -n ${frames}`
  const top = `top -b -d ${delay} -n ${frames}`
  console.log(`${countProcesses()} processes, ${frames} frames every ${delay} s, side by side`)
  const [a, b] = await Promise.all([cpuOf(top), cpuOf(procTop)])
  console.log(`top -b -d ${delay}:      ${(a.cpuMs / 1000).toFixed(2)} s CPU in ${(a.wallMs / 1000).toFixed(1)} s`)
  console.log(`proc top -b -d ${delay}: ${(b.cpuMs / 1000).toFixed(2)} s CPU in ${(b.wallMs / 1000).toFixed(1)} s`)
  console.log(`proc top / top: ${(b.cpuMs / a.cpuMs).toFixed(2)}x CPU`)
} finally {
  crowd.stop()
}
