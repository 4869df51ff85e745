import {constants} from 'node:os'

import {parseColumns, processColumns} from '../columns/index.js'
import {exitCodeColumn, exitCodeKnownColumn, exitedAfterColumn, exitSignalColumn, statusColumn} from '../columns/status.js'
import {CheckFailed, ProcError, UsageError} from '../core/errors.js'
import {neededFields} from '../core/query.js'
import {buildSelection} from '../core/select.js'
import {ancestorPids, resolveTargets, targetSnapshot} from '../core/targets.js'
import {parseWaitLimit} from '../core/units.js'
import {waitForExit, waitForStart, type WaitRecord} from '../core/wait.js'
import {outputFlags, selectorFlags, sourceFlags} from './flags.js'
import {ndjsonLine} from '../output/render.js'

const {limit: _limit, sort: _sort, ...waitOutputFlags} = outputFlags
const {sample: _sample, ...waitSourceFlags} = sourceFlags

/** Exit code on timeout, as timeout(1). */
export const TIMED_OUT = 124

const signalNames = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]))

import type {Context} from './context.js'
import {type CommandSpec, flag, type Parsed} from './spec.js'

export const spec: CommandSpec = {
  id: 'wait',
  description: `Wait for processes to exit (or, with --for start, to appear).

Targets are PIDs, the selectors and --where of proc list, or records on stdin (as for proc kill).
A record whose pid now belongs to another process counts as exited. A record read on another
host, or before this boot, is "foreign": it is not waited for, and makes the exit 1. A zombie
counts as exited, and then its exit code is known; otherwise proc cannot know it (it did not
start the process) and says so (exitCodeKnown: false). Polls /proc with backoff: no busy loop.

Exit: 0 when the condition is met, 124 on timeout (the report lists what is still running),
1 when nothing matched (unless --allow-empty) or a record was foreign, 2 on usage errors.`,
  examples: [
    {command: '<%= config.bin %> <%= command.id %> 4242', description: 'until 4242 exits'},
    {command: '<%= config.bin %> <%= command.id %> --name make --timeout 10m', description: 'until every make exits; 124 after ten minutes'},
    {command: '<%= config.bin %> <%= command.id %> 11 12 13 --any', description: 'until the first of them exits'},
    {command: '<%= config.bin %> <%= command.id %> --for start --port 5173 --timeout 30s', description: 'until a dev server listens (its port, not its command line: a wrapper shows up first)'},
    {command: '<%= config.bin %> list --name worker --json | <%= config.bin %> <%= command.id %> --format ndjson', description: 'one NDJSON line per exit, as it happens'},
  ],
  flags: {
    ...selectorFlags,
    ...waitOutputFlags,
    ...waitSourceFlags,
    all: flag.boolean({description: 'wait until every target has exited (default)', exclusive: ['any']}),
    'allow-empty': flag.boolean({description: 'exit 0 when nothing matched'}),
    any: flag.boolean({description: 'wait until the first target exits', exclusive: ['all']}),
    for: flag.option({default: 'exit', description: 'exit: wait for the targets to end; start: wait for a matching process to appear', options: ['exit', 'start']}),
    quiet: flag.boolean({char: 'q', description: 'print nothing; the exit code tells'}),
    timeout: flag.option({char: 't', description: 'give up after this long: exit 124 (default: wait forever). 0 looks once: 0 if the condition holds now, else 124 at once'}),
  },
  strict: false,
  usage: '<%= command.id %> [PID... | -] [FLAGS]',
}

