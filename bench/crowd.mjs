// Start a crowd of sleeping processes in a tree, and tear it down again.
// Each branch is a detached shell (its own process group) with `perBranch` sleeping children,
// so killing the group ends the whole branch.
import {spawn} from 'node:child_process'
import {readdirSync} from 'node:fs'

export function countProcesses() {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length
}

export async function startCrowd(total, perBranch = 100) {
  const branches = []
  const before = countProcesses()
  for (let started = 0; started < total; started += perBranch) {
    const n = Math.min(perBranch, total - started)
    const child = spawn('sh', ['-c', `i=0; while [ $i -lt ${n} ]; do sleep 3600 & i=$((i+1)); done; wait`], {
      detached: true,
      stdio: 'ignore',
    })
    branches.push(child)
  }
  const deadline = Date.now() + 60_000
  while (countProcesses() < before + total + branches.length) {
    if (Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    branches,
    stop() {
      for (const b of branches) {
        try {
          process.kill(-b.pid, 'SIGKILL')
        } catch {}
      }
    },
  }
}
