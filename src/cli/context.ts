// What an action is given besides its parsed flags: the command's id, proc's root directory, and
// the helpers every command shares (selectors, output plans, printing, --watch). It does not
// depend on oclif: the fast path and the oclif command classes both build one.

import {readFileSync, statSync} from 'node:fs'

import {allColumns, type ColumnDef, describeColumns, fitColumns, parseColumns, scopeColumns} from '../columns/index.js'
import {CheckFailed, INTERNAL_ERROR_EXIT, OUTPUT_ERROR_EXIT, ProcError, UsageError} from '../core/errors.js'
import type {Selection, Selectors} from '../core/select.js'
import type {TargetSpec} from '../core/targets.js'
import {parseRecords, readStdin} from '../input/records.js'
import {parseSort, type SortKey} from '../core/sort.js'
import {optionalDuration} from '../core/units.js'
import {type Format, JsonWriter, render, type RenderOptions} from '../output/render.js'
import {type Field, NAMESPACES, type ProcessInfo} from '../core/process-info.js'
import {openSource, type ProcessSource, requireFields, type SourceName} from '../core/sources/index.js'
import {escapeControl} from '../output/escape.js'
import {guardOutput, isTerminal, terminalColumns, useColor, writeErr, writeOut} from '../output/stdio.js'
import {watchLoop} from './watch-screen.js'
// Watch events carry `change`, like diff records.
import '../columns/diff.js'
import {oneLine, parseCount, parsePid, parsePort} from './argv.js'
import type {Action, CommandSpec, Parsed} from './spec.js'

export interface OutputFlags {
  columns?: string
  /** The source flags, where the command has them: --columns help lists what that source can give. */
  source?: string
  procfs?: string
  /** list and tree: --watch's events carry `change`, as diff records do. */
  watch?: string
  delimiter?: string
  wide?: boolean
  format?: string
  header: boolean
  json: boolean
  limit?: string
  sort?: string
}

export interface SelectorFlags {
  'ignore-case'?: boolean
  newest?: boolean
  oldest?: boolean
  pidfile?: string
  'pidfile-locked'?: boolean
  cgroup?: string[]
  env?: string[]
  'include-self': boolean
  kernel?: boolean
  ns?: string
  nslist?: string[]
  procfs?: string
  source?: string
  match?: string[]
  name?: string[]
  'older-than'?: string
  pid?: string[]
  port?: string[]
  ppid?: string[]
  'real-group'?: string[]
  'real-user'?: string[]
  session?: string[]
  state?: string[]
  tty?: string[]
  user?: string[]
  where?: string
  'younger-than'?: string
}

export interface OutputPlan {
  delimiter?: string
  format: Format
  wide?: boolean
  columns: ColumnDef[]
  explicitColumns: boolean
  /** The output shows whole records (JSON, NDJSON and CSV without --columns): every field is read. */
  wholeRecords: boolean
  header: boolean
  sort: SortKey[]
  limit?: number
}

/** The source --source and --procfs name. */
function sourceOf(flags: {procfs?: string; source?: string}, command?: string): ProcessSource {
  const note = command === undefined ? undefined : (line: string) => writeErr(`proc ${command}: ${line}\n`)
  return openSource({note, procfsRoot: flags.procfs, source: flags.source as SourceName | undefined})
}

/**
 * The pid a pidfile holds (its first line, as pgrep -F reads it). With `locked`, the file must be
 * locked by some process (flock or fcntl, as a running daemon holds its pidfile), as pgrep -L.
 */
