
import {parseCount} from './argv.js'
import type {OutputPlan} from './context.js'
import {parseColumns} from '../columns/index.js'
import {checkedByColumn, foundColumn, signalColumn, statusColumn, stepColumn} from '../columns/status.js'
import {UsageError} from '../core/errors.js'
import {describeFailures, describeUnmatched, isFailedKill, killWithConvergence, type KillRecord} from '../core/kill.js'
import {neededFields} from '../core/query.js'
import {buildSelection} from '../core/select.js'
import {describeLadder, listSignals, parseLadder, parseSignal, signalNames, signalShorthands, simpleLadder, translateSignal} from '../core/signals.js'
import {planKill, targetSnapshot} from '../core/targets.js'
import {layoutForest, ProcessTree} from '../core/tree.js'
import {optionalDuration} from '../core/units.js'
import {outputFlags, selectorFlags, sourceFlags} from './flags.js'
import {ASCII_GLYPHS, isUtf8Locale, renderForest, UNICODE_GLYPHS} from '../output/tree.js'
import {writeErr} from '../output/stdio.js'

const {limit: _limit, sort: _sort, ...killOutputFlags} = outputFlags
const {sample: _sample, ...killSourceFlags} = sourceFlags

import type {Context} from './context.js'
import {type CommandSpec, flag, type Parsed} from './spec.js'

export const spec: CommandSpec = {
  id: 'kill',
  description: `Signal processes, like pkill and kill, but never a stranger.

Targets are PIDs, the selectors and --where of proc list, or records on stdin (JSON, NDJSON,
CSV, proc's table or bare pids: when stdin is not a terminal and nothing else is given, or with
the argument -). All input is read and checked before the first signal. A record is compared
with the live process using all it carries (start, command, name): if the pid now belongs to
another process, the target is "reused" and gets nothing; a record read on another host, or
before this boot, is "foreign" and gets nothing. A selection larger than --max is
refused. --tree holds the tree still (a frozen cgroup, or SIGSTOP) and walks it again before
every signal, so children born during the kill get the same ladder.

pid 1, proc itself and its ancestors (the shell running it) are refused unless --force, and
left out of selector matches.`,
  examples: [
    {command: '<%= config.bin %> <%= command.id %> 4242', description: 'send TERM to 4242'},
    {command: '<%= config.bin %> <%= command.id %> --name node --signal INT', description: 'interrupt every node process'},
    {command: `<%= config.bin %> list --where 'name == "node"' --json | <%= config.bin %> <%= command.id %>`, description: 'kill what proc list found, identity-checked'},
    {command: '<%= config.bin %> <%= command.id %> 4242 --tree --timeout 5s', description: 'TERM a whole tree (deepest first), KILL what is left after 5s'},
    {command: '<%= config.bin %> <%= command.id %> --match webpack --then INT,2s,TERM,5s,KILL', description: 'a custom escalation ladder'},
    {command: '<%= config.bin %> <%= command.id %> 4242 --tree --dry-run', description: 'show the tree that would be signalled'},
    {command: '<%= config.bin %> <%= command.id %> --name my-dev-server --allow-empty', description: 'succeed when nothing matched (npm scripts)'},
  ],
  flags: {
    ...selectorFlags,
    ...killOutputFlags,
    ...killSourceFlags,
    'allow-empty': flag.boolean({description: 'exit 0 when nothing matched'}),
    'dry-run': flag.boolean({char: 'n', description: 'show what would be signalled, send nothing'}),
    freeze: flag.boolean({
      allowNo: true,
      default: true,
      description: 'hold a tree still in a frozen cgroup v2 group while signalling it, where this host allows; --no-freeze holds it with SIGSTOP',
    }),
    force: flag.boolean({description: 'allow signalling pid 1, proc itself and its ancestors'}),
    group: flag.boolean({char: 'g', description: 'also signal every member of the targets\' process groups'}),
    max: flag.option({default: '100', description: 'refuse (exit 2, nothing sent) when the selection matches more processes than this; 0: no limit'}),
    quiet: flag.boolean({char: 'q', description: 'print nothing; the exit code tells'}),
    list: flag.boolean({char: 'l', description: 'list the signal names, like kill -l; -l 9 names signal 9, -l KILL numbers it, -l 137 names the signal of exit status 137'}),
    'list-signal': flag.option({description: 'the word after -l', hidden: true}),
    table: flag.boolean({description: 'list the signals with their numbers; -L without --pidfile, like kill -L (with --pidfile, -L is --pidfile-locked, as pkill -L)'}),
    signal: flag.option({
      char: 's',
      default: 'TERM',
      description: 'signal name (TERM, SIGTERM, RTMIN+1) or number; also -9, -KILL; 0 only checks that every target exists',
      exclusive: ['then'],
    }),
    then: flag.option({description: 'escalation ladder of signals and waits, e.g. INT,2s,TERM,5s,KILL', exclusive: ['timeout']}),
    timeout: flag.option({char: 't', description: 'wait this long for the targets to exit, then send KILL'}),
    tree: flag.boolean({char: 'T', description: 'also signal every descendant, deepest first'}),
  },
  // -9, -KILL and -s9 are --signal; -l WORD asks what WORD is.
  prepare: (argv) => ({argv: signalShorthands(listWord(argv))}),
  strict: false,
  usage: '<%= command.id %> [PID... | -] [FLAGS]',
}

