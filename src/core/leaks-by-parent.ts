// Leak detection where the source has no run support (Windows, and ps or ps-list elsewhere): the
// run is the child and its descendants by parent links. Windows keeps a process's ppid after its
// parent exits, so a walk from the child's pid still finds its grandchildren once the child and
// the processes between have ended; descendants seen during the run are kept too (a process
// reparented to init on Unix is found that way).

import {isSameTarget} from './identity.js'
import type {Leak, LeakFinder, LeakMethod} from './leaks.js'
import {FIELDS, type Field, type ProcessInfo} from './process-info.js'
import type {RunTracker} from './run.js'
import type {ProcessSource} from './sources/source.js'
import {treeOf} from './tree-end.js'
import {type Clock, pollUntil, realClock} from './wait.js'

// What a sample reads: what fastlist gives on Windows (a start time there would start PowerShell
// at every sample), the state where the source has it (a zombie is no leak).
const TREE_FIELDS: ReadonlySet<Field> = new Set<Field>(['pid', 'ppid', 'name', 'state'])

/** How much earlier than the child's start a leak's start may read (ps's whole seconds, btime's whole seconds). */
const START_SLACK_MS = 2000

export class ParentLinkLeaks implements LeakFinder, RunTracker {
  readonly cgroup = undefined
  private childPid: number | undefined
  private childStart: number | null = null
  /** Descendants seen while the child ran, with what tells them from a later holder of the pid. */
  private readonly seen = new Map<number, ProcessInfo>()
  private sampling = false
  private timer: NodeJS.Timeout | undefined
  /** The largest sum of RSS over the run's tree a sample saw, where listings carry RSS for free (ps). */
  private peak: number | undefined
  private readonly sampleFields: ReadonlySet<Field>

  constructor(private readonly source: ProcessSource) {
    this.sampleFields = source.freeFields?.has('rssBytes') ? new Set<Field>([...TREE_FIELDS, 'rssBytes']) : TREE_FIELDS
  }

  /** Peak memory of the whole run by sampling (the child and its descendants, summed), when the source gives RSS with every listing. */
  peakRss(): number | undefined {
    return this.peak
  }

  methods(): LeakMethod[] {
    return ['parent', 'sampled']
  }

  prepare(argv: string[], env: NodeJS.ProcessEnv): {argv: string[]; env: NodeJS.ProcessEnv} {
    return {argv, env}
  }

  memoryPeak(): undefined {
    return undefined
  }

  watchdogScript(): string {
    return ''
  }

  started(pid: number): void {
    this.childPid = pid
    this.childStart = Date.now()
    this.sampling = true
    // At once, then more and more rarely: a launcher that lives a few milliseconds (Wine's
    // start.exe between cmd and what it starts) is a link only an early sample sees.
    let delay = 25
    const sample = async () => {
      if (!this.sampling) return
      await this.sample().catch(() => {})
      if (!this.sampling) return
      this.timer = setTimeout(sample, delay)
      this.timer.unref()
      delay = Math.min(delay * 2, 1000)
    }

    void sample()
  }

  stopped(): void {
    this.sampling = false
    if (this.timer) clearTimeout(this.timer)
  }

  private async sample(): Promise<void> {
    if (this.childPid === undefined) return
    const listing = await this.source.list({fields: this.sampleFields})
    const live = new Set(listing.map((r) => r.pid))
    let rss = 0
    let measured = false
    for (const d of treeOf(this.withSeen(listing), this.childPid)) {
      if (d.pid !== this.childPid) this.seen.set(d.pid, d)
      if (live.has(d.pid) && d.rssBytes != null && d.state !== 'Z') {
        rss += d.rssBytes
        measured = true
      }
    }

    if (measured) this.peak = Math.max(this.peak ?? 0, rss)
  }

  /** The run's processes still alive, once `graceMs` has let exiting ones finish (two empty looks end it early). */
  async find(graceMs: number, clock: Clock = realClock, stop: () => boolean = () => false): Promise<Leak[]> {
    if (this.childPid === undefined) return []
    let found = await this.candidates()
    if (graceMs > 0) {
      let empty = 0
      await pollUntil(
        async () => {
          if (stop()) return true
          found = await this.candidates()
          empty = found.length === 0 ? empty + 1 : 0
          return empty >= 2
        },
        graceMs,
        clock,
        100,
      )
    }

    if (found.length === 0) return []
    const how = new Map(found.map((f) => [f.record.pid, f.method]))
    const all = await this.source.list({fields: new Set(FIELDS)})
    return all.filter((r) => how.has(r.pid) && r.state !== 'Z').map((r) => ({...r, foundBy: how.get(r.pid)!}))
  }

  /** A listing with the descendants seen earlier that are gone from it: their links still join the tree. */
  private withSeen(listing: ProcessInfo[]): ProcessInfo[] {
    const live = new Set(listing.map((r) => r.pid))
    return [...listing, ...[...this.seen.values()].filter((r) => !live.has(r.pid))]
  }

  /** Below the child by parent links now, or seen below it during the run and still the same process. */
  private async candidates(): Promise<Array<{method: LeakMethod; record: ProcessInfo}>> {
    const listing = (await this.source.list({fields: TREE_FIELDS})).filter((r) => r.state !== 'Z' && r.pid !== process.pid)
    const out = new Map<number, {method: LeakMethod; record: ProcessInfo}>()
    const live = new Set(listing.map((r) => r.pid))
    for (const r of treeOf(this.withSeen(listing), this.childPid!)) if (r.pid !== this.childPid && live.has(r.pid)) out.set(r.pid, {method: 'parent', record: r})
    for (const r of listing) {
      const then = this.seen.get(r.pid)
      if (then && !out.has(r.pid) && isSameTarget(then, r)) out.set(r.pid, {method: 'sampled', record: r})
    }

    // Only what started after the child can be the run's (where the source knows start times).
    // ps prints them to the second, from a boot time the kernel gives to the second: up to 2 s early.
    const after = (r: ProcessInfo) => r.startTime == null || this.childStart === null || Date.parse(r.startTime) >= this.childStart - START_SLACK_MS
    return [...out.values()].filter((f) => after(f.record))
  }

  cleanup(): void {
    this.stopped()
  }
}
