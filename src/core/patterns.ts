// What a user's pattern is: a regex for --match, --name and --where's ~ (bounded, compiled once,
// a usage error naming the flag when bad), and a state letter or name for --state and --where.

import {builtin} from './builtin.js'
import {UsageError} from './errors.js'

const STATE_NAMES: Record<string, string> = {
  dead: 'X',
  disk: 'D',
  idle: 'I',
  running: 'R',
  sleeping: 'S',
  stopped: 'T',
  traced: 't',
  zombie: 'Z',
}

/**
 * The longest pattern proc takes: as long as the command line a process can hold (Linux's
 * default ARG_MAX, 2 MiB), as pgrep matches whole 100 KB command lines. A pattern given on the
 * command line is itself cut at 128 KiB by the kernel (MAX_ARG_STRLEN); --where reads it too.
 */
export const MAX_PATTERN = 2 * 1024 * 1024

/** Input echoed in a message, cut to a readable length. */
export function quoteInput(text: string, max = 60): string {
  return `'${text.length > max ? text.slice(0, max - 1) + '\u2026' : text}'`
}

/**
 * Parse a user-supplied regex; a bad one is a usage error naming the flag. V8 compiles a regex
 * on its first use: it is used once here, so a pattern too large to compile fails now, as input.
 */
export function parseRegex(source: string, flag: string, flags = ''): RegExp {
  if (source.length > MAX_PATTERN) throw new UsageError(`${flag}: a pattern of ${source.length} characters is too long (at most ${MAX_PATTERN})`)
  try {
    const regex = new RegExp(source, flags)
    regex.test('')
    return regex
  } catch (error) {
    // Irregexp compiles a long literal (a whole 100 KB command line) past its code-size limit;
    // V8's linear-time engine takes it (no backreferences or lookaround, which such a pattern
    // rarely has).
    if (/too large/.test((error as Error).message)) {
      const linear = linearRegex(source, flags)
      if (linear) return linear
    }

    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')
    throw new UsageError(`${flag}: invalid regex ${quoteInput(source)}: ${reason}`)
  }
}

/** The pattern on V8's linear-time engine (flag `l`), turned on for this process; undefined if it cannot take it. */
function linearRegex(source: string, flags: string): RegExp | undefined {
  try {
    builtin('node:v8').setFlagsFromString('--enable-experimental-regexp-engine')
    const regex = new RegExp(source, flags + 'l')
    regex.test('')
    return regex
  } catch {
    return undefined
  }
}

/** The state letters Linux reports (proc(5)). */
const STATE_LETTERS = new Set(['R', 'S', 'D', 'Z', 'T', 't', 'X', 'x', 'K', 'W', 'P', 'I'])

/** A state letter or name as the state field holds it (S for sleeping); undefined if it is none. */
export function stateValue(value: string): string | undefined {
  const named = STATE_NAMES[value.toLowerCase()]
  if (named) return named
  return STATE_LETTERS.has(value) ? value : undefined
}
