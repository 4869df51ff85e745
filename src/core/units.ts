import {UsageError} from './errors.js'

const DURATION_UNITS: Record<string, number> = {d: 86_400_000, h: 3_600_000, m: 60_000, ms: 1, s: 1000}

/** SI units are powers of 1000, IEC units powers of 1024 (as in `numfmt`). */
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  gb: 1e9,
  gib: 1024 ** 3,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  tb: 1e12,
  tib: 1024 ** 4,
}

const NUMBER_WITH_UNIT = /^(\d+(?:\.\d+)?|\.\d+)([a-z]*)$/i

/** The multiplier of a unit suffix, for durations (to ms) or sizes (to bytes); undefined if unknown. */
export function unitFactor(unit: string): number | undefined {
  const u = unit.toLowerCase()
  return DURATION_UNITS[u] ?? SIZE_UNITS[u]
}

/**
 * Parse a duration such as `500ms`, `10s`, `5m`, `1.5h`, `2d` into milliseconds.
 * A bare number is seconds, as in timeout(1).
 */
export function parseDuration(text: string, what = 'duration'): number {
  const m = NUMBER_WITH_UNIT.exec(text.trim())
  const factor = m ? (m[2] === '' ? 1000 : DURATION_UNITS[m[2].toLowerCase()]) : undefined
  if (!m || factor === undefined) {
    throw new UsageError(`invalid ${what} '${text}': use a number with ms, s, m, h or d (e.g. 500ms, 10s, 5m)`)
  }
  const ms = Number(m[1]) * factor
  if (!Number.isFinite(ms) || ms > Number.MAX_SAFE_INTEGER) throw new UsageError(`invalid ${what} '${text}': too large`)
  return Math.round(ms)
}

/** An optional duration flag: undefined when not given. */
export function optionalDuration(text: string | undefined, what: string): number | undefined {
  return text === undefined ? undefined : parseDuration(text, what)
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`
  const units = ['K', 'M', 'G', 'T', 'P']
  let value = bytes / 1024
  let i = 0
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024
    i++
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)}${units[i]}`
}

/** ps-style elapsed time: [[dd-]hh:]mm:ss */
export function formatElapsed(ms: number): string {
  let s = Math.floor(ms / 1000)
  const days = Math.floor(s / 86_400)
  s -= days * 86_400
  const hours = Math.floor(s / 3600)
  s -= hours * 3600
  const minutes = Math.floor(s / 60)
  s -= minutes * 60
  const pad = (n: number) => String(n).padStart(2, '0')
  const hms = hours > 0 || days > 0 ? `${pad(hours)}:${pad(minutes)}:${pad(s)}` : `${pad(minutes)}:${pad(s)}`
  return days > 0 ? `${days}-${hms}` : hms
}

/** ps-style cumulative CPU time: [dd-]hh:mm:ss */
export function formatCpuTime(ms: number): string {
  const text = formatElapsed(ms)
  return text.length === 5 ? `00:${text}` : text
}