export async function action(ctx: Context, {argv, flags}: Parsed): Promise<void> {
  const timeoutMs = parseWaitLimit(flags.timeout, '--timeout')
  const selection = buildSelection(ctx.selectorsFrom(flags))
  const source = ctx.source(flags, selection)

  if (flags.for === 'start') {
    if (!selection.active || argv.length > 0) throw new UsageError('--for start needs selectors or --where (what should appear), not PIDs')
    const plan = ctx.outputPlan({...flags, limit: undefined, sort: undefined}, {machine: processColumns, sort: 'pid', table: 'pid,ppid,user,elapsed,command'})
    if (!plan) return
    const fields = neededFields({columns: plan.columns, fullRecords: plan.wholeRecords, selection, sort: []})
    // proc's own ancestors (an npm script's sh -c holding the same words) are never what appears.
    const found = await waitForStart(async () => {
      const snapshot = await source.list({fields})
      const ancestors = ancestorPids(snapshot)
      return selection.narrow(snapshot.filter((r) => !ancestors.has(r.pid) && selection.test(r)))
    }, timeoutMs)
    if (found.length === 0) throw new ProcError(`timed out after ${flags.timeout}: nothing matching appeared`, TIMED_OUT)
    if (!flags.quiet) await ctx.print(found, plan)
    return
  }

  const plan = ctx.outputPlan({...flags, limit: undefined, sort: undefined}, {
    machine: [...parseColumns('pid,name,command,startTicks,bootId,host'), statusColumn, exitedAfterColumn, exitCodeColumn, exitSignalColumn, exitCodeKnownColumn],
    sort: 'pid',
    table: 'pid,name,status,exitedAfterMs,exitCode,exitSignal,command',
  })
  if (!plan) return
  plan.sort = []
  const targets = await ctx.targetSpec(argv as string[], selection, 'wait for')
  const fields = neededFields({columns: [], fullRecords: false, selection, sort: []})
  for (const f of ['state', 'name', 'command'] as const) fields.add(f)
  const snapshot = await targetSnapshot(source, targets, fields)
  const exists = (pid: number) => source.exists(pid)
  const resolved = resolveTargets(snapshot, targets, {exclude: ancestorPids(snapshot), exists, here: source.machine()})
  const records: WaitRecord[] = resolved.map((t) => ({
    bootId: t.record.bootId,
    command: t.record.command ?? null,
    exitCode: null,
    exitCodeKnown: false,
    exitedAfterMs: t.state === 'alive' || t.state === 'hidden' || t.state === 'foreign' ? null : 0,
    exitSignal: null,
    host: t.record.host ?? null,
    name: t.record.name ?? null,
    pid: t.record.pid,
    startTicks: t.record.startTicks,
    // A hidden process (hidepid, another user's) is waited on by existence alone.
    status: t.state === 'alive' || t.state === 'hidden' ? 'alive' : t.state === 'foreign' ? 'foreign' : 'gone',
  }))
  if (records.length === 0) {
    if (!flags['allow-empty']) ctx.nothingMatched(flags.quiet)
    return
  }

  // NDJSON streams each exit as it is seen; other formats report once at the end.
  const stream = plan.format === 'ndjson' && !flags.quiet
  const columns = {columns: plan.columns, project: true}
  const emit = (r: WaitRecord) => ctx.write(ndjsonLine(r, columns))
  if (stream) for (const r of records) if (r.status === 'gone' || r.status === 'foreign') emit(r)
  // A foreign record's pid names nothing here: it is reported, never waited for.
  const foreign = records.filter((r) => r.status === 'foreign').length
  const met = await waitForExit(records.filter((r) => r.status !== 'foreign'), {
    exists,
    mode: flags.any ? 'any' : 'all',
    onExit: stream ? emit : undefined,
    probe: (pid) => source.probe(pid),
    signalName: (n) => signalNames.get(n) ?? String(n),
    timeoutMs,
  })
  if (!flags.quiet) {
    if (stream) for (const r of records) if (r.status === 'alive') emit(r)
    if (!stream) await ctx.print(records, {...plan, explicitColumns: true})
  }

  if (!met) {
    const alive = records.filter((r) => r.status === 'alive').length
    if (flags.quiet) process.exitCode = TIMED_OUT
    else throw new ProcError(`timed out after ${flags.timeout}: ${alive} still running`, TIMED_OUT)
  }

  if (foreign > 0) {
    if (flags.quiet) process.exitCode = 1
    else throw new CheckFailed(`${foreign} record(s) read on another host, or before this boot, were not waited for`)
  }
}
