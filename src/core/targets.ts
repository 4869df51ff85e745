import {UsageError} from './errors.js'
import {checkedBy, type Evidence, isSameTarget, sameStart} from './identity.js'
import {deepestFirst, type KillRecord} from './kill.js'
import {type Field, isForeign, type Machine, type ProcessInfo} from './process-info.js'
import type {Selection} from './select.js'
import type {ProcessSource} from './sources/source.js'
import {ProcessTree} from './tree.js'

/** What a command that acts on processes was asked to act on. */
/** A record read from stdin (src/input): what a target carries of its identity. */
export interface InputRecord {
  pid: number
  /** Identity, when the input carries it: checked against the live process before acting. */
  startTicks: number | null
  bootId: string | null
  /** The host the record was read on: another host's record names no process here. */
  host: string | null
  startTime: string | null
  name: string | null
  command: string | null
  /** A thread's record (proc list --threads): its tid. Acting on it acts on its process. */
  tid?: number
}

export interface TargetSpec {
  /** PIDs given as arguments. */
  pids: number[]
  /** Records read on stdin. */
  input?: InputRecord[]
  selection: Selection
}

/**
 * - alive: the process is there and is the one meant;
 * - gone: nothing holds the pid;
 * - reused: another process holds it now;
 * - hidden: some process holds it that proc cannot see (hidepid, another user's): unknown;
 * - foreign: the record was read on another host, or in an earlier boot of this one: its pid
 *   names nothing here, so it is never looked up.
 */
export type TargetState = 'alive' | 'foreign' | 'gone' | 'hidden' | 'reused'

export interface Target {
  /** What is known of the process: the live record, or (gone, reused, hidden) what the input said. */
  record: Partial<ProcessInfo> & Evidence & {pid: number; startTicks: number | null; bootId: string | null}
  state: TargetState
  /** The evidence the target was identified by: `pid` alone for a bare pid. */
  checkedBy: string
}

export interface ResolveOptions {
  /** Left out of selector matches silently: proc's own ancestors (see `ancestorPids`). */
  exclude?: ReadonlySet<number>
  /** kill(pid, 0), to tell a hidden process from a gone one. */
  exists?(pid: number): boolean
  /** proc's own pid (tests). */
  self?: number
  /** This machine: stdin records of any other, or of an earlier boot, are foreign. */
  here?: Machine
}

function fromInput(r: InputRecord): Evidence & {pid: number; startTicks: number | null; bootId: string | null; host: string | null} {
  return {bootId: r.bootId, command: r.command, host: r.host, name: r.name, pid: r.pid, startTicks: r.startTicks, startTime: r.startTime}
}

/**
 * Resolve the targets against one snapshot. Explicit pids and stdin records are kept even when
 * their process is gone (or its pid now belongs to another process), so the report can say so;
 * selectors narrow them, or select from the whole snapshot when nothing explicit was given.
 * A stdin record is compared with the live process using all the evidence it carries.
 */
export function resolveTargets(snapshot: readonly ProcessInfo[], spec: TargetSpec, options: ResolveOptions = {}): Target[] {
  const byPid = new Map(snapshot.map((r) => [r.pid, r]))
  // A stdin record of proc itself was listed by the other half of its own pipeline
  // (`proc list ... | proc kill`): it cannot have been meant, and is left out like a selector's.
  const self = options.self ?? process.pid
  const selfRecord = byPid.get(self)
  const explicit = [
    ...spec.pids.map((pid) => ({bootId: null, host: null, pid, startTicks: null}) as ReturnType<typeof fromInput>),
    ...(spec.input ?? []).filter((r) => !(r.pid === self && selfRecord && isSameTarget(fromInput(r), selfRecord))).map((r) => fromInput(r)),
  ]
  if (explicit.length === 0 && spec.input === undefined) {
    return spec.selection
      .narrow(snapshot.filter((r) => !options.exclude?.has(r.pid) && spec.selection.test(r)))
      .map((record) => ({checkedBy: checkedBy(record), record, state: 'alive' as const}))
  }

  const seen = new Set<number>()
  const targets: Target[] = []
  for (const wanted of explicit) {
    // Checked first, and kept apart: pid 4242 of another host is not this host's pid 4242.
    const foreign = options.here !== undefined && isForeign(wanted, options.here)
    if (!foreign) {
      if (seen.has(wanted.pid)) continue
      seen.add(wanted.pid)
    }

    const live = foreign ? undefined : byPid.get(wanted.pid)
    let state: TargetState
    if (foreign) state = 'foreign'
    else if (live) state = isSameTarget(wanted, live) ? 'alive' : 'reused'
    else state = options.exists?.(wanted.pid) ? 'hidden' : 'gone'
    const by = checkedBy(wanted)
    if (state === 'alive') {
      if (spec.selection.active && !spec.selection.test(live!)) continue
      targets.push({checkedBy: by, record: live!, state})
    } else {
      targets.push({checkedBy: by, record: {...wanted, command: wanted.command ?? null, name: wanted.name ?? null}, state})
    }
  }

  return targets
}

