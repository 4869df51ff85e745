// Command-line words before and after parsing, the same for oclif and the fast path.

import {UsageError} from '../core/errors.js'
import {isPid} from '../core/process-info.js'
import type {CommandSpec} from './spec.js'

/** One line: oclif's parse errors span several. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('See more help with'))
    .join(' ')
}

/**
 * `--watch` takes an interval, and may stand alone (`proc tree --watch`): a bare `--watch` not
 * followed by a duration with a unit becomes `--watch=2s`, so `proc tree --watch 1234` still
 * means pid 1234.
 */
export function defaultWatchInterval(argv: string[]): string[] {
  const dd = argv.indexOf('--')
  return argv.map((a, i) => (a === '--watch' && (dd === -1 || i < dd) && !/^(\d+(\.\d+)?|\.\d+)(ms|s|m|h|d)?$/.test(argv[i + 1] ?? '') ? '--watch=2s' : a))
}

/**
 * Bind values to their flags as getopt does, so a value may start with `-`: `--sort -cpu`,
 * `-s -cpu` and `--match --json` become `--sort=-cpu`, `--sort=-cpu` and `--match=--json`
 * (oclif alone would read the value as a flag). `--match -- X` takes X: a pattern that is
 * exactly `--` is written `--match=--`. A bare `--` (not a value) ends the flags.
 */
export function bindFlagValues(argv: readonly string[], flags: Record<string, {type: string; char?: string}>): string[] {
  const valued = new Map<string, string>()
  for (const [name, def] of Object.entries(flags)) {
    if (def.type !== 'option') continue
    valued.set(`--${name}`, name)
    if (def.char) valued.set(`-${def.char}`, name)
  }

  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      out.push(...argv.slice(i))
      break
    }

    const eq = a.indexOf('=')
    if (eq > 0 && valued.has(a.slice(0, eq))) {
      const value = a.slice(eq + 1)
      out.push(`--${valued.get(a.slice(0, eq))}=${value.startsWith('-') ? DASH_GUARD + value : value}`)
      continue
    }

    const name = valued.get(a)
    if (name === undefined || i + 1 >= argv.length) {
      out.push(a)
      continue
    }

    let value = argv[++i]
    if (value === '--' && i + 1 < argv.length) value = argv[++i]
    out.push(`--${name}=${value.startsWith('-') ? DASH_GUARD + value : value}`)
  }

  return out
}

/**
 * oclif refuses a value that looks like one of the command's flags (`-cpu` reads as `-c`), even
 * after `=`: such a value travels with this private-use character in front, removed after parsing.
 */
export const DASH_GUARD = '\uE000'

/** Remove the guard from every parsed flag value (multiple and comma-split values included). */
export function unguardFlags<T extends Record<string, unknown>>(flags: T): T {
  const clean = (v: unknown): unknown =>
    typeof v === 'string' ? (v.startsWith(DASH_GUARD) ? v.slice(DASH_GUARD.length) : v) : Array.isArray(v) ? v.map((x) => clean(x)) : v
  for (const key of Object.keys(flags)) (flags as Record<string, unknown>)[key] = clean(flags[key])
  return flags
}

/** Parse a process id the way kill(1) should: a positive decimal integer no larger than pid_max. */
export function parsePid(text: string, flag: string): number {
  const t = text.trim()
  if (!isPid(t)) throw new UsageError(`${flag}: '${text}' is not a process id`)
  return Number(t)
}

/** A TCP/UDP port: 1..65535. */
export function parsePort(text: string): number {
  const t = text.trim()
  if (!/^[1-9]\d*$/.test(t) || Number(t) > 65_535) throw new UsageError(`--port: '${text}' is not a port (1-65535)`)
  return Number(t)
}

/** A non-negative integer flag value (--limit, --depth). */
export function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag}: '${text}' is not a non-negative integer`)
  return Number(text)
}

/**
 * What both parsers are given: the command's own rewriting (`prepare`), then a bare `--watch`
 * and getopt-style flag values.
 */
export function prepareArgv(spec: CommandSpec, argv: string[]): {argv: string[]; rest?: string[]} {
  const prepared = spec.prepare ? spec.prepare(argv) : {argv}
  return {argv: bindFlagValues(defaultWatchInterval(prepared.argv), spec.flags), rest: prepared.rest}
}
