// What a command is, as plain data: its flags, arguments, help text and action. Both ways of
// running a command read this one definition: oclif (help, the manifest, the README, completion,
// and any argv the fast parser does not take) and the fast path in src/fast.ts, which runs the
// six process commands without loading oclif. Nothing here may import @oclif/core.

import type {Context} from './context.js'

interface FlagCommon {
  char?: string
  description: string
  /** Flags that may not be given together with this one. */
  exclusive?: string[]
  helpGroup?: string
  hidden?: boolean
}

export interface BooleanFlagSpec extends FlagCommon {
  type: 'boolean'
  /** `--no-NAME` sets it false. */
  allowNo?: boolean
  default?: boolean
}

export interface OptionFlagSpec extends FlagCommon {
  type: 'option'
  default?: string
  /** Split every value on this character (`--pid 1,2`). */
  delimiter?: ','
  /** Read this environment variable when the flag is not given. */
  env?: string
  /** Repeatable. A repeatable flag takes one value per occurrence, never the words after it. */
  multiple?: boolean
  options?: readonly string[]
}

export type FlagSpec = BooleanFlagSpec | OptionFlagSpec

export interface ArgSpec {
  description: string
  options?: readonly string[]
  required?: boolean
}

export interface Example {
  command: string
  description: string
}

/** What parsing gives an action: flag values by name, named args, and every positional argument. */
export interface Parsed {
  args: Record<string, string | undefined>
  argv: string[]
  // Each action reads the flags its spec defines.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  flags: any
  /** What `prepare` set aside, untouched by parsing (spawn's command after `--`). */
  rest?: string[]
}

export interface CommandSpec {
  id: string
  args?: Record<string, ArgSpec>
  description: string
  examples: Example[]
  /** Exit codes for proc's own failures (spawn: 125, like timeout(1)); output: undefined ignores write errors. */
  exitCodes?: {internal: number; output: number | undefined; usage: number}
  flags: Record<string, FlagSpec>
  /** Rewrite argv before parsing: `-9` to `--signal=9`; set aside what must not be parsed. */
  prepare?: (argv: string[]) => {argv: string[]; rest?: string[]}
  /** false: positional arguments beyond `args` are allowed (and arrive in `argv`). Default true. */
  strict?: boolean
  usage?: string
}

export type Action = (ctx: Context, parsed: Parsed) => Promise<void>

/** A command module: its spec and its action. */
export interface CommandModule {
  action: Action
  spec: CommandSpec
}

export const flag = {
  boolean: (spec: Omit<BooleanFlagSpec, 'type'>): BooleanFlagSpec => ({...spec, type: 'boolean'}),
  option: (spec: Omit<OptionFlagSpec, 'type'>): OptionFlagSpec => ({...spec, type: 'option'}),
}