/** proc's own ancestors (its shell, an npm script's sh, ... up to init). */
export function ancestorPids(snapshot: readonly ProcessInfo[], self = process.pid): Set<number> {
  const tree = new ProcessTree(snapshot)
  const pids = new Set(tree.ancestors(self).map((a) => a.pid))
  // Init is an ancestor of everything, even where the snapshot cannot see the chain up to it.
  pids.add(1)
  return pids
}

/** Pids proc must never signal unless forced: init, itself, and its ancestors (the shell running it). */
export function protectedPids(snapshot: readonly ProcessInfo[], self = process.pid): Set<number> {
  return new Set([self, ...ancestorPids(snapshot, self)])
}

export interface KillPlanOptions {
  tree: boolean
  group: boolean
  force: boolean
  /** Refuse a selection larger than this (0: no limit). */
  max: number
  dryRun: boolean
  self?: number
  /** kill(pid, 0), to tell a hidden process from a gone one. */
  exists?(pid: number): boolean
  /** This machine: records of another host or boot are foreign and get nothing. */
  here?: Machine
}

export interface KillPlan {
  records: KillRecord[]
  /** Targets matched and alive before any expansion. */
  matched: number
  /** Pids never to signal (empty with --force). */
  guarded: Set<number>
}

/**
 * The processes resolveTargets and planKill must see. Named targets (pids, records on stdin)
 * without --tree or --group need only themselves and proc's own line of ancestors (the guard):
 * read one by one, `proc kill PID` and `proc wait PID` cost the same on a host of 5,000 processes
 * as on one of 50. A selection alone, --tree and --group can reach any process, and read them all.
 */
export async function targetSnapshot(
  source: ProcessSource,
  spec: TargetSpec,
  fields: ReadonlySet<Field>,
  options: {group?: boolean; tree?: boolean} = {},
  self = process.pid,
): Promise<ProcessInfo[]> {
  const named = spec.pids.length > 0 || spec.input !== undefined
  if (!named || options.group || options.tree || !source.readSome || !source.lineage) return source.list({fields})
  // proc, its parent, and up to init: the chain ancestorPids walks in a full listing.
  const snapshot = source.lineage(self, fields)
  const have = new Set(snapshot.map((r) => r.pid))
  const targets = [...spec.pids, ...(spec.input ?? []).map((r) => r.pid)].filter((pid) => !have.has(pid))
  snapshot.push(...source.readSome(targets, fields))
  return snapshot
}

/**
 * Plan a kill: resolve the targets, refuse an over-broad selection before anything is sent,
 * add descendants (--tree, deepest first) or group members (--group), and give each record its
 * starting status (protected, gone, reused, foreign, denied for hidden ones; null: to be signalled).
 */
export function planKill(snapshot: readonly ProcessInfo[], spec: TargetSpec, options: KillPlanOptions): KillPlan {
  const self = options.self ?? process.pid
  const ancestors = ancestorPids(snapshot, self)
  const guarded = options.force ? new Set<number>() : new Set([self, ...ancestors])
  // proc itself is left out by the selection unless --include-self; then it is protected.
  const targets = resolveTargets(snapshot, spec, {exclude: ancestors, exists: options.exists, here: options.here, self})
  const matched = targets.filter((t) => t.state === 'alive').length
  const broad = spec.selection.active || (spec.input?.length ?? 0) > 0
  if (broad && options.max > 0 && matched > options.max && !options.dryRun) {
    throw new UsageError(
      `${matched} processes match, more than --max ${options.max}: nothing was sent. Narrow the selection, look with --dry-run, or raise --max (0: no limit)`,
    )
  }

  const records: KillRecord[] = targets.map((t) => ({
    ...t.record,
    checkedBy: t.checkedBy,
    found: 'target' as const,
    signal: null,
    status: t.state === 'alive' ? (guarded.has(t.record.pid) ? ('protected' as const) : null) : t.state === 'hidden' ? ('denied' as const) : t.state,
    step: null,
  }))
  const have = new Set(records.map((r) => r.pid))
  // A protected target is not expanded: its tree holds proc itself.
  if (options.group) {
    const groups = new Set(records.filter((r) => r.status === null).filter((r) => r.pgid != null).map((r) => r.pgid!))
    for (const p of snapshot) {
      if (p.pgid === null || !groups.has(p.pgid) || have.has(p.pid)) continue
      have.add(p.pid)
      records.push(member(p, 'group', guarded))
    }
  }

  if (options.tree) {
    const tree = new ProcessTree(snapshot)
    for (const r of [...records]) {
      if (r.status !== null || !sameStart(r, tree.get(r.pid) ?? {pid: -1})) continue
      for (const d of tree.descendants(r.pid)) {
        if (have.has(d.pid)) continue
        have.add(d.pid)
        records.push(member(d, 'tree', guarded))
      }
    }
  }

  return {guarded, matched, records: options.tree ? deepestFirst(records) : records}
}

function member(p: ProcessInfo, found: 'group' | 'tree', guarded: ReadonlySet<number>): KillRecord {
  return {...p, checkedBy: checkedBy(p), found, signal: null, status: guarded.has(p.pid) ? 'protected' : null, step: null}
}
