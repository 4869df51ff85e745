import {type Containment, openContainment} from './contain.js'
import {checkedBy, type Evidence, sameStart} from './identity.js'
import type {ProcessInfo} from './process-info.js'
import type {LadderStep, Signal} from './signals.js'
import type {ProcessSource, Probe} from './sources/source.js'
import {ProcessTree} from './tree.js'
import {untilInterrupted} from './interrupt.js'
import {type Clock, type Identity, liveness, pollUntil, realClock} from './wait.js'

export type KillStatus = 'denied' | 'dry-run' | 'foreign' | 'gone' | 'killed' | 'protected' | 'reused' | 'signalled' | 'survived'

/** How a member of the kill was found: selected, below a target, in a target's group, or while the kill ran. */
export type FoundBy = 'during' | 'group' | 'target' | 'tree'

/** One target of kill, and what became of it. */
export type KillRecord = Partial<ProcessInfo> &
  Identity &
  Evidence & {
    status: KillStatus | null
    /** The last signal sent to it. */
    signal: string | null
    /** Which signal of the ladder (1-based) ended it, or was the last sent. */
    step: number | null
    found: FoundBy
    /** The evidence its identity was checked with (`startTicks,command`), or `pid` alone, as kill(1). */
    checkedBy: string
  }

export interface KillDeps {
  /** The process holding a pid now; with detail, its name, command and start time too. */
  probe(pid: number, detail?: boolean): Probe | undefined
  /** kill(pid, 0): a process proc cannot see may still be there. */
  exists(pid: number): boolean
  /** Send a signal; throws the errno of kill(2). */
  send(pid: number, signal: number): void
  /** A fresh listing (pid ppid pgid startTicks state name) to find members born during the kill. */
  list?(): ProcessInfo[]
  /** Hold the members still while they are signalled (see contain.ts). */
  contain?(): Containment
  clock: Clock
  /** Stop early (proc was interrupted); what still runs is reported as survived. */
  aborted?(): boolean
}

export const systemKillDeps = (source: {probe(pid: number, detail?: boolean): Probe | undefined; exists(pid: number): boolean}): KillDeps => ({
  clock: realClock,
  exists: (pid) => source.exists(pid),
  probe: (pid, detail) => source.probe(pid, detail),
  send: (pid, signal) => process.kill(pid, signal),
})

export interface KillOptions {
  ladder: readonly LadderStep[]
  /** The set grows: descendants of its members (`tree`), or members of the targets' process groups. */
  grow?: 'group' | 'tree'
  /** Pids found during the kill that must not be signalled (proc, its ancestors, init). */
  guarded?: ReadonlySet<number>
}

/** After a ladder's last signal, how long to wait to see it take effect (KILL is near instant). */
const FINAL_GRACE_MS = 2000
/** Extra time for members that are already dying (SIGKILLed, or torn down) but not gone yet. */
const SETTLE_MS = 3000
/** A fork bomb bounded by limits converges in a few rounds; this only stops a runaway loop. */
const MAX_HOLD_ROUNDS = 200
/** Signals that are themselves about stopping and continuing: holding around them would undo them. */
const NO_HOLD: ReadonlySet<string> = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGCONT'])

/** The start of a process as proc observed it: what is checked before each signal. */
// Where a source has no start ticks (ps, ps-list), the start time to the second stands in.
const startOf = (t: KillRecord): Evidence => ({bootId: t.bootId, pid: t.pid, startTicks: t.startTicks, startTime: t.startTicks == null ? t.startTime : undefined})

const key = (r: {pid: number; startTicks?: number | null}) => `${r.pid}/${r.startTicks ?? '?'}`

/** Depth of each record in the forest the records form among themselves (roots 0). */
function depths(records: readonly KillRecord[]): Map<KillRecord, number> {
  const nodes = records.map((r) => ({pid: r.pid, ppid: r.ppid ?? null, r, startTicks: r.startTicks ?? null}))
  const tree = new ProcessTree(nodes)
  const out = new Map<KillRecord, number>()
  tree.walk(tree.roots(), (node, depth) => {
    out.set(node.r, depth)
  })
  return out
}

/** Deepest first, in input order within a depth (children before their parents). */
export function deepestFirst(records: readonly KillRecord[]): KillRecord[] {
  const d = depths(records)
  return records
    .map((r, i) => ({d: d.get(r) ?? 0, i, r}))
    .sort((a, b) => b.d - a.d || a.i - b.i)
    .map((x) => x.r)
}

/**
 * Run an escalation ladder over the records until every one has a status.
 *
 * Before each signal the members are held still (a frozen cgroup, or SIGSTOP) and the set is
 * walked again until it stops growing: children forked since the last look join with status
 * `null` and `found: during`, and get the same signal. Each signal is preceded by an identity
 * check: a pid that now belongs to another process is `reused` and gets nothing. During waits the
 * set is walked again too. The kill ends when every member has ended or the last grace passed;
 * what still runs then is `survived` (a zombie has ended; one already dying gets a short wait).
 */
