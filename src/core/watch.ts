import {diffSnapshots} from './diff.js'
import type {ProcessInfo} from './process-info.js'
import {type Clock, realClock} from './wait.js'

export type WatchEvent = ProcessInfo & {change: 'exited' | 'started'}

/**
 * Take a snapshot every `intervalMs` until `signal` aborts; call `onFrame` with each snapshot and
 * the processes that started and exited since the one before (none for the first).
 */
export async function watch(
  take: () => Promise<ProcessInfo[]>,
  intervalMs: number,
  onFrame: (records: ProcessInfo[], events: WatchEvent[]) => void | Promise<void>,
  signal: AbortSignal,
  clock: Clock = realClock,
): Promise<void> {
  let previous: ProcessInfo[] | undefined
  while (!signal.aborted) {
    const records = await take()
    const events: WatchEvent[] = []
    if (previous) {
      const {exited, started} = diffSnapshots(previous, records)
      events.push(...started.map((r) => ({...r, change: 'started' as const})), ...exited.map((r) => ({...r, change: 'exited' as const})))
    }

    previous = records
    await onFrame(records, events)
    if (signal.aborted) break
    await Promise.race([clock.sleep(intervalMs), new Promise((resolve) => signal.addEventListener('abort', resolve, {once: true}))])
  }
}
