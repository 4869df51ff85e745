// The oclif side of a command: its class is built from the command's spec (src/cli), so help, the
// manifest, the README and completion describe exactly what the fast path parses. oclif parses
// the command line here; the action is the same function the fast path runs.

import {Args, Command, Flags} from '@oclif/core'

import {prepareArgv, oneLine, unguardFlags} from './cli/argv.js'
import {exitCodesOf, reportError, runAction} from './cli/context.js'
import type {Action, CommandSpec, FlagSpec, Parsed} from './cli/spec.js'
import {ProcError, UsageError} from './core/errors.js'
import {didYouMean} from './core/suggest.js'
import {guardOutput, guardStreams} from './output/stdio.js'

/** oclif's flag for a spec. Every repeatable flag takes one value per occurrence (non-greedy). */
function oclifFlag(f: FlagSpec) {
  const {type, ...common} = f
  if (type === 'boolean') return Flags.boolean(common as Parameters<typeof Flags.boolean>[0])
  return Flags.string({...common, ...(f.multiple ? {multiple: true, multipleNonGreedy: true} : {})} as Parameters<typeof Flags.string>[0])
}

export function oclifFlags(spec: CommandSpec) {
  return Object.fromEntries(Object.entries(spec.flags).map(([name, f]) => [name, oclifFlag(f)]))
}

export function oclifArgs(spec: CommandSpec) {
  return Object.fromEntries(Object.entries(spec.args ?? {}).map(([name, a]) => [name, Args.string({...a, ignoreStdin: true})]))
}

/**
 * Each command class's spec and action. Kept off the class: oclif copies a class's own static
 * properties into the manifest.
 */
const BOUND = new WeakMap<object, {action?: Action; spec: CommandSpec}>()

/** The oclif class of a command spec: its help and flags, and the action it runs. */
export function bindSpec<T extends object>(cls: T, spec: CommandSpec, action?: Action): T {
  BOUND.set(cls, {action, spec})
  return cls
}

/** The oclif command class of a spec: the six process commands are nothing more. */
/**
 * A description as paragraphs that oclif wraps to the terminal: the lines of each paragraph
 * joined (the source keeps them short), blank lines and list items (`- `) kept.
 */
export function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => p.replaceAll(/\n(?!- )/g, ' '))
    .join('\n\n')
}

export function commandFor(spec: CommandSpec, action: Action): typeof ProcCommand {
  class SpecCommand extends ProcCommand {
    static override args = oclifArgs(spec)
    static override description = paragraphs(spec.description)
    static override examples = spec.examples
    static override flags = oclifFlags(spec)
    static override strict = spec.strict ?? true
    static override usage = spec.usage
  }

  return bindSpec(SpecCommand, spec, action)
}

/** The base of every proc command: one-line errors with the contracted exit codes, quiet on a closed stdout. */
export abstract class ProcCommand extends Command {
  private get commandSpec(): CommandSpec {
    return BOUND.get(this.constructor)!.spec
  }

  protected override async catch(error: Error & {oclif?: {exit?: number}}): Promise<void> {
    // this.exit() throws an ExitError that oclif must see.
    if (error.oclif?.exit !== undefined && /^EEXIT/.test(error.message)) throw error
    reportError(this.commandSpec, error)
  }

  override async init(): Promise<void> {
    await super.init()
    guardOutput(this.id ?? '', exitCodesOf(this.commandSpec).output)
    guardStreams()
  }

  async run(): Promise<void> {
    const {action, spec} = BOUND.get(this.constructor)!
    await runAction(spec, action!, await this.parseArgv(), this.config.root)
  }

  /** oclif's parse of this.argv, prepared as the fast path prepares it; any failure a one-line usage error. */
  protected async parseArgv(): Promise<Parsed> {
    const {argv, rest} = prepareArgv(this.commandSpec, this.argv)
    try {
      const parsed = await this.parse(this.constructor as typeof ProcCommand, argv)
      return {args: parsed.args, argv: parsed.argv as string[], flags: unguardFlags(parsed.flags), rest}
    } catch (error) {
      if (error instanceof ProcError) throw error
      const message = oneLine((error as Error).message)
      // oclif: "Nonexistent flag: --sortt"; suggest the nearest flag of this command.
      const unknown = /Nonexistent flags?: (--?[\w-]+)/.exec(message)
      const names = Object.entries(this.commandSpec.flags).flatMap(([name, f]) => (f.hidden ? [] : [`--${name}`]))
      throw new UsageError(message + (unknown ? didYouMean(unknown[1], names) : ''))
    }
  }
}
