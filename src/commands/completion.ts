import {constants} from 'node:os'

import {bindSpec, oclifArgs, paragraphs, ProcCommand} from '../base-command.js'
import {runAction} from '../cli/context.js'
import type {CommandSpec} from '../cli/spec.js'
import {extraProcessColumns, processColumns} from '../columns/index.js'
import {bashScript, type CompletionCommand, fishScript, zshScript} from '../output/completion.js'

/** Flags whose values are column names (comma lists) or signal names. */
const COLUMN_FLAGS = new Set(['columns', 'sort'])

/** Columns a command adds to the process columns. */
const EXTRA_COLUMNS: Record<string, string[]> = {
  diff: ['change'],
  kill: ['status', 'signal', 'step'],
  list: ['ports'],
  tree: ['ports', 'depth', 'matched'],
  wait: ['status', 'exitedAfterMs', 'exitCode', 'exitSignal', 'exitCodeKnown'],
}
const SIGNAL_FLAGS = new Set(['signal'])

/** Flags whose values are pids of running processes, and the commands whose arguments are. */
const PID_FLAGS = new Set(['pid', 'ppid', 'ns', 'session'])
const PID_ARGS = new Set(['kill', 'list', 'tree', 'wait'])

const spec: CommandSpec = {
  id: 'completion',
  args: {shell: {description: 'the shell', options: ['bash', 'zsh', 'fish'], required: true}},
  description: `Print a shell completion script (bash, zsh or fish).

It completes commands, flags, column names for --columns and --sort, signal names for --signal,
and the values of --format and the like.`,
  examples: [
    {command: 'source <(<%= config.bin %> <%= command.id %> bash)', description: 'bash, for this shell (add it to ~/.bashrc to keep it)'},
    {command: 'source <(<%= config.bin %> <%= command.id %> zsh)', description: 'zsh'},
    {command: '<%= config.bin %> <%= command.id %> fish > ~/.config/fish/completions/proc.fish', description: 'fish'},
  ],
  flags: {},
  strict: true,
  usage: '<%= command.id %> SHELL',
}

class Completion extends ProcCommand {
  static override args = oclifArgs(spec)
  static override description = paragraphs(spec.description)
  static override examples = spec.examples

  // The commands come from oclif's config (help included): completion runs on oclif's path only.
  override async run(): Promise<void> {
    const {args} = await this.parseArgv()
    // Ids and the short names the README uses (cpu, rss, mem).
    const columnsOf = (id: string) => [...[...processColumns, ...extraProcessColumns].flatMap((c) => [c.id, ...c.aliases]), ...(EXTRA_COLUMNS[id] ?? [])]
    const signals = Object.keys(constants.signals).flatMap((s) => [s.replace(/^SIG/, ''), s])
    const commands: CompletionCommand[] = this.config.commands
      .filter((c) => !c.hidden)
      .map((c) => ({
        flags: Object.values(c.flags)
          .filter((f) => !f.hidden)
          .map((f) => {
            const takesValue = f.type === 'option'
            const options = 'options' in f ? (f.options as string[] | undefined) : undefined
            const values = COLUMN_FLAGS.has(f.name) ? columnsOf(c.id) : SIGNAL_FLAGS.has(f.name) ? signals : options
            const live = PID_FLAGS.has(f.name) ? ('pids' as const) : f.name === 'name' ? ('names' as const) : undefined
            return {char: f.char, list: COLUMN_FLAGS.has(f.name), live, name: f.name, takesValue, values: takesValue ? values : undefined}
          }),
        id: c.id,
        pidArgs: PID_ARGS.has(c.id),
      }))
      .sort((a, b) => a.id.localeCompare(b.id))
    const script = {bash: bashScript, fish: fishScript, zsh: zshScript}[args.shell as 'bash' | 'fish' | 'zsh']
    await runAction(spec, async (ctx) => ctx.write(script(commands)), {args, argv: [], flags: {}}, this.config.root)
  }
}

export default bindSpec(Completion, spec)
