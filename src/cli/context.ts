// What an action is given besides its parsed flags: the command's id, proc's root directory, and
// the helpers every command shares (selectors, output plans, printing, --watch). It does not
// depend on oclif: the fast path and the oclif command classes both build one.

import {fitColumns, scopeColumns} from '../columns/index.js'
import type {Selection, Selectors} from '../core/select.js'
import type {TargetSpec} from '../core/targets.js'
import {CheckFailed, UsageError} from '../core/errors.js'
import {parseRecords, readStdin} from '../input/records.js'
import {JsonWriter, render, type RenderOptions} from '../output/render.js'
import type {ProcessInfo} from '../core/process-info.js'
import {type ProcessSource, requireFields} from '../core/sources/index.js'
import {isTerminal, terminalColumns, useColor, writeErr, writeOut, guardOutput} from '../output/stdio.js'
import {exitCodesOf, reportError} from './exit-policy.js'
import {type OutputFlags, type OutputPlan, type PlanDefaults, planOutput} from './output-plan.js'
import {type SelectorFlags, selectorsFrom, sourceOf} from './selector-flags.js'
import {watchLoop} from './watch-screen.js'
// Watch events carry `change`, like diff records.
import '../columns/diff.js'
import {parsePid} from './argv.js'
import type {Action, CommandSpec, Parsed} from './spec.js'

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
    return selectorsFrom(flags, extraPids)
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

  /** Validate the output flags (output-plan.ts). Returns undefined when `--columns help` was answered. */
  outputPlan(flags: OutputFlags, defaults: PlanDefaults): OutputPlan | undefined {
    return planOutput(this.id, flags, defaults, (text) => this.write(text))
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

export {exitCodesOf, reportError} from './exit-policy.js'
export type {OutputFlags, OutputPlan} from './output-plan.js'
export type {SelectorFlags} from './selector-flags.js'

/** Run an action on parsed input, as both paths do: output guarded, errors reported. */
export async function runAction(spec: CommandSpec, action: Action, parsed: Parsed, root: string): Promise<void> {
  guardOutput(spec.id, exitCodesOf(spec).output)
  try {
    await action(new Context(spec.id, root), parsed)
  } catch (error) {
    reportError(spec, error as Error)
  }
}