/**
 * `-l 9`, `-lHUP`, `--list KILL`, `--list=137` (before any `--`): the word goes to --list-signal.
 * `-L` is kill(1)'s table, unless a pidfile is given: then it is pkill's -L (--pidfile-locked).
 */
function listWord(argv: readonly string[]): string[] {
  const dd = argv.indexOf('--')
  const flags = dd === -1 ? argv : argv.slice(0, dd)
  const pidfile = flags.some((a) => a === '-F' || a.startsWith('--pidfile') || /^-F./.test(a))
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') return [...out, ...argv.slice(i)]
    const joined = /^(?:-l|--list=)(.+)$/.exec(a)
    if (joined) out.push(`--list-signal=${joined[1]}`)
    else if ((a === '-l' || a === '--list') && i + 1 < argv.length && /^[^-]/.test(argv[i + 1])) out.push(`--list-signal=${argv[++i]}`)
    else if (a === '-L' && !pidfile) out.push('--table')
    else out.push(a)
  }

  return out
}

export async function action(ctx: Context, {argv, flags}: Parsed): Promise<void> {
  if (flags['list-signal'] !== undefined) {
    ctx.write(translateSignal(flags['list-signal']) + '\n')
    return
  }

  if (flags.list || flags.table) {
    ctx.write(flags.table ? listSignals() : signalNames())
    return
  }

  const signal = parseSignal(flags.signal, '--signal', true)
  // Validate everything before anything is signalled.
  const ladder = flags.then
    ? parseLadder(flags.then)
    : simpleLadder(signal, optionalDuration(flags.timeout, '--timeout'))
  if (signal.number === 0 && (flags.then || flags.timeout)) throw new UsageError('--signal 0 checks existence only: it takes no --timeout or --then')
  const max = parseCount(flags.max, '--max')
  const selection = buildSelection(ctx.selectorsFrom(flags))
  const plan = ctx.outputPlan({...flags, limit: undefined, sort: undefined}, {
    machine: [...parseColumns('pid,ppid,pgid,name,command,user,startTicks,bootId,host'), statusColumn, signalColumn, stepColumn, foundColumn, checkedByColumn],
    sort: 'pid',
    table: 'pid,name,status,signal,step,command',
  })
  if (!plan) return
  plan.sort = []
  const targets = await ctx.targetSpec(argv as string[], selection, 'signal')

  const source = ctx.source(flags, selection)
  const fields = neededFields({columns: plan.columns, fullRecords: false, selection, sort: []})
  for (const f of ['pgid', 'state', 'name', 'command', 'user'] as const) fields.add(f)
  const snapshot = await targetSnapshot(source, targets, fields, {group: flags.group, tree: flags.tree})
  const {guarded, matched, records} = planKill(snapshot, targets, {
    dryRun: flags['dry-run'],
    exists: (pid) => source.exists(pid),
    force: flags.force,
    group: flags.group,
    here: source.machine(),
    max,
    tree: flags.tree,
  })

  if (flags['dry-run']) {
    // What would be sent: the ladder's first signal now, the rest on the ladder's schedule.
    const [first] = ladder.flatMap((s) => (s.kind === 'signal' ? [s.signal] : []))
    for (const r of records) {
      if (r.status !== null) continue
      r.status = 'dry-run'
      r.signal = first.name
      r.step = 1
    }

    if (!flags.quiet && ladder.length > 1) writeErr(`proc kill: dry run: the ladder would be ${describeLadder(ladder)}\n`)
  } else {
    await killWithConvergence(records, {cgroup: flags.freeze, grow: flags.tree ? 'tree' : flags.group ? 'group' : undefined, guarded, ladder}, source)
  }

  if (!flags.quiet && records.length > 0) await report(ctx, records, plan, flags['dry-run'] && flags.tree)
  // --signal 0 is kill -0: every target must exist.
  if (records.some((r) => isFailedKill(r.status) || (signal.number === 0 && r.status === 'gone'))) process.exitCode = 1
  if (matched === 0 && !flags['allow-empty']) ctx.nothingMatched(flags.quiet, describeUnmatched(records))
  else if (process.exitCode === 1 && !flags.quiet) writeErr(`proc kill: ${describeFailures(records) ?? 'nothing was signalled'}\n`)
}

/** One record per target; a dry run of --tree is drawn as the tree it would signal. */
async function report(ctx: Context, records: KillRecord[], plan: OutputPlan, asTree: boolean): Promise<void> {
  // Kill records carry only the fields kill read: always print the chosen columns.
  const projected = {...plan, explicitColumns: true}
  if (asTree && plan.format === 'table') {
    const tree = new ProcessTree(records.map((r) => ({...r, ppid: r.ppid ?? null})))
    const glyphs = isUtf8Locale() ? UNICODE_GLYPHS : ASCII_GLYPHS
    ctx.write(await renderForest(layoutForest(tree), {...ctx.renderOptions(projected), glyphs, highlight: false}))
    return
  }

  await ctx.print(records, projected)
}
