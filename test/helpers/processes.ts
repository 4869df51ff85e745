import {type ChildProcess, spawn, type SpawnOptions} from 'node:child_process'
import {readFileSync} from 'node:fs'

/** Every process a test started (each leads a process group); the root hooks end them all. */
const started = new Set<ChildProcess>()

/**
 * Start a real process for a test, in a process group of its own, so that killing the group
 * after the test also ends whatever the process started.
 */
export function startProcess(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, {detached: true, stdio: 'ignore', ...options})
  started.add(child)
  return child
}

/** A sleeping process. */
export function startSleeper(seconds = 300): ChildProcess {
  return startProcess('sleep', [String(seconds)])
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** Kill every process group a test started, and reap the leaders. */
export async function killStarted(): Promise<void> {
  const children = [...started]
  started.clear()
  await Promise.all(
    children.map(async (child) => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // the whole group is gone already
      }

      if (child.exitCode === null && child.signalCode === null) {
        await new Promise((resolve) => {
          child.once('exit', resolve)
        })
      }
    }),
  )
}

/**
 * The suite runs a second time with PROC_SOURCE=ps (npm run test:ps): a test of what only the
 * procfs source can do (start ticks, zombie exit codes, cgroups, the watchdog, files under
 * /proc/PID) skips there, saying why.
 */
export function procfsOnly(test: Mocha.Context, why: string): void {
  const forced = process.env.PROC_SOURCE
  if (forced && forced !== 'procfs') {
    if (test.currentTest === undefined && test.test) test.test.title += ` (procfs only: ${why})`
    test.skip()
  }
}
