import type {Field, ProcessInfo} from './process-info.js'
import type {ProcessSource} from './sources/source.js'
import {sameStart} from './identity.js'
import {type Clock, realClock} from './wait.js'

export interface SnapshotOptions {
  fields: ReadonlySet<Field>
  /** Measure cpuPercent over this interval (like top) instead of over the lifetime (like ps). */
  sampleMs?: number
  /** Time for the sample (tests pass one that never waits). */
  clock?: Clock
  /** One record per thread. */
  threads?: boolean
}

/** One consistent read of the process table, with cpuPercent sampled over an interval when asked. */
export async function takeSnapshot(source: ProcessSource, options: SnapshotOptions): Promise<ProcessInfo[]> {
  const {sampleMs} = options
  const threads = options.threads
  if (!sampleMs || !options.fields.has('cpuPercent')) return source.list({fields: options.fields, threads})

  const fields = new Set<Field>([...options.fields, 'cpuTimeMs', 'startTicks'])
  const first = await source.list({fields: new Set<Field>(['cpuTimeMs', 'startTicks']), threads})
  const clock = options.clock ?? realClock
  const t0 = clock.now()
  await clock.sleep(sampleMs)
  const second = await source.list({fields, threads})
  intervalCpu(first, second, clock.now() - t0)
  return second
}

/**
 * Each record's cpuPercent over the interval since `previous` was read (100 = one core, as top's
 * default Irix mode): --sample, proc top and --watch. A process that started during the interval
 * is measured from its start.
 */
export function intervalCpu(previous: readonly ProcessInfo[] | undefined, current: readonly ProcessInfo[], intervalMs: number): void {
  // A thread is its process's pid and its own tid.
  const key = (r: ProcessInfo) => (r.tid === undefined ? r.pid : `${r.pid}/${r.tid}`)
  const before = new Map((previous ?? []).map((r) => [key(r), r]))
  for (const r of current) {
    if (r.cpuTimeMs === null) continue
    const prev = before.get(key(r))
    const same = prev !== undefined && prev.cpuTimeMs !== null && sameStart(prev, r)
    const used = same ? r.cpuTimeMs - prev.cpuTimeMs! : r.cpuTimeMs
    const span = same ? intervalMs : Math.min(intervalMs, r.elapsedMs ?? intervalMs)
    r.cpuPercent = span > 0 ? Math.round((Math.max(0, used) / span) * 10_000) / 100 : 0
  }
}

/**
 * Read `fields` for these records only (a live view's visible rows: a listing of thousands reads
 * what it sorts and filters by, and the rest only for what is shown), where the source can read a
 * few pids; each record takes the fields only from the same process (pid and start). Returns
 * false when the source cannot, and the caller must list the fields for every record instead.
 */
export function fillFields(source: ProcessSource, records: readonly ProcessInfo[], fields: ReadonlySet<Field>): boolean {
  if (!source.readSome) return false
  const wanted = records.filter((r) => r.tid === undefined)
  if (wanted.length === 0 || fields.size === 0) return true
  const read = new Map(source.readSome(wanted.map((r) => r.pid), new Set<Field>([...fields, 'startTicks'])).map((r) => [r.pid, r]))
  for (const r of wanted) {
    const now = read.get(r.pid)
    if (!now || !sameStart(r, now)) continue
    for (const f of fields) (r as unknown as Record<string, unknown>)[f] = now[f]
  }

  return true
}
