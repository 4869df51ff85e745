// Is this the same process? The one place proc compares identities: every path that signals
// (kill and its tree walk, wait's liveness, spawn's timeout and leak kill, containment's
// SIGSTOP/CONT) and every match of snapshots (diff) asks here. The SIGKILL watchdog's shell guard
// (watchdog.ts) checks the same start ticks.
//
// Each source declares the evidence its records carry: Linux start ticks and boot id (decisive);
// a ps source the start time to the second with the command; Windows the creation time with the
// name. A comparison answers same, different or unknown (nothing both sides know).
//
// The rule for unknown: it is taken as the same process, as kill(1) takes a bare pid, and the
// report says so (`checkedBy: pid`). Only `different` ever stops a signal.

/** A process's identity: a pid alone is not a process once pids are recycled. */
export interface Identity {
  pid: number
  startTicks?: number | null
  bootId?: string | null
  host?: string | null
}

/** Everything a record can carry that tells one process from another holding the same pid later. */
export interface Evidence extends Identity {
  startTime?: string | null
  name?: string | null
  command?: string | null
}

export type Verdict = 'different' | 'same' | 'unknown'

/** How close two start times must be to be one start: ps prints whole seconds, and btime moves with clock steps. */
const START_TIME_SLACK_MS = 1000

/**
 * Compare what a record says with what is live. `start` compares the start only (pid, start
 * ticks, boot, host: a diff of snapshots, where a retitle is no new process); `all` uses every
 * piece of evidence both sides carry: start ticks with the boot id decide alone (a pid comes back
 * within one 10 ms tick only if the kernel cycled through every pid; a process may retitle
 * itself), else the start time within a second, the command (a cut one by its prefix) and the name.
 */
export function compareIdentity(wanted: Evidence, live: Evidence, scope: 'all' | 'start' = 'all'): Verdict {
  if (wanted.pid !== live.pid) return 'different'
  if (wanted.host != null && live.host != null && wanted.host !== live.host) return 'different'
  if (wanted.bootId != null && live.bootId != null && wanted.bootId !== live.bootId) return 'different'
  let compared = false
  if (wanted.startTicks != null && live.startTicks != null) {
    if (wanted.startTicks !== live.startTicks) return 'different'
    if (scope === 'start' || (wanted.bootId != null && live.bootId != null)) return 'same'
    compared = true
  } else if (wanted.startTime != null && live.startTime != null) {
    const a = Date.parse(wanted.startTime)
    const b = Date.parse(live.startTime)
    if (Number.isFinite(a) && Number.isFinite(b)) {
      if (Math.abs(a - b) >= START_TIME_SLACK_MS) return 'different'
      compared = true
    }
  }

  if (scope === 'all') {
    if (wanted.command != null && live.command != null) {
      if (!sameCommand(wanted.command, live.command)) return 'different'
      compared = true
    }

    if (wanted.name != null && live.name != null) {
      if (wanted.name !== live.name) return 'different'
      compared = true
    }
  }

  return compared ? 'same' : 'unknown'
}

/** Whether the live process is (or, unknown, may be taken as) the one a record describes: the rule above. */
export function isSameTarget(wanted: Evidence, live: Evidence): boolean {
  return compareIdentity(wanted, live) !== 'different'
}

/** Whether two records describe the same process start (unknown parts are not compared). */
export function sameStart(a: Identity, b: Identity): boolean {
  return compareIdentity(a, b, 'start') !== 'different'
}

/** A command as a table shows it may have been cut with an ellipsis: then its prefix must match. */
function sameCommand(wanted: string, live: string): boolean {
  if (wanted === live) return true
  return wanted.endsWith('\u2026') && live.startsWith(wanted.slice(0, -1))
}

/**
 * The evidence a record carries, strongest first: `startTicks` with `bootId` (decisive), else
 * `startTicks` or `startTime`, then `command` and `name`. An empty list means the pid alone.
 */
export function evidenceOf(wanted: Evidence): string[] {
  if (wanted.startTicks != null && wanted.bootId != null) return ['startTicks', 'bootId']
  const kinds: string[] = []
  if (wanted.startTicks != null) kinds.push('startTicks')
  else if (wanted.startTime != null) kinds.push('startTime')
  if (wanted.command != null) kinds.push('command')
  if (wanted.name != null) kinds.push('name')
  return kinds
}

/** What a report says a record was checked with: its evidence, or `pid` alone. */
export function checkedBy(evidence: Evidence): string {
  const kinds = evidenceOf(evidence)
  return kinds.length === 0 ? 'pid' : kinds.join(',')
}
