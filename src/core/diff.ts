/** Comparing two snapshots of the process table by identity (host + pid + startTicks + bootId). */

import {type Identity, sameStart} from './identity.js'
import type {ProcessInfo} from './process-info.js'

export type Change = 'exited' | 'started'

export type Identified = Identity

/**
 * What started (in `after` only) and what exited (in `before` only). A pid recycled between the
 * two is both: the old process exited, the new one started. Snapshots merged from several hosts
 * are matched host by host: pid 4242 of one host is never pid 4242 of another.
 */
export function diffSnapshots<T extends Identified>(before: readonly T[], after: readonly T[]): {exited: T[]; started: T[]} {
  const afterByPid = new Map<number, T[]>()
  for (const r of after) {
    // One pid per host: a snapshot merged from many hosts holds pid 1 once for each.
    const same = afterByPid.get(r.pid)
    if (same) same.push(r)
    else afterByPid.set(r.pid, [r])
  }

  const matched = new Set<T>()
  const exited: T[] = []
  for (const r of before) {
    const twin = afterByPid.get(r.pid)?.find((a) => !matched.has(a) && sameStart(r, a))
    if (twin) matched.add(twin)
    else exited.push(r)
  }

  return {exited, started: after.filter((r) => !matched.has(r))}
}

/** The records read on `host`, and those that do not say where they were read (older snapshots). */
export function ofHost<T extends {host?: string | null}>(records: readonly T[], host: string | null): T[] {
  return host === null ? [...records] : records.filter((r) => r.host == null || r.host === host)
}

/**
 * The other members of proc's own pipeline (`proc diff before.json | tee out`), which are not
 * what the diff is after, as proc itself is not: proc's siblings whose stdin or stdout is one of
 * the pipes proc's own stdin and stdout are. A process the script started before, beside proc,
 * shares no pipe with it and stays.
 */
export function pipelinePartners(records: readonly ProcessInfo[], stdioPipes: (pid: number) => string[], self = process.pid): Set<number> {
  const out = new Set<number>()
  const me = records.find((r) => r.pid === self)
  const mine = new Set(stdioPipes(self))
  if (!me || me.ppid === null || mine.size === 0) return out
  for (const r of records) {
    if (r.pid !== self && r.ppid === me.ppid && stdioPipes(r.pid).some((p) => mine.has(p))) out.add(r.pid)
  }

  return out
}
