import type {Probe} from './sources/source.js'

/** Clock and sleep, injectable so waiting can be tested without waiting. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms)
    }),
}

/** Poll intervals: start fast (an exit is often quick), back off to keep an idle wait cheap. */
export const BACKOFF = {factor: 1.5, firstMs: 10, maxMs: 250}

/**
 * Call `check` until it returns true or `timeoutMs` passes (undefined: forever), sleeping with
 * backoff in between. Resolves true when the condition was met.
 */
export async function pollUntil(check: () => boolean, timeoutMs: number | undefined, clock: Clock = realClock, maxMs = BACKOFF.maxMs): Promise<boolean> {
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + timeoutMs
  let delay = BACKOFF.firstMs
  for (;;) {
    if (check()) return true
    const left = deadline - clock.now()
    if (left <= 0) return false
    await clock.sleep(Math.min(delay, left))
    delay = Math.min(delay * BACKOFF.factor, maxMs)
  }
}

/** The identity a record carries; null parts are unknown and not compared. */
export interface Identity {
  pid: number
  startTicks: number | null
  bootId: string | null
}

export type Liveness = 'alive' | 'exited' | 'reused'

/**
 * Is the process a record describes still running? A zombie has exited; a pid now held by a
 * process with another start time (or boot) was reused: the process described has exited too.
 */
export function liveness(identity: Identity, probe: Probe | undefined): Liveness {
  if (!probe) return 'exited'
  if (identity.startTicks !== null && probe.startTicks !== null && identity.startTicks !== probe.startTicks) return 'reused'
  if (identity.bootId !== null && probe.bootId !== null && identity.bootId !== probe.bootId) return 'reused'
  return probe.state === 'Z' || probe.state === 'X' ? 'exited' : 'alive'
}
