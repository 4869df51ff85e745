
import {parseCount, parsePid} from './argv.js'
import {processColumns} from '../columns/index.js'
import {NoSuchProcess} from '../core/errors.js'
import type {ProcessInfo} from '../core/process-info.js'
import {neededFields} from '../core/query.js'
import {buildSelection} from '../core/select.js'
import {takeSnapshot} from '../core/snapshot.js'
import {sortRecords} from '../core/sort.js'
import {openSource, type SourceName} from '../core/sources/index.js'
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
Identical sibling leaves fold into one line (3*[sleep 60]) unless --no-compact.
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
    ascii: flag.boolean({description: 'draw with ASCII instead of box-drawing characters', helpGroup: 'OUTPUT'}),
    compact: flag.boolean({allowNo: true, default: true, description: 'fold identical sibling leaves into N*[command]', helpGroup: 'OUTPUT'}),
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
  const source = openSource({procfsRoot: flags.procfs, source: flags.source as SourceName | undefined})

  const fields = neededFields({columns: plan.columns, fullRecords: plan.format !== 'table' && !plan.explicitColumns, selection, sort: plan.sort})
  fields.add('name')
  const take = async () => (await takeSnapshot(source, {fields, sampleMs})).filter((r) => flags['include-self'] || r.pid !== process.pid)

  const table = plan.format === 'table'
  // Leaves fold when everything shown but their pids is the same.
  const shown = plan.columns.filter((c) => c.id !== 'pid')
  const fold = table && flags.compact && shown.length > 0
  const draw = async (records: ProcessInfo[]) => {
    const tree = new ProcessTree(sortRecords(records, plan.sort), () => 0)
    if (rootPid !== undefined && !tree.get(rootPid)) throw new NoSuchProcess(rootPid)
    const matched = selection.active ? new Set(selection.narrow(records.filter((r) => selection.test(r))).map((r) => r.pid)) : undefined
    const rows = layoutForest(tree, {
      descendants: flags.descendants,
      foldKey: fold ? (r) => shown.map((c) => String(c.value(r as unknown as Record<string, unknown>))).join('\u0000') : undefined,
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
