// What proc top shows besides the rows: top's summary lines (uptime, load, tasks by state, CPU and
// memory). %CPU over the last interval is snapshot.ts's intervalCpu.

import type {ProcessInfo} from './process-info.js'

/** Tasks by state, as top's second line. */
export function taskCounts(records: readonly ProcessInfo[]): {total: number; running: number; sleeping: number; stopped: number; zombie: number} {
  const c = {running: 0, sleeping: 0, stopped: 0, total: records.length, zombie: 0}
  for (const r of records) {
    if (r.state === 'R') c.running++
    else if (r.state === 'S' || r.state === 'D' || r.state === 'I') c.sleeping++
    else if (r.state === 'T' || r.state === 't') c.stopped++
    else if (r.state === 'Z') c.zombie++
  }

  return c
}

/** CPU times of the machine (os.cpus()), summed. */
export interface CpuTimes {
  busy: number
  idle: number
}

export function cpuTimes(cpus: ReadonlyArray<{times: {user: number; nice: number; sys: number; idle: number; irq: number}}>): CpuTimes {
  let busy = 0
  let idle = 0
  for (const c of cpus) {
    busy += c.times.user + c.times.nice + c.times.sys + c.times.irq
    idle += c.times.idle
  }

  return {busy, idle}
}

/** The share of all cores busy between two readings, percent. */
export function busyPercent(a: CpuTimes, b: CpuTimes): number {
  const busy = b.busy - a.busy
  const total = busy + (b.idle - a.idle)
  return total > 0 ? Math.round((busy / total) * 1000) / 10 : 0
}

/** `up 2 days, 03:04` as top prints the uptime. */
export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86_400)
  const h = Math.floor((seconds % 86_400) / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const hm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
  return days > 0 ? `up ${days} day${days === 1 ? '' : 's'}, ${hm}` : `up ${hm}`
}
