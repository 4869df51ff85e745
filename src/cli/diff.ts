import {readFileSync} from 'node:fs'

import {processColumns} from '../columns/index.js'
import {changeColumn} from '../columns/diff.js'
import {UsageError} from '../core/errors.js'
import {type Change, diffSnapshots, ofHost, pipelinePartners} from '../core/diff.js'
import {type Field, FIELDS, type ProcessInfo} from '../core/process-info.js'
import {buildSelection} from '../core/select.js'
import {sortRecords} from '../core/sort.js'
import {ancestorPids} from '../core/targets.js'
import type {ProcessSource} from '../core/sources/index.js'
import {outputFlags, selectorFlags, sourceFlags} from './flags.js'
import {parseSnapshot, readStdin} from '../input/records.js'
import {writeErr} from '../output/stdio.js'

const {sample: _sample, ...diffSourceFlags} = sourceFlags

/** A snapshot file, or stdin for `-` (read as a stream: a pipe may be non-blocking, EAGAIN). */
async function readSnapshot(file: string): Promise<ProcessInfo[]> {
  let text: string
  try {
    text = file === '-' ? await readStdin() : readFileSync(file, 'utf8')
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }

  return parseSnapshot(text, file) as unknown as ProcessInfo[]
}

/**
 * A snapshot file that does not record a field a selector reads would match nothing, silently:
 * an empty diff that reads as "no leak". Refuse it instead.
 */
function requireFields(records: readonly ProcessInfo[], needs: ReadonlySet<Field>, file: string): void {
  if (records.length === 0) return
  for (const f of needs) {
    if (records.every((r) => r[f] === undefined)) throw new UsageError(`${file} does not record ${f}, which the selectors need (write it with proc list --json --columns ...,${f})`)
  }
}

import type {Context} from './context.js'
import {type CommandSpec, flag, type Parsed} from './spec.js'

export const spec: CommandSpec = {
  id: 'diff',
  args: {
    // Checked in the action, after --columns help (which needs no snapshot).
    before: {description: 'the earlier snapshot (JSON, NDJSON or CSV from proc list; - for stdin)', required: false},
    after: {description: 'the later snapshot (default: the processes running now)', required: false},
  },
  description: `Compare process snapshots: what started, and what is gone.

What started since the snapshot; with --exited, also what is gone.

Processes are matched by identity (host + pid + startTicks + bootId), so a recycled pid shows as
one process exited and another started, and snapshots merged from several hosts compare host by
host. Against the processes running now, only this host's records of the earlier snapshot count.
Selectors and --where pick which changes to show; each record gets change: started | exited.
--fail-on-new exits 1 when anything new matches: a leak gate for CI.`,
  examples: [
    {command: '<%= config.bin %> list --json > before.json; make test; <%= config.bin %> <%= command.id %> before.json', description: 'what the tests left running'},
    {command: `<%= config.bin %> <%= command.id %> before.json --where 'user == "ci"' --fail-on-new`, description: 'a one-line CI leak gate'},
    {command: '<%= config.bin %> <%= command.id %> monday.csv tuesday.csv --exited --format csv', description: 'compare two saved snapshots'},
  ],
  flags: {
    ...selectorFlags,
    ...outputFlags,
    ...diffSourceFlags,
    exited: flag.boolean({description: 'also show processes that are gone'}),
    'fail-on-new': flag.boolean({description: 'exit 1 when a new process matches'}),
  },
}

export async function action(ctx: Context, {args, flags}: Parsed): Promise<void> {
  const selection = buildSelection(ctx.selectorsFrom(flags))
  const plan = ctx.outputPlan(flags, {machine: [...processColumns, changeColumn], sort: 'pid', table: 'change,pid,ppid,user,elapsed,command'})
  if (!plan) return
  if (args.before === undefined) throw new UsageError('no snapshot given: proc diff BEFORE [AFTER] (BEFORE from proc list --json; - for stdin)')
  let before = await readSnapshot(args.before)
  let after: ProcessInfo[]
  let source: ProcessSource | undefined
  if (args.after === undefined) {
    source = ctx.source(flags, selection)
    // Whole records, and whatever the selectors read beyond them (--env, --port, --cgroup...).
    after = await source.list({fields: new Set([...FIELDS, ...selection.needs])})
    // Another host's processes are not among those running here: they did not exit.
    const here = ofHost(before, source.machine().host)
    if (here.length < before.length) {
      writeErr(`proc diff: ${before.length - here.length} record(s) of ${before.length} were read on another host and are left out (compare two snapshots to see them)\n`)
      before = here
    }
  } else {
    after = await readSnapshot(args.after)
  }

  // proc's own pipeline partners (| tee, | head) and the shell running it are not new
  // processes, as proc itself is not.
  const pipes = source?.stdioPipes?.bind(source)
  const ours = args.after === undefined ? new Set([...(pipes ? pipelinePartners(after, pipes) : []), ...ancestorPids(after)]) : new Set<number>()
  const diff = diffSnapshots(before, after)
  const {exited} = diff
  const started = diff.started.filter((r) => !ours.has(r.pid))
  if (args.after !== undefined) requireFields(started, selection.needs, args.after)
  if (flags.exited) requireFields(exited, selection.needs, args.before!)
  const tag = (records: ProcessInfo[], change: Change) => selection.narrow(records.filter((r) => selection.test(r))).map((r) => ({...r, change}))
  const changes = sortRecords([...tag(started, 'started'), ...(flags.exited ? tag(exited, 'exited') : [])], plan.sort)
  const shown = plan.limit === undefined ? changes : changes.slice(0, plan.limit)
  await ctx.print(shown, plan)
  if (flags['fail-on-new'] && changes.some((c) => c.change === 'started')) process.exitCode = 1
}

