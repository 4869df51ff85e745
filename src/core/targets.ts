import type {InputRecord} from '../input/records.js'
import type {ProcessInfo} from './process-info.js'
import type {Selection} from './select.js'
import {ProcessTree} from './tree.js'
import {type Identity, liveness} from './wait.js'

/** What a command that acts on processes was asked to act on. */
export interface TargetSpec {
  /** PIDs given as arguments. */
  pids: number[]
  /** Records read on stdin. */
  input?: InputRecord[]
  selection: Selection
}

export type TargetState = 'alive' | 'gone' | 'reused'

export interface Target {
  /** What is known of the process: the live record, or (gone, reused) what the input said. */
  record: Partial<ProcessInfo> & Identity
  state: TargetState
}

function fromInput(r: InputRecord): Partial<ProcessInfo> & Identity {
  return {bootId: r.bootId, command: r.command, name: r.name, pid: r.pid, startTicks: r.startTicks}
}

/**
 * Resolve the targets against one snapshot. Explicit pids and stdin records are kept even when
 * their process is gone (or its pid now belongs to another process), so the report can say so;
 * selectors narrow them, or select from the whole snapshot when nothing explicit was given.
 */
export function resolveTargets(snapshot: readonly ProcessInfo[], spec: TargetSpec): Target[] {
  const byPid = new Map(snapshot.map((r) => [r.pid, r]))
  const explicit: Array<Partial<ProcessInfo> & Identity> = [
    ...spec.pids.map((pid) => ({bootId: null, pid, startTicks: null})),
    ...(spec.input ?? []).map((r) => fromInput(r)),
  ]
  if (explicit.length === 0 && spec.input === undefined) {
    return snapshot.filter((r) => spec.selection.test(r)).map((record) => ({record, state: 'alive' as const}))
  }

  const seen = new Set<number>()
  const targets: Target[] = []
  for (const wanted of explicit) {
    if (seen.has(wanted.pid)) continue
    seen.add(wanted.pid)
    const live = byPid.get(wanted.pid)
    // A zombie is still there (wait reads its exit status; kill finds it gone before signalling).
    const state = live ? liveness(wanted, {bootId: live.bootId, pid: live.pid, startTicks: live.startTicks, state: null}) : 'exited'
    if (state === 'alive') {
      if (spec.selection.active && !spec.selection.test(live!)) continue
      targets.push({record: live!, state: 'alive'})
    } else {
      targets.push({record: {...wanted, command: wanted.command ?? null, name: wanted.name ?? null}, state: state === 'reused' ? 'reused' : 'gone'})
    }
  }

  return targets
}

/** Add every descendant of the live targets, and order all of them deepest first. */
export function withDescendants(snapshot: readonly ProcessInfo[], targets: Target[]): Target[] {
  const tree = new ProcessTree(snapshot)
  const depth = (pid: number) => tree.ancestors(pid).length
  const have = new Set(targets.map((t) => t.record.pid))
  const all = [...targets]
  for (const t of targets) {
    if (t.state !== 'alive') continue
    for (const d of tree.descendants(t.record.pid)) {
      if (have.has(d.pid)) continue
      have.add(d.pid)
      all.push({record: d, state: 'alive'})
    }
  }

  return all
    .map((t, i) => ({d: depth(t.record.pid), i, t}))
    .sort((a, b) => b.d - a.d || a.i - b.i)
    .map((x) => x.t)
}

/** Add every member of the process groups of the live targets. */
export function withGroups(snapshot: readonly ProcessInfo[], targets: Target[]): Target[] {
  const groups = new Set(targets.filter((t) => t.state === 'alive' && t.record.pgid != null).map((t) => t.record.pgid!))
  const have = new Set(targets.map((t) => t.record.pid))
  const members = snapshot.filter((r) => r.pgid !== null && groups.has(r.pgid) && !have.has(r.pid))
  return [...targets, ...members.map((record) => ({record, state: 'alive' as const}))]
}

/** Pids proc must never signal unless forced: init, itself, and its ancestors (the shell running it). */
export function protectedPids(snapshot: readonly ProcessInfo[], self = process.pid): Set<number> {
  const pids = new Set([1, self])
  for (const a of new ProcessTree(snapshot).ancestors(self)) pids.add(a.pid)
  return pids
}
