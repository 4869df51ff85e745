import {randomBytes} from 'node:crypto'

import {ProcfsSource} from '../../src/core/sources/linux/index.js'
import {killStarted} from './processes.js'

// Tests see what a pipe sees: no colour, no terminal width.
process.env.NO_COLOR = '1'
delete process.env.FORCE_COLOR

/**
 * Every process the suite starts inherits this variable (proc's own leak-detection cookie,
 * turned on the suite itself); the last hook fails the run if any of them is still alive.
 */
export const SUITE_COOKIE = `PROC_TEST_SUITE_${randomBytes(6).toString('hex')}`
process.env[SUITE_COOKIE] = '1'

/** Helpers of the runner itself that exist before any test (tsx's esbuild service). */
const baseline = new Set<string>()

/** Processes of this suite still running (zombies are dead: their parent is not ours to reap). */
export function suiteLeftovers(): Array<{command: string | null; pid: number}> {
  if (process.platform !== 'linux') return []
  const source = new ProcfsSource()
  return source
    .listSync(new Set(['pid', 'state', 'command', 'startTicks'] as const))
    .filter((r) => r.pid !== process.pid && r.state !== 'Z' && !baseline.has(`${r.pid}/${r.startTicks}`) && source.hasEnv(r.pid, SUITE_COOKIE))
    .map((r) => ({command: r.command, pid: r.pid}))
}

export const mochaHooks = {
  beforeAll() {
    if (process.platform !== 'linux') return
    const source = new ProcfsSource()
    for (const r of source.listSync(new Set(['pid', 'startTicks'] as const))) {
      if (r.pid !== process.pid && source.hasEnv(r.pid, SUITE_COOKIE)) baseline.add(`${r.pid}/${r.startTicks}`)
    }
  },
  async afterEach() {
    await killStarted()
  },
  async afterAll() {
    // A moment for processes the last tests killed to finish exiting.
    for (let i = 0; i < 20 && suiteLeftovers().length > 0; i++) await new Promise((r) => setTimeout(r, 100))
    const left = suiteLeftovers()
    if (left.length > 0) {
      for (const p of left) {
        try {
          process.kill(p.pid, 'SIGKILL')
        } catch {}
      }

      throw new Error(`the test run left ${left.length} process(es) running: ${left.map((p) => `${p.pid} ${p.command}`).join('; ')}`)
    }
  },
}
