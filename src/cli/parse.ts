// The fast path's parser: the subset of oclif's parsing that real command lines use, giving the
// same flags, args and argv as oclif for every command line it accepts. Anything else it does not
// take (undefined): help, an unknown flag, a grouped `-qj`, a missing value, flags that exclude
// each other, a strict command's missing or extra arguments. oclif then parses that command line
// and gives its own answer, so every error reads the same on both paths. test/cli/differential
// checks both claims over the whole flag surface.

import {unguardFlags} from './argv.js'
import type {CommandSpec, FlagSpec, Parsed} from './spec.js'

/** Words that make oclif print help or its version instead of running a command. */
const HELP = new Set(['--help'])

/** Parse a prepared argv (see prepareArgv), or undefined when oclif must. */
export function fastParse(spec: CommandSpec, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Parsed | undefined {
  const long = new Map<string, string>()
  const short = new Map<string, string>()
  for (const [name, f] of Object.entries(spec.flags)) {
    long.set(`--${name}`, name)
    if (f.char) short.set(`-${f.char}`, name)
  }

  const given = new Map<string, string[] | boolean>()
  const positional: string[] = []
  let flags = true
  for (const word of argv) {
    if (!flags || word === '-' || !word.startsWith('-')) {
      positional.push(word)
      continue
    }

    if (word === '--') {
      flags = false
      continue
    }

    if (HELP.has(word)) return undefined
    const eq = word.indexOf('=')
    if (word.startsWith('--') && eq > 0) {
      const name = long.get(word.slice(0, eq))
      const f = name === undefined ? undefined : spec.flags[name]
      if (f?.type !== 'option') return undefined
      if (!f.multiple && given.has(name!)) return undefined
      given.set(name!, [...((given.get(name!) as string[] | undefined) ?? []), word.slice(eq + 1)])
      continue
    }

    const name = long.get(word) ?? short.get(word)
    if (name !== undefined) {
      // An option flag here had no value after it: oclif's error.
      if (spec.flags[name].type !== 'boolean') return undefined
      given.set(name, true)
      continue
    }

    const negated = word.startsWith('--no-') ? spec.flags[word.slice(5)] : undefined
    if (negated?.type === 'boolean' && negated.allowNo) {
      given.set(word.slice(5), false)
      continue
    }

    // Unknown flags, grouped or attached short flags, negative numbers: oclif's to judge.
    return undefined
  }

  for (const [name, value] of given) {
    const others = spec.flags[name].exclusive ?? []
    if (value !== undefined && others.some((o) => given.has(o))) return undefined
  }

  const values: Record<string, unknown> = {}
  for (const [name, f] of Object.entries(spec.flags)) {
    const value = valueOf(f, given.get(name), env)
    if (value === null) return undefined
    if (value !== undefined) values[name] = value
  }

  const argSpecs = Object.entries(spec.args ?? {})
  if (spec.strict !== false && positional.length > argSpecs.length) return undefined
  const args: Record<string, string | undefined> = {}
  for (const [i, [name, arg]] of argSpecs.entries()) {
    const value = positional[i]
    if (value === undefined && arg.required) return undefined
    if (value !== undefined && arg.options && !arg.options.includes(value)) return undefined
    if (value !== undefined) args[name] = value
  }

  return {args, argv: positional, flags: unguardFlags(values)}
}

/**
 * One flag's value as oclif gives it: undefined when absent (no default), null when oclif would
 * refuse it (a value not among the options).
 */
function valueOf(f: FlagSpec, given: string[] | boolean | undefined, env: NodeJS.ProcessEnv): unknown {
  if (f.type === 'boolean') return given ?? f.default
  const fromEnv = f.env ? env[f.env] : undefined
  let values = given as string[] | undefined
  if (values === undefined && fromEnv) values = [fromEnv]
  if (values === undefined) return f.multiple && f.default !== undefined ? [f.default] : f.default
  if (f.multiple && f.delimiter) values = values.flatMap((v) => splitDelimited(v, f.delimiter!))
  if (f.options && values.some((v) => !f.options!.includes(v))) return null
  return f.multiple ? values : values.at(-1)
}

/**
 * oclif's split of a delimited value: on every delimiter not escaped by a backslash, each piece
 * trimmed, `\,` unescaped and one pair of surrounding quotes removed.
 */
function splitDelimited(value: string, delimiter: string): string[] {
  return value.split(new RegExp(`(?<!\\\\)${delimiter}`)).map((v) =>
    v
      .trim()
      .replaceAll(`\\${delimiter}`, delimiter)
      .replace(/^"(.*)"$/, '$1')
      .replace(/^'(.*)'$/, '$1'),
  )
}
