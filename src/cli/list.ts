import {readFileSync} from 'node:fs'
import path from 'node:path'

import {getColumn, parseColumns, processColumns} from '../columns/index.js'
import {UsageError} from '../core/errors.js'
import {buildSelection} from '../core/select.js'
import {eachProcess, type Query, queryProcesses} from '../core/query.js'
import {optionalDuration} from '../core/units.js'
import {checkMetricColumns, DEFAULT_METRIC_COLUMNS, GROUP_BY, type GroupBy, METRIC_LABEL_COLUMNS} from '../output/openmetrics.js'
import {LIST_FORMATS, render} from '../output/render.js'
import {outputFlags, selectorFlags, sourceFlags, watchFlags} from './flags.js'

import type {Context} from './context.js'
import {type CommandSpec, flag, type Parsed} from './spec.js'

export const spec: CommandSpec = {
  id: 'list',
  args: {
    pid: {description: 'process ids to list (same as --pid)', required: false},
  },
  description: `List processes, like ps.

Selectors AND together; repeated values of one selector OR. proc never lists itself unless --include-self.
The table shows PID PPID USER %CPU RSS S ELAPSED COMMAND by default; --columns picks others
(--columns help lists them). JSON, NDJSON and CSV carry whole records unless --columns is given,
so they can be piped into other proc commands.

--format openmetrics writes gauges for Prometheus (node_exporter's textfile collector, a
Pushgateway): per process cpu_time_seconds, rss_bytes, threads and start_time_seconds (--columns
picks other numeric columns), labelled pid, ppid, name, user and unit; or, with --group-by, sums
per name, user or unit. Counts by state and by user, and the zombie count, come with either.`,
  examples: [
    {command: '<%= config.bin %> <%= command.id %>', description: 'every process, ps-style'},
    {command: '<%= config.bin %> <%= command.id %> --name node --sort -rss --limit 5', description: 'the five node processes using the most memory'},
    {command: `<%= config.bin %> <%= command.id %> --where 'rssBytes > 100MB and elapsedMs > 1h'`, description: 'large, long-running processes'},
    {command: '<%= config.bin %> <%= command.id %> --user root --columns pid,ppid,user,command --format csv', description: 'CSV for a spreadsheet'},
    {command: `<%= config.bin %> <%= command.id %> --match 'webpack|vite' --json`, description: 'JSON records, ready to pipe into proc kill'},
    {command: '<%= config.bin %> <%= command.id %> --name sshd --fail-on-empty --count', description: 'count matches; exit 1 when there are none'},
    {command: '<%= config.bin %> <%= command.id %> --sample 500ms --sort -cpu --limit 10', description: 'top 10 by CPU over half a second, like top'},
    {command: '<%= config.bin %> <%= command.id %> --format openmetrics --group-by unit > proc.prom', description: 'CPU and memory per systemd unit, for Prometheus (see the README for node_exporter)'},
  ],
  flags: {
    ...selectorFlags,
    ...outputFlags,
    format: {...outputFlags.format, options: [...LIST_FORMATS]},
    'group-by': flag.option({
      description: 'with --format openmetrics: one summed series per name, user or systemd unit instead of one per process',
      helpGroup: 'OUTPUT',
      options: [...GROUP_BY],
    }),
    ...sourceFlags,
    ...watchFlags,
    delimiter: flag.option({char: 'd', description: 'with --format pids: what separates the pids (default a newline), as pgrep -d', helpGroup: 'OUTPUT'}),
    threads: flag.boolean({
      char: 'T',
      description: 'one row per thread, with its tid, as ps -L and top -H (procfs); its pid, identity and command are its process\'s',
      helpGroup: 'OUTPUT',
    }),
    count: flag.boolean({description: 'print only the number of matching processes', helpGroup: 'OUTPUT'}),
    'fail-on-empty': flag.boolean({description: 'exit 1 when nothing matched (for `if proc list ...; then`)'}),
    schema: flag.boolean({description: 'print the JSON Schema of the record every command writes, and exit'}),
  },
  strict: false,
  usage: '<%= command.id %> [PID...] [FLAGS]',
}

export async function action(ctx: Context, {argv, flags}: Parsed): Promise<void> {
  if (flags.schema) {
    ctx.write(readFileSync(path.join(ctx.root, 'schemas/record.schema.json'), 'utf8'))
    return
  }

  const selection = buildSelection(ctx.selectorsFrom(flags, argv as string[]))
  const plan = ctx.outputPlan(flags, {
    machine: flags.threads ? [...processColumns.slice(0, 1), getColumn('tid'), ...processColumns.slice(1)] : processColumns,
    sort: flags.threads ? 'pid,tid' : 'pid',
    table: flags.threads ? 'pid,tid,user,cpu,state,time,name,command' : 'pid,ppid,user,cpu,rss,state,elapsed,command',
  })
  if (!plan) return
  const metrics = plan.format === 'openmetrics'
  const groupBy = flags['group-by'] as GroupBy | undefined
  if (groupBy && !metrics) throw new UsageError('--group-by goes with --format openmetrics')
  if (metrics) {
    if (flags.threads) throw new UsageError('--format openmetrics has a series per process, not per thread: it does not go with --threads')
    if (flags.watch !== undefined) throw new UsageError('--format openmetrics does not go with --watch: run it from a timer (see the README)')
    if (groupBy && plan.limit !== undefined) throw new UsageError('--limit caps the per-process series; with --group-by every group is written')
    if (!plan.explicitColumns) plan.columns = parseColumns(DEFAULT_METRIC_COLUMNS)
    checkMetricColumns(plan.columns, groupBy, plan.explicitColumns)
  }

  const sampleMs = optionalDuration(flags.sample, '--sample')
  const source = ctx.source(flags, selection, plan)
  if (flags.threads && !source.threadsOf) throw new UsageError(`--threads: the ${source.id} source lists processes, not threads`)

  const q: Query = {
    // Metrics are labelled with pid, ppid, name, user and unit, and counted by state.
    columns: flags.count ? [] : metrics ? [...plan.columns, ...parseColumns(METRIC_LABEL_COLUMNS)] : plan.columns,
    fullRecords: !flags.count && plan.wholeRecords,
    // The summaries count every selected process; --limit caps only the per-process series.
    limit: metrics ? undefined : plan.limit,
    sampleMs,
    selection,
    sort: plan.sort,
    threads: flags.threads,
  }
  if (flags.watch !== undefined) {
    await ctx.watchLoop(flags.watch, plan, () => queryProcesses(source, q), (records) => render(records, ctx.renderOptions(plan)))
    return
  }

  let found: number
  if (metrics) {
    const records = await queryProcesses(source, q)
    found = records.length
    ctx.write(await render(records, {...ctx.renderOptions(plan), groupBy, limit: plan.limit}))
  } else if (flags.count) {
    found = await eachProcess(source, q, () => {})
    ctx.write(`${found}\n`)
  } else {
    found = await ctx.printEach(plan, (visit) => eachProcess(source, q, visit))
  }

  // Like ps -p: pids asked for by number, none of which exists, is a failure.
  const explicitPids = (argv as string[]).length > 0 || (flags.pid?.length ?? 0) > 0
  if ((flags['fail-on-empty'] || explicitPids) && found === 0) process.exitCode = 1
}