export async function runKill(records: KillRecord[], options: KillOptions, deps: KillDeps): Promise<void> {
  const {ladder} = options
  const escalating = ladder.length > 1
  const signals = ladder.flatMap((s) => (s.kind === 'signal' ? [s.signal] : []))
  const pending = new Set(records.filter((r) => r.status === null))
  const known = new Set(records.map((r) => key(r)))
  const byPid = new Map(records.map((r) => [r.pid, r]))
  const groups = new Set(records.filter((r) => r.status === null && r.pgid != null).map((r) => r.pgid!))
  const growing = options.grow !== undefined && deps.list !== undefined
  const holdable = signals.every((s) => !NO_HOLD.has(s.name) && s.number !== 0)
  const contain = holdable && deps.contain && (growing || pending.size > 1) ? deps.contain() : undefined
  const aborted = () => deps.aborted?.() ?? false
  let stepNo = 0

  const ended = (t: KillRecord): KillStatus => (t.step === null ? 'gone' : t.step === 1 ? 'signalled' : 'killed')
  const settle = (t: KillRecord, status: KillStatus) => {
    t.status = status
    pending.delete(t)
  }

  /** Mark the members that have ended since (one found during the kill may end before its signal). */
  const sweep = () => {
    for (const t of pending) {
      if (t.step === null && stepNo === 0) continue
      if (liveness(startOf(t), deps.probe(t.pid)) !== 'alive') settle(t, ended(t))
    }

    return pending.size === 0
  }

  const join = (p: ProcessInfo): KillRecord => {
    const detail = deps.probe(p.pid, true)
    const r: KillRecord = {
      ...p,
      command: detail && sameStart(p, detail) ? (detail.command ?? null) : null,
      checkedBy: '',
      found: 'during',
      signal: null,
      status: options.guarded?.has(p.pid) ? 'protected' : null,
      step: null,
    }
    r.checkedBy = checkedBy(r)
    records.push(r)
    known.add(key(r))
    byPid.set(r.pid, r)
    if (r.status === null) pending.add(r)
    return r
  }

  /** Members born since the last look: below a live member, in a target group, or inside the cgroup. */
  const discover = (): KillRecord[] => {
    if (!growing && contain?.kind !== 'cgroup') return []
    const listing = deps.list!()
    const live = new Map(listing.map((p) => [p.pid, p]))
    const fresh: KillRecord[] = []
    const consider = (p: ProcessInfo | undefined) => {
      if (!p || known.has(key(p)) || p.state === 'Z' || p.state === 'X') return
      fresh.push(join(p))
    }

    if (contain?.kind === 'cgroup') {
      for (const pid of contain.members()) {
        const p = live.get(pid)
        const ours = byPid.get(pid)
        // A pid we moved in that now belongs to another process (pid reuse in between): not ours.
        if (p && ours && !sameStart(ours, p)) contain.evict(pid)
        else consider(p)
      }
    }

    if (options.grow === 'tree') {
      const tree = new ProcessTree(listing)
      for (const t of [...pending]) {
        const live = tree.get(t.pid)
        if (!live || !sameStart(t, live)) continue
        for (const d of tree.descendants(t.pid)) consider(d)
      }
    } else if (options.grow === 'group') {
      for (const p of listing) if (p.pgid !== null && groups.has(p.pgid)) consider(p)
    }

    return fresh
  }

  /** Hold every pending member, walking again until nothing new turns up. */
  const holdAll = () => {
    if (!contain) return
    let batch = [...pending]
    for (let round = 0; round < MAX_HOLD_ROUNDS && batch.length > 0; round++) {
      contain.hold(deepestFirst(batch).reverse())
      batch = discover().filter((r) => r.status === null)
    }
  }

  // The full evidence of a stdin record was compared with the live process when the targets were
  // resolved; from then on proc's own observation (its start) is checked, so an exec in between
  // (a fork becoming its program) is still the same process.
  const signalOne = (t: KillRecord, signal: Signal) => {
    const p = deps.probe(t.pid)
    const state = liveness(startOf(t), p, p === undefined && deps.exists(t.pid))
    if (state === 'hidden') return settle(t, 'denied')
    if (state !== 'alive') return settle(t, t.step === null && state === 'reused' ? 'reused' : ended(t))
    try {
      deps.send(t.pid, signal.number)
      t.signal = signal.name
      t.step = stepNo
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ESRCH') settle(t, ended(t))
      else if (code === 'EPERM') settle(t, 'denied')
      else throw error
    }
  }

  /** The signal of the step under way: a member found during the kill gets it at once. */
  let current: Signal | undefined
  const signalStep = (signal: Signal) => {
    stepNo++
    current = signal
    try {
      holdAll()
      for (const t of deepestFirst([...pending])) signalOne(t, signal)
      if (signal.name === 'SIGKILL') contain?.killAll()
    } finally {
      contain?.release()
    }
  }

  /** Wait, watching for ends and for newcomers (who get the next signal). */
  const waitFor = (ms: number, onFresh?: (fresh: KillRecord[]) => void) =>
    pollUntil(
      () => {
        if (aborted()) return true
        const fresh = discover()
        if (fresh.length > 0) onFresh?.(fresh)
        return sweep()
      },
      ms,
      deps.clock,
    )

  try {
    for (const step of ladder) {
      if (pending.size === 0 || aborted()) break
      if (step.kind === 'wait') await waitFor(step.ms, (fresh) => {
        for (const t of fresh) if (t.status === null && current) signalOne(t, current)
      })
      else signalStep(step.signal)
    }

    const last = signals.at(-1)!
    if (escalating && ladder.at(-1)!.kind === 'signal' && !aborted()) {
      // Newcomers now get the last signal at once: there is no later step for them.
      await waitFor(FINAL_GRACE_MS, (fresh) => {
        for (const t of fresh) if (t.status === null) signalOne(t, last)
      })
    }

    sweep()
    const dying = (t: KillRecord) => {
      const p = deps.probe(t.pid)
      return t.signal === 'SIGKILL' || p?.exiting === true
    }

    if ((escalating || last.name === 'SIGKILL') && [...pending].some((t) => dying(t)) && !aborted()) {
      await pollUntil(() => sweep() || [...pending].every((t) => !dying(t)), SETTLE_MS, deps.clock)
    }
  } finally {
    contain?.close()
  }

  for (const t of [...pending]) {
    if (!escalating && t.step !== null && !aborted()) {
      settle(t, 'signalled')
      continue
    }

    const p = deps.probe(t.pid)
    const state = liveness(startOf(t), p, p === undefined && t.step === null && deps.exists(t.pid))
    if (state === 'alive') settle(t, 'survived')
    else if (state === 'hidden') settle(t, 'denied')
    else settle(t, t.step === null && state === 'reused' ? 'reused' : ended(t))
  }
}