function pidFromFile(file: string, locked: boolean, flags: SelectorFlags): number {
  let text: string
  let inode: {dev: number; ino: number}
  try {
    text = readFileSync(file, 'utf8')
    inode = statSync(file)
  } catch (error) {
    throw new UsageError(`--pidfile: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }

  const pid = parsePid(text.split('\n')[0], `--pidfile ${file}`)
  if (locked) {
    const source = sourceOf(flags)
    if (!source.isLocked) throw new UsageError('--pidfile-locked needs the procfs source')
    if (!source.isLocked(inode.dev, inode.ino)) throw new CheckFailed(`--pidfile-locked: ${file} is not locked`)
  }

  return pid
}

function fail(message: string): never {
  throw new UsageError(message)
}

/** The namespace inodes of pid that --ns compares (--nslist picks them; default all). */
function namespacesOf(pid: number, flags: SelectorFlags): Partial<Record<Field, number>> {
  const source = sourceOf(flags)
  if (!source.readOne) throw new UsageError('--ns needs the procfs source')
  const kinds = (flags.nslist ?? Object.keys(NAMESPACES)) as Array<keyof typeof NAMESPACES>
  const fields = kinds.map((k) => NAMESPACES[k])
  const ref = source.readOne(pid, new Set(['pid', ...fields]))
  if (!ref) throw new UsageError(`--ns: no process ${pid}`)
  const out: Partial<Record<Field, number>> = {}
  for (const [i, f] of fields.entries()) {
    const inode = ref[f]
    if (inode == null) throw new UsageError(`--ns: cannot read the ${kinds[i]} namespace of ${pid}`)
    out[f] = inode
  }

  return out
}

/** Names or ids, none of them empty. */
function nonEmpty(values: string[] | undefined, flag: string): string[] | undefined {
  return values?.map((v) => {
    if (v.trim() === '') throw new UsageError(`${flag}: an empty name`)
    return v
  })
}

/** The helpers of one command run. */
export class Context {
  constructor(
    readonly id: string,
    /** proc's package directory (schemas/ lives there). */
    readonly root: string,
  ) {
    // --columns, --sort and --where know this command's columns, and no other's.
    scopeColumns(id)
  }

  /**
   * The source the flags name (--source, --procfs), checked against what the selectors and the
   * explicit columns read: a field it cannot give is a usage error naming the source.
   */
  source(flags: {procfs?: string; source?: string}, selection?: Selection, plan?: OutputPlan): ProcessSource {
    const source = sourceOf(flags, this.id)
    if (selection) requireFields(source, selection.needs, 'the selectors')
    if (plan?.explicitColumns) requireFields(source, plan.columns.flatMap((c) => c.needs), '--columns')
    else if (plan && (plan.format === 'table' || plan.format === 'list')) plan.columns = fitColumns(plan.columns, source.fields)
    return source
  }

  selectorsFrom(flags: SelectorFlags, extraPids: string[] = []): Selectors {
    const ints = (list: string[] | undefined, flag: string) => list?.map((p) => parsePid(p, flag))
    const pids = [...(ints(flags.pid, '--pid') ?? []), ...extraPids.map((p) => parsePid(p, 'pid argument'))]
    if (flags['pidfile-locked'] && flags.pidfile === undefined) throw new UsageError('--pidfile-locked needs --pidfile FILE')
    if (flags.pidfile !== undefined) pids.push(pidFromFile(flags.pidfile, flags['pidfile-locked'] ?? false, flags))
    return {
      cgroup: flags.cgroup,
      env: flags.env,
      ignoreCase: flags['ignore-case'],
      pick: flags.newest ? 'newest' : flags.oldest ? 'oldest' : undefined,
      includeSelf: flags['include-self'],
      kernel: flags.kernel,
      ns: flags.ns === undefined ? (flags.nslist ? fail('--nslist needs --ns PID') : undefined) : namespacesOf(parsePid(flags.ns, '--ns'), flags),
      match: flags.match,
      name: flags.name?.flatMap((n) => (/^\/.*\/[a-z]*$/s.test(n) ? [n] : n.split(','))),
      olderThanMs: optionalDuration(flags['older-than'], '--older-than'),
      pid: pids.length > 0 ? pids : undefined,
      port: flags.port?.map((p) => parsePort(p)),
      ppid: flags.ppid?.map((p) => parseCount(p, '--ppid')),
      realGroup: nonEmpty(flags['real-group'], '--real-group'),
      realUser: nonEmpty(flags['real-user'], '--real-user'),
      session: flags.session?.map((p) => parseCount(p, '--session')),
      state: flags.state,
      tty: flags.tty,
      user: nonEmpty(flags.user, '--user'),
      where: flags.where,
      youngerThanMs: optionalDuration(flags['younger-than'], '--younger-than'),
    }
  }

  /**
   * What a command that acts on processes was given: PIDs, selectors, and records on stdin (read
   * when `-` is an argument, or when nothing else was given and stdin is not a terminal). All of
   * it is parsed and validated here, before the command does anything.
   */
  async targetSpec(argv: string[], selection: Selection, what: string): Promise<TargetSpec> {
    const wantStdin = argv.includes('-')
    const pids = argv.filter((a) => a !== '-').map((a) => parsePid(a, 'pid argument'))
    const readInput = wantStdin || (pids.length === 0 && !selection.active && !isTerminal(0))
    if (!readInput && pids.length === 0 && !selection.active) {
      throw new UsageError(`nothing to ${what}: give PIDs, selectors or --where, or records on stdin`)
    }

    const input = readInput ? parseRecords(await readStdin()).records : undefined
    const threads = input?.filter((r) => r.tid !== undefined) ?? []
    if (threads.length > 0) {
      const processes = new Set(threads.map((r) => r.pid)).size
      writeErr(`proc ${this.id}: ${threads.length} thread record(s): acting on their ${processes} process(es); a single thread is never signalled\n`)
    }

    return {input, pids, selection}
  }

  /** Nothing matched, and that was not allowed: exit 1, with a line on stderr unless quiet. */
  nothingMatched(quiet: boolean, message = 'no process matched'): void {
    if (!quiet) throw new CheckFailed(message)
    process.exitCode = 1
  }

  /** Validate the output flags. Returns undefined when `--columns help` was answered. */
  outputPlan(flags: OutputFlags, defaults: {machine: readonly ColumnDef[]; sort: string; table: string}): OutputPlan | undefined {
    if (flags.watch !== undefined) scopeColumns(`${this.id} --watch`)
    if (flags.columns?.trim() === 'help') {
      // What this command prints on this platform's source (a column whose fields the source
      // cannot give is left out, and counted). Wrapped to a terminal, between words; one line a
      // column for a pipe (grep).
      const source = sourceOf(flags)
      const offered = allColumns().filter((c) => c.needs.every((f) => source.fields.has(f)))
      const missing = allColumns().length - offered.length
      const note = missing > 0 ? `\n(${missing} more column(s) need fields the ${source.id} source cannot give)` : ''
      this.write(describeColumns(offered, isTerminal(1) ? terminalColumns() : undefined) + note + '\n')
      return undefined
    }

    const format: Format = flags.json ? 'json' : ((flags.format as Format | undefined) ?? 'table')
    if (flags.delimiter !== undefined && format !== 'pids') throw new UsageError('--delimiter goes with --format pids')
    const explicitColumns = flags.columns !== undefined
    // The list format shows what the table shows, one record a block; pids show the pid alone, so
    // pgrep's use (proc list --match X --format pids) reads no more than the selection needs.
    const columns = explicitColumns
      ? parseColumns(flags.columns!)
      : format === 'table' || format === 'list'
        ? parseColumns(defaults.table)
        : format === 'pids'
          ? parseColumns('pid')
          : [...defaults.machine]
    return {
      columns,
      delimiter: flags.delimiter,
      wide: flags.wide,
      explicitColumns,
      wholeRecords: !explicitColumns && (format === 'json' || format === 'ndjson' || format === 'csv'),
      format,
      header: flags.header,
      limit: flags.limit === undefined ? undefined : parseCount(flags.limit, '--limit'),
      sort: parseSort(flags.sort ?? defaults.sort),
    }
  }

  /** How to render for this stdout: colour and width only on a TTY. */
  renderOptions(plan: OutputPlan): RenderOptions {
    const tty = isTerminal(1)
    return {
      color: useColor(tty),
      columns: plan.columns,
      delimiter: plan.delimiter,
      format: plan.format,
      header: plan.header,
      project: plan.explicitColumns,
      width: plan.wide ? undefined : terminalColumns(),
    }
  }

  async print(records: readonly object[], plan: OutputPlan): Promise<void> {
    this.write(await render(records, this.renderOptions(plan)))
  }

  /**
   * Print what `produce` hands on, record by record; how many. JSON, NDJSON and the table take each
   * record as it comes (JsonWriter, TableWriter) and let it go; other formats need them all first.
   */
  async printEach(plan: OutputPlan, produce: (visit: (record: ProcessInfo) => void) => Promise<number>): Promise<number> {
    const options = this.renderOptions(plan)
    const out =
      plan.format === 'json' || plan.format === 'ndjson'
        ? new JsonWriter(plan.format, options)
        : plan.format === 'table'
          ? new (await import('../output/table.js')).TableWriter(options)
          : undefined
    if (out) {
      const n = await produce((r) => out.add(r))
      this.write(await out.end())
      return n
    }

    const records: ProcessInfo[] = []
    const n = await produce((r) => records.push(r))
    await this.print(records, plan)
    return n
  }

  /** `--watch` (watch-screen.ts). */
  async watchLoop(
    interval: string,
    plan: OutputPlan,
    take: () => Promise<ProcessInfo[]>,
    draw: (records: ProcessInfo[]) => Promise<string>,
  ): Promise<void> {
    await watchLoop((text) => this.write(text), interval, plan, take, draw)
  }

  write(text: string | Uint8Array): void {
    if (text.length > 0) writeOut(text)
  }
}

/** proc's own exit codes for a command: spawn's are 125, so they never read as the child's. */
export function exitCodesOf(spec: CommandSpec): {internal: number; output: number | undefined; usage: number} {
  return spec.exitCodes ?? {internal: INTERNAL_ERROR_EXIT, output: OUTPUT_ERROR_EXIT, usage: 2}
}

/**
 * An error out of a command, as one line on stderr and the contracted exit code: usage errors 2
 * (spawn 125), proc's own checks their code, anything unexpected the internal-error code.
 */
export function reportError(spec: CommandSpec, error: Error): void {
  const codes = exitCodesOf(spec)
  let code: number
  let message: string
  if (error instanceof UsageError) {
    code = codes.usage
    message = error.message
  } else if (error instanceof ProcError) {
    code = error.exitCode
    message = error.message
  } else {
    code = codes.internal
    message = `internal error: ${error.message}`
  }

  writeErr(`proc ${spec.id}: ${escapeControl(oneLine(message))}\n`)
  if (/(^|,)proc/.test(process.env.DEBUG ?? '')) writeErr(`${error.stack}\n`)
  process.exitCode = code
}

/** Run an action on parsed input, as both paths do: output guarded, errors reported. */
export async function runAction(spec: CommandSpec, action: Action, parsed: Parsed, root: string): Promise<void> {
  guardOutput(spec.id, exitCodesOf(spec).output)
  try {
    await action(new Context(spec.id, root), parsed)
  } catch (error) {
    reportError(spec, error as Error)
  }
}
