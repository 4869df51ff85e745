import type {Field, ProcessInfo} from './process-info.js'
import type {ProcessSource} from './sources/source.js'
import {sameStart} from './identity.js'

export interface SnapshotOptions {
  fields: ReadonlySet<Field>
  /** Measure cpuPercent over this interval (like top) instead of over the lifetime (like ps). */
  sampleMs?: number
  sleep?: (ms: number) => Promise<void>
  /** One record per thread. */
  threads?: boolean
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

/** One consistent read of the process table, with cpuPercent sampled over an interval when asked. */
export async function takeSnapshot(source: ProcessSource, options: SnapshotOptions): Promise<ProcessInfo[]> {
  const {sampleMs} = options
  const threads = options.threads
  if (!sampleMs || !options.fields.has('cpuPercent')) return source.list({fields: options.fields, threads})

  const fields = new Set<Field>([...options.fields, 'cpuTimeMs', 'startTicks'])
  const first = await source.list({fields: new Set<Field>(['cpuTimeMs', 'startTicks']), threads})
  const t0 = performance.now()
  await (options.sleep ?? defaultSleep)(sampleMs)
  const second = await source.list({fields, threads})
  const interval = performance.now() - t0
  // A thread is its process's pid and its own tid.
  const key = (r: ProcessInfo) => (r.tid === undefined ? r.pid : `${r.pid}/${r.tid}`)
  const before = new Map(first.map((r) => [key(r), r]))
  for (const r of second) {
    if (r.cpuTimeMs === null) continue
    const prev = before.get(key(r))
    const same = prev && sameStart(prev, r) && prev.cpuTimeMs !== null
    // A process that started during the interval is measured from its start.
    const used = same ? r.cpuTimeMs - prev.cpuTimeMs! : r.cpuTimeMs
    const span = same ? interval : Math.min(interval, r.elapsedMs ?? interval)
    r.cpuPercent = span > 0 ? Math.round((Math.max(0, used) / span) * 10_000) / 100 : 0
  }

  return second
}