/** Statuses that make kill exit 1. */
export function isFailedKill(status: KillStatus | null): boolean {
  return status === 'denied' || status === 'foreign' || status === 'reused' || status === 'protected' || status === 'survived'
}

/** What each status that sends nothing (or fails) means, for the one-line messages. */
const MEANING: Partial<Record<KillStatus, string>> = {
  denied: 'denied (not permitted, or not visible to proc)',
  foreign: 'foreign (read on another host, or before this boot)',
  gone: 'gone (no such process)',
  protected: 'protected (init, proc or its ancestors; --force to allow)',
  reused: 'reused (the pid now belongs to another process)',
  survived: 'survived (still running after the last signal)',
}

/** `2 protected (...), 1 reused (...)`: the records of these statuses, class by class. */
function countByMeaning(records: readonly KillRecord[], statuses: ReadonlySet<KillStatus>): string {
  const counts = new Map<string, number>()
  for (const r of records) if (r.status && statuses.has(r.status)) counts.set(MEANING[r.status]!, (counts.get(MEANING[r.status]!) ?? 0) + 1)
  return [...counts].map(([what, n]) => `${n} ${what}`).join(', ')
}

/** Why kill sent nothing, class by class, for the one-line message. */
export function describeUnmatched(records: readonly KillRecord[]): string {
  if (records.length === 0) return 'no process matched'
  return `nothing was signalled: ${countByMeaning(records, new Set(['denied', 'foreign', 'gone', 'protected', 'reused']))}`
}

/** Why kill exits 1 although it signalled something: undefined when nothing failed. */
export function describeFailures(records: readonly KillRecord[]): string | undefined {
  const text = countByMeaning(records, new Set(['denied', 'foreign', 'protected', 'reused', 'survived']))
  return text === '' ? undefined : `not signalled as asked: ${text}`
}


/**
 * Run the kill on the live system: the source's probes, a re-listing for newcomers, the
 * strongest containment the host allows, and Ctrl-C / TERM to proc ending the kill early (the
 * members are released and the report says what still runs).
 */
export async function killWithConvergence(records: KillRecord[], options: KillOptions & {cgroup?: boolean}, source: ProcessSource): Promise<void> {
  const listFields = new Set(['pid', 'ppid', 'pgid', 'startTicks', 'state', 'name'] as const)
  const live = source.live
  await untilInterrupted((interrupt) =>
    runKill(records, options, {
      ...systemKillDeps(source),
      aborted: () => interrupt.stopped,
      contain: () =>
        openContainment(
          {
            cgroupOf: live?.cgroupOf?.bind(live),
            createGroup: live?.createGroup?.bind(live),
            startWatchdog: live?.startWatchdog?.bind(live),
            probe: (pid) => source.probe(pid),
            send: (pid, signal) => process.kill(pid, signal),
          },
          options.cgroup ?? true,
        ),
      list: live ? () => live.listSync(listFields) : undefined,
    }),
  )
}
