import {type Evidence, isSameTarget, sameStart} from './identity.js'
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
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number | undefined,
  clock: Clock = realClock,
  maxMs = BACKOFF.maxMs,
): Promise<boolean> {
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + timeoutMs
  let delay = BACKOFF.firstMs
  for (;;) {
    if (await check()) return true
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

/**
 * - alive: the process the record describes still runs;
 * - exited: it has ended (a zombie has ended too);
 * - reused: its pid now belongs to another process (so it has ended);
 * - hidden: proc cannot see the pid but some process holds it (hidepid, another user's):
 *   whether it is the one described cannot be known.
 */
export type Liveness = 'alive' | 'exited' | 'hidden' | 'reused'

/** Whether checking a record needs the probe's detail (name, command, start time). */
export function needsDetail(wanted: Evidence): boolean {
  return wanted.command != null || wanted.name != null || (wanted.startTicks == null && wanted.startTime != null)
}

/**
 * Is the process a record describes still running? Uses all the evidence the record carries
 * (start, command, name); `hidden` says the pid is held by a process the source cannot see.
 */
export function liveness(wanted: Evidence, probe: Probe | undefined, hidden = false): Liveness {
  if (!probe) return hidden ? 'hidden' : 'exited'
  if (!isSameTarget(wanted, probe)) return 'reused'
  return probe.state === 'Z' || probe.state === 'X' ? 'exited' : 'alive'
}

export type WaitStatus = 'alive' | 'exited' | 'foreign' | 'gone' | 'started'

/** One target of `proc wait`, and what became of it. */
export interface WaitRecord extends Identity {
  host?: string | null
  name?: string | null
  command?: string | null
  status: WaitStatus
  /** Milliseconds from the start of the wait to when the exit was seen. */
  exitedAfterMs: number | null
  /** Known only when proc saw the process as a zombie (it cannot reap what it did not start). */
  exitCode: number | null
  exitSignal: string | null
  exitCodeKnown: boolean
}

export interface WaitOptions {
  /** `all`: until every target has exited; `any`: until the first does. */
  mode: 'all' | 'any'
  timeoutMs?: number
  probe(pid: number): Probe | undefined
  clock?: Clock
  /** Called as each target's exit is seen. */
  onExit?(record: WaitRecord): void
  signalName?(signal: number): string
  /** Longest pause between polls. */
  maxPollMs?: number
  /**
   * A cheap existence test (kill(pid, 0)) tried first on most polls. It cannot see a zombie or a
   * reused pid, so every FULL_PROBE_MS the full probe runs for every target anyway.
   */
  exists?(pid: number): boolean
}

/** How often the full probe (zombie, reuse, exit status) runs when a cheap test is given. */
export const FULL_PROBE_MS = 1000

/** Pause ceiling for waiting on exits: keeps the median report delay under ~100 ms. */
export const WAIT_MAX_POLL_MS = 150

export {pidExists} from './sources/exists.js'

/**
 * Wait for targets to exit, polling /proc with backoff: cheap when idle, quick to notice.
 * A zombie counts as exited (and gives its exit status); so does a pid now held by another process.
 * Resolves true when the condition was met, false on timeout.
 */
export async function waitForExit(records: WaitRecord[], options: WaitOptions): Promise<boolean> {
  const clock = options.clock ?? realClock
  const started = clock.now()
  const pending = new Set(records.filter((r) => r.status === 'alive'))
  const done = () => (options.mode === 'any' ? pending.size < records.length || records.length === 0 : pending.size === 0)
  if (done()) return true
  let lastFull = Number.NEGATIVE_INFINITY
  const check = () => {
    const full = !options.exists || clock.now() - lastFull >= FULL_PROBE_MS
    if (full) lastFull = clock.now()
    for (const r of pending) {
      if (!full && options.exists!(r.pid)) continue
      const probe = options.probe(r.pid)
      // A process proc cannot see (hidepid, another user's) is waited on by existence alone.
      const state = liveness(r, probe, probe === undefined && (options.exists?.(r.pid) ?? false))
      if (state === 'alive' || state === 'hidden') continue
      r.status = 'exited'
      r.exitedAfterMs = Math.round(clock.now() - started)
      if (probe?.exit && sameStart(r, probe)) {
        r.exitCode = probe.exit.code
        r.exitSignal = probe.exit.signal === null ? null : (options.signalName?.(probe.exit.signal) ?? String(probe.exit.signal))
        r.exitCodeKnown = true
      }

      pending.delete(r)
      options.onExit?.(r)
    }

    return done()
  }

  return pollUntil(check, options.timeoutMs, clock, options.maxPollMs ?? WAIT_MAX_POLL_MS)
}

/** Poll `find` until it returns something (a process came up) or the timeout passes. */
export async function waitForStart<T>(find: () => Promise<T[]>, timeoutMs: number | undefined, clock: Clock = realClock): Promise<T[]> {
  let found: T[] = []
  await pollUntil(
    async () => {
      found = await find()
      return found.length > 0
    },
    timeoutMs,
    clock,
  )
  return found
}
