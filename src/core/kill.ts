import type {ProcessInfo} from './process-info.js'
import type {LadderStep} from './signals.js'
import type {Probe} from './sources/source.js'
import {type Clock, type Identity, liveness, pollUntil, realClock} from './wait.js'

export type KillStatus = 'denied' | 'dry-run' | 'gone' | 'killed' | 'protected' | 'reused' | 'signalled' | 'survived'

/** One target of kill, and what became of it. */
export type KillRecord = Partial<ProcessInfo> &
  Identity & {
    status: KillStatus | null
    /** The last signal sent to it. */
    signal: string | null
    /** Which signal of the ladder (1-based) ended it, or was the last sent. */
    step: number | null
  }

export interface KillDeps {
  probe(pid: number): Probe | undefined
  /** Send a signal; throws the errno of kill(2). */
  send(pid: number, signal: number): void
  clock: Clock
}

export const systemKillDeps = (probe: (pid: number) => Probe | undefined): KillDeps => ({
  clock: realClock,
  probe,
  send: (pid, signal) => process.kill(pid, signal),
})

/** After a ladder's last signal, how long to wait to see it take effect (KILL is near instant). */
const FINAL_GRACE_MS = 2000

/**
 * Run an escalation ladder over the targets, in their order (deepest first for trees).
 * Each signal is preceded by an identity check: a target whose pid now belongs to another
 * process is `reused` and gets nothing. Targets that already have a status are left alone.
 */
export async function runLadder(targets: KillRecord[], ladder: readonly LadderStep[], deps: KillDeps): Promise<void> {
  const pending = new Set(targets.filter((t) => t.status === null))
  const escalating = ladder.length > 1
  let signalIndex = 0

  /** Mark targets that exited since their last signal. */
  const sweep = () => {
    for (const t of pending) {
      if (t.step === null) continue
      if (liveness(t, deps.probe(t.pid)) !== 'alive') {
        t.status = t.step === 1 ? 'signalled' : 'killed'
        pending.delete(t)
      }
    }

    return pending.size === 0
  }

  for (const step of ladder) {
    if (pending.size === 0) break
    if (step.kind === 'wait') {
      await pollUntil(sweep, step.ms, deps.clock)
      continue
    }

    signalIndex++
    sweep()
    for (const t of [...pending]) {
      const state = liveness(t, deps.probe(t.pid))
      if (state !== 'alive') {
        // Gone before its first signal: nothing was sent.
        if (t.step === null) t.status = state === 'reused' ? 'reused' : 'gone'
        pending.delete(t)
        continue
      }

      try {
        deps.send(t.pid, step.signal.number)
        t.signal = step.signal.name
        t.step = signalIndex
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'ESRCH') t.status = t.step === null ? 'gone' : t.step === 1 ? 'signalled' : 'killed'
        else if (code === 'EPERM') t.status = 'denied'
        else throw error
        pending.delete(t)
      }
    }
  }

  if (!escalating) {
    for (const t of pending) t.status = 'signalled'
    return
  }

  if (ladder.at(-1)!.kind === 'signal') await pollUntil(sweep, FINAL_GRACE_MS, deps.clock)
  sweep()
  for (const t of pending) t.status = 'survived'
}

/** Statuses that make kill exit 1. */
export function isFailure(status: KillStatus | null): boolean {
  return status === 'denied' || status === 'reused' || status === 'protected' || status === 'survived'
}
