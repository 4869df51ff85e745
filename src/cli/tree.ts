
import {parseCount, parsePid} from './argv.js'
import {processColumns} from '../columns/index.js'
import {NoSuchProcess} from '../core/errors.js'
import {emptyRecord, type ProcessInfo} from '../core/process-info.js'
import {neededFields} from '../core/query.js'
import {buildSelection} from '../core/select.js'
import {takeSnapshot} from '../core/snapshot.js'
import {sortRecords} from '../core/sort.js'
import type {ProcessSource} from '../core/sources/index.js'
import {layoutForest, ProcessTree} from '../core/tree.js'
import {optionalDuration} from '../core/units.js'
import {outputFlags, selectorFlags, sourceFlags, watchFlags} from './flags.js'
import {ASCII_GLYPHS, isUtf8Locale, renderForest, UNICODE_GLYPHS} from '../output/tree.js'

const {limit: _limit, ...treeOutputFlags} = outputFlags

import type {Context} from './context.js'
import {type CommandSpec, flag, type Parsed} from './spec.js'

export const spec: CommandSpec = {
  id: 'tree',
  args: {
    pid: {description: 'show only the tree under this process', required: false},
  },
  description: `Show processes as a tree, like pstree.

With selectors or --where, shows the matching processes with their ancestors up to the root
(--descendants adds everything under each match), matches highlighted on a terminal.
Processes are never folded where their pids show, as pstree -p: each has its own line. Identical
sibling threads fold into one line (6*[{node}]); so do identical sibling processes when the pid is
not among the columns, or with --compact. --no-compact folds nothing.
JSON nests records in "children"; NDJSON and CSV are flat, depth-first, with depth and ppid.`,
  examples: [
    {command: '<%= config.bin %> <%= command.id %>', description: 'the whole forest'},
    {command: '<%= config.bin %> <%= command.id %> 1234', description: 'the tree under process 1234'},
    {command: '<%= config.bin %> <%= command.id %> --name node --descendants', description: 'node processes, their ancestors and everything they started'},
    {command: '<%= config.bin %> <%= command.id %> --columns pid,user,rss,command --depth 2', description: 'more columns, two levels deep'},
    {command: '<%= config.bin %> <%= command.id %> $$ --json', description: 'this shell and its children as nested JSON'},
  ],
  flags: {
    ...selectorFlags,
    ...treeOutputFlags,
    ...sourceFlags,
    ...watchFlags,
    threads: flag.boolean({
      allowNo: true,
      default: true,
      description: 'show threads as {name} under their process, folded like pstree (4*[{node}]); nested JSON lists them in threadList',
      helpGroup: 'OUTPUT',
    }),
    ascii: flag.boolean({description: 'draw with ASCII instead of box-drawing characters', helpGroup: 'OUTPUT'}),
    compact: flag.boolean({
      allowNo: true,
      description: 'fold identical sibling leaves into N*[command], processes too (default: threads, and processes only when no pid is shown); --no-compact folds nothing',
      helpGroup: 'OUTPUT',
    }),
    depth: flag.option({description: 'show at most this many levels below the roots', helpGroup: 'OUTPUT'}),
    descendants: flag.boolean({description: 'with selectors: also show everything under each match', helpGroup: 'SELECT'}),
  },
  usage: '<%= command.id %> [PID] [FLAGS]',
}

export async function action(ctx: Context, {args, flags}: Parsed): Promise<void> {
  const rootPid = args.pid === undefined ? undefined : parsePid(args.pid, 'pid argument')
  const selection = buildSelection(ctx.selectorsFrom(flags))
  const plan = ctx.outputPlan({...flags, limit: undefined}, {machine: processColumns, sort: 'pid', table: 'pid,command'})
  if (!plan) return
  const maxDepth = flags.depth === undefined ? undefined : parseCount(flags.depth, '--depth')
  const sampleMs = optionalDuration(flags.sample, '--sample')
  const source = ctx.source(flags, selection, plan)

  const fields = neededFields({columns: plan.columns, fullRecords: plan.wholeRecords, selection, sort: plan.sort})
  fields.add('name')
  const table = plan.format === 'table'
  // Threads as pstree shows them: the table draws them as {name} leaves, nested JSON lists them.
  const showThreads = flags.threads && (table || plan.format === 'json') && source.threadsOf !== undefined
  if (showThreads) fields.add('threads')
  const take = async () => {
    const records = (await takeSnapshot(source, {fields, sampleMs})).filter((r) => selection.keep(r))
    return showThreads ? withThreads(records, source, table) : records
  }

  // Leaves fold when everything shown but their pids is the same.
  const shown = plan.columns.filter((c) => c.id !== 'pid')
  const fold = table && flags.compact !== false && shown.length > 0
  // Processes whose pids show differ: they fold only when asked (pstree -p never folds them).
  const foldProcesses = flags.compact === true || !plan.columns.some((c) => c.id === 'pid')
  const draw = async (records: ProcessInfo[]) => {
    const tree = new ProcessTree(sortRecords(records, plan.sort), () => 0)
    if (rootPid !== undefined && !tree.get(rootPid)) throw new NoSuchProcess(rootPid)
    // A thread's leaf is never a match of its own.
    const matched = selection.active ? new Set(selection.narrow(records.filter((r) => r.tid === undefined && selection.test(r))).map((r) => r.pid)) : undefined
    const rows = layoutForest(tree, {
      descendants: flags.descendants,
      foldKey: fold ? (r) => (r.tid === undefined && !foldProcesses ? undefined : shown.map((c) => String(c.value(r as unknown as Record<string, unknown>))).join('\u0000')) : undefined,
      match: matched ? (r) => matched.has(r.pid) : undefined,
      maxDepth,
      rootPid,
    })
    return renderForest(rows, {
      ...ctx.renderOptions(plan),
      glyphs: flags.ascii || !isUtf8Locale() ? ASCII_GLYPHS : UNICODE_GLYPHS,
      highlight: selection.active,
    })
  }

  if (flags.watch === undefined) ctx.write(await draw(await take()))
  else await ctx.watchLoop(flags.watch, plan, take, draw)
}

/**
 * Add each multi-threaded process's other threads: as leaf records `{name}` under it (pid: the
 * tid) for the table, where identical ones fold as pstree folds them; as `threadList` for JSON.
 */
function withThreads(records: ProcessInfo[], source: ProcessSource, leaves: boolean): ProcessInfo[] {
  const out = [...records]
  for (const r of records) {
    if ((r.threads ?? 1) <= 1 || r.state === 'Z') continue
    const threads = source.threadsOf!(r.pid)
    if (!leaves) {
      if (threads.length > 0) r.threadList = threads
      continue
    }

    for (const t of threads) {
      const leaf = emptyRecord(t.tid)
      Object.assign(leaf, {command: `{${t.name}}`, name: `{${t.name}}`, ppid: r.pid, tid: t.tid})
      out.push(leaf)
    }
  }

  return out
}
