// Ending a process and everything below it where the platform has no process groups (Windows:
// Node cannot signal a group there, nodejs/node#3617). The tree is walked from the source's
// parent links, ended deepest first, and walked again until no new member turns up: the same
// convergence rule as a tree kill, without a hold.

import {type Evidence, sameStart} from './identity.js'
import type {Field, ProcessInfo} from './process-info.js'
import type {ProcessSource} from './sources/source.js'

// No start time: on Windows it would cost a PowerShell start per walk (the cim source), where
// fastlist gives pid, ppid and name at once.
const FIELDS: ReadonlySet<Field> = new Set<Field>(['pid', 'ppid', 'name', 'startTicks'])

/** How many walks at most: each one after a signal finds what was born meanwhile. */
const MAX_ROUNDS = 8

/** `root` and its descendants in this listing, deepest first. A child never starts before its parent (a recycled ppid). */
export function treeOf(listing: readonly ProcessInfo[], root: number): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>()
  const byPid = new Map(listing.map((p) => [p.pid, p]))
  for (const p of listing) {
    if (p.ppid === null || p.pid === p.ppid) continue
    const parent = byPid.get(p.ppid)
    // A ppid whose process started after this one is a recycled pid, not its parent (Windows keeps dead parents' pids).
    if (parent && parent.startTime != null && p.startTime != null && Date.parse(p.startTime) < Date.parse(parent.startTime)) continue
    const list = children.get(p.ppid)
    if (list) list.push(p)
    else children.set(p.ppid, [p])
  }

  const out: ProcessInfo[] = []
  const rootRecord = byPid.get(root)
  // Breadth first from the root (which may be gone already: its children still name it).
  const queue: Array<{depth: number; pid: number}> = [{depth: 0, pid: root}]
  const depth = new Map<ProcessInfo, number>()
  if (rootRecord) depth.set(rootRecord, 0)
  for (let i = 0; i < queue.length; i++) {
    for (const c of children.get(queue[i].pid) ?? []) {
      if (depth.has(c)) continue
      depth.set(c, queue[i].depth + 1)
      queue.push({depth: queue[i].depth + 1, pid: c.pid})
    }
  }

  for (const p of depth.keys()) out.push(p)
  return out.sort((a, b) => depth.get(b)! - depth.get(a)!)
}

/**
 * Send `signal` to `root` and every descendant, deepest first, and walk again after each round
 * until a walk finds nothing new (a member that keeps its pid and start is not signalled twice).
 * Returns the pids signalled.
 */
export async function endTree(source: ProcessSource, root: number, signal: number, send: (pid: number, signal: number) => void = (p, s) => process.kill(p, s)): Promise<number[]> {
  const signalled = new Map<number, Evidence>()
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const members = treeOf(await source.list({fields: FIELDS}), root).filter((m) => {
      const before = signalled.get(m.pid)
      return before === undefined || !sameStart(before, m)
    })
    if (members.length === 0) break
    for (const m of members) {
      try {
        send(m.pid, signal)
      } catch {
        // gone already, or not ours to signal
      }

      signalled.set(m.pid, m)
    }
  }

  return [...signalled.keys()]
}
