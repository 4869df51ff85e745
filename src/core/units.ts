import {UsageError} from './errors.js'

// Durations, one grammar with two entry points: parseDuration reads a flag as timeout(1) reads its
// DURATION (one number, a bare one is seconds: --timeout 10, -d 0.5); parseSpan reads a duration
// in a --where expression, where a bare number is a count and parts add up (1h30m).

/** Milliseconds in each duration unit. */
export const DURATION_UNITS: Readonly<Record<string, number>> = {d: 86_400_000, h: 3_600_000, m: 60_000, ms: 1, s: 1000}

/** A number as timeout(1) reads one (decimal, fraction, exponent), then a lowercase unit. */
const DURATION = /^((?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)(ms|s|m|h|d)?$/

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); longer ones are chained. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Parse a duration into milliseconds, as timeout(1) reads one: `500ms`, `10s`, `5m`, `1.5h`, `2d`,
 * `1e-3`, `2.34e+5d`. A bare number is seconds. Units are lowercase, as in timeout (`42D` is an
 * error). Returns Infinity for a value too large to count: the caller decides what that means.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const m = DURATION.exec(text.trim())
  if (!m) throw new UsageError(`invalid ${what} '${text}': use a number with ms, s, m, h or d (e.g. 500ms, 10s, 5m)`)
  const ms = Number(m[1]) * DURATION_UNITS[m[2] ?? 's']
  if (Number.isNaN(ms)) throw new UsageError(`invalid ${what} '${text}'`)
  return ms > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : Math.round(ms)
}

/** `1h30m`, `500ms`, `2.5s` in a --where expression: lowercase units, one or more parts; undefined if it is not one. */
export function parseSpan(text: string): number | undefined {
  if (!/^(?:(?:\d+(?:\.\d+)?|\.\d+)(?:ms|s|m|h|d))+$/.test(text)) return undefined
  let total = 0
  for (const m of text.matchAll(/(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)/g)) total += Number(m[1]) * DURATION_UNITS[m[2]]
  return total
}

/** An optional duration flag: undefined when not given. Too large to count is an error here. */
export function optionalDuration(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined
  const ms = parseDuration(text, what)
  if (!Number.isFinite(ms)) throw new UsageError(`invalid ${what} '${text}': too large`)
  return ms
}

/**
 * A time limit, as timeout(1) takes one: undefined (no limit) when not given, for `0` and `none`,
 * and for anything too large to count; else milliseconds (a positive value rounds up to 1 ms).
 */
export function parseTimeLimit(text: string | undefined, what: string): number | undefined {
  if (text === undefined || text.trim() === 'none' || text.trim() === 'inf' || text.trim() === 'infinity') return undefined
  const ms = parseDuration(text, what)
  if (ms === 0 && Number(DURATION.exec(text.trim())![1]) === 0) return undefined
  return Number.isFinite(ms) ? Math.max(1, ms) : undefined
}

/**
 * How long `proc wait` waits, as psutil's wait(timeout) and PowerShell's Wait-Process -Timeout
 * read it: undefined (forever) when not given or `none`/`inf`; `0` is no wait at all (look once).
 * Unlike parseTimeLimit (timeout(1), spawn), where 0 means no limit.
 */
export function parseWaitLimit(text: string | undefined, what: string): number | undefined {
  const limit = parseTimeLimit(text, what)
  return limit === undefined && text !== undefined && Number(DURATION.exec(text.trim())?.[1]) === 0 ? 0 : limit
}

/** setTimeout for any delay: past MAX_TIMER_MS the wait is chained, never overflowed. */
export function longTimeout(fn: () => void, ms: number, keep: (timer: NodeJS.Timeout) => void): void {
  if (!Number.isFinite(ms)) return
  if (ms <= MAX_TIMER_MS) {
    keep(setTimeout(fn, ms))
    return
  }

  keep(
    setTimeout(() => {
      longTimeout(fn, ms - MAX_TIMER_MS, keep)
    }, MAX_TIMER_MS),
  )
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
