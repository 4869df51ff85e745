import {Command, type Interfaces} from '@oclif/core'

import {type ColumnDef, describeColumns, parseColumns} from './columns/index.js'
import {CheckFailed, INTERNAL_ERROR_EXIT, OUTPUT_ERROR_EXIT, ProcError, UsageError} from './core/errors.js'
import type {Selection, Selectors} from './core/select.js'
import type {TargetSpec} from './core/targets.js'
import {parseRecords, readStdin} from './input/records.js'
import {parseSort, type SortKey} from './core/sort.js'
import {optionalDuration, parseDuration} from './core/units.js'
import {type Format, ndjsonLine, render, type RenderOptions} from './output/render.js'
import {isPid, type ProcessInfo} from './core/process-info.js'
import {escapeControl} from './output/escape.js'
import {watch} from './core/watch.js'
// Watch events carry `change`, like diff records.
import './columns/diff.js'

// oclif's own parse() bounds, which @oclif/core does not export by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FlagOutput = {[name: string]: any}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ArgOutput = {[name: string]: any}

/** One line: oclif's parse errors span several. */
function oneLine(message: string): string {
  return message
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('See more help with'))
    .join(' ')
}

/**
 * `--watch` takes an interval, and may stand alone (`proc tree --watch`): a bare `--watch` not
 * followed by a duration with a unit becomes `--watch=2s`, so `proc tree --watch 1234` still
 * means pid 1234.
 */
export function defaultWatchInterval(argv: string[]): string[] {
  const dd = argv.indexOf('--')
  return argv.map((a, i) => (a === '--watch' && (dd === -1 || i < dd) && !/^(\d+(\.\d+)?|\.\d+)(ms|s|m|h|d)?$/.test(argv[i + 1] ?? '') ? '--watch=2s' : a))
}

/**
 * Bind values to their flags as getopt does, so a value may start with `-`: `--sort -cpu`,
 * `-s -cpu` and `--match --json` become `--sort=-cpu`, `--sort=-cpu` and `--match=--json`
 * (oclif alone would read the value as a flag). `--match -- X` takes X: a pattern that is
 * exactly `--` is written `--match=--`. A bare `--` (not a value) ends the flags.
 */
export function bindFlagValues(argv: readonly string[], flags: Record<string, {type: string; char?: string}>): string[] {
  const valued = new Map<string, string>()
  for (const [name, def] of Object.entries(flags)) {
    if (def.type !== 'option') continue
    valued.set(`--${name}`, name)
    if (def.char) valued.set(`-${def.char}`, name)
  }

  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      out.push(...argv.slice(i))
      break
    }

    const eq = a.indexOf('=')
    if (eq > 0 && valued.has(a.slice(0, eq))) {
      const value = a.slice(eq + 1)
      out.push(`--${valued.get(a.slice(0, eq))}=${value.startsWith('-') ? DASH_GUARD + value : value}`)
      continue
    }

    const name = valued.get(a)
    if (name === undefined || i + 1 >= argv.length) {
      out.push(a)
      continue
    }

    let value = argv[++i]
    if (value === '--' && i + 1 < argv.length) value = argv[++i]
    out.push(`--${name}=${value.startsWith('-') ? DASH_GUARD + value : value}`)
  }

  return out
}

/**
 * oclif refuses a value that looks like one of the command's flags (`-cpu` reads as `-c`), even
 * after `=`: such a value travels with this private-use character in front, removed after parsing.
 */
const DASH_GUARD = '\uE000'

/** Remove the guard from every parsed flag value (multiple and comma-split values included). */
export function unguardFlags<T extends Record<string, unknown>>(flags: T): T {
  const clean = (v: unknown): unknown =>
    typeof v === 'string' ? (v.startsWith(DASH_GUARD) ? v.slice(DASH_GUARD.length) : v) : Array.isArray(v) ? v.map((x) => clean(x)) : v
  for (const key of Object.keys(flags)) (flags as Record<string, unknown>)[key] = clean(flags[key])
  return flags
}

/** Parse a process id the way kill(1) should: a positive decimal integer no larger than pid_max. */
export function parsePid(text: string, flag: string): number {
  const t = text.trim()
  if (!isPid(t)) throw new UsageError(`${flag}: '${text}' is not a process id`)
  return Number(t)
}

/** A TCP/UDP port: 1..65535. */
export function parsePort(text: string): number {
  const t = text.trim()
  if (!/^[1-9]\d*$/.test(t) || Number(t) > 65_535) throw new UsageError(`--port: '${text}' is not a port (1-65535)`)
  return Number(t)
}

/** A non-negative integer flag value (--limit, --depth). */
export function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag}: '${text}' is not a non-negative integer`)
  return Number(text)
}

export interface OutputFlags {
  columns?: string
  format?: string
  header: boolean
  json: boolean
  limit?: string
  sort?: string
}

export interface SelectorFlags {
  'include-self': boolean
  match?: string[]
  name?: string[]
  'older-than'?: string
  pid?: string[]
  port?: string[]
  ppid?: string[]
  session?: string[]
  state?: string[]
  tty?: string[]
  user?: string[]
  where?: string
  'younger-than'?: string
}

export interface OutputPlan {
  format: Format
  columns: ColumnDef[]
  explicitColumns: boolean
  header: boolean
  sort: SortKey[]
  limit?: number
}

/**
 * The base of every proc command: one-line errors with the contracted exit codes,
 * quiet exit on a closed stdout, and the shared parsing of selector and output flags.
 */
export abstract class ProcCommand extends Command {
  /** Exit code for usage errors (spawn uses 125, like timeout(1)). */
  protected usageExitCode = 2
  /** Exit code for unexpected errors (spawn uses 125). */
  protected internalExitCode = INTERNAL_ERROR_EXIT

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    // this.exit() throws an ExitError that oclif must see.
    if (error.oclif?.exit !== undefined && /^EEXIT/.test(error.message)) throw error
    let code: number
    let message: string
    if (error instanceof UsageError) {
      code = this.usageExitCode
      message = error.message
    } else if (error instanceof ProcError) {
      code = error.exitCode
      message = error.message
    } else {
      code = this.internalExitCode
      message = `internal error: ${error.message}`
    }

    writeErr(`proc ${this.id ?? ''}: ${escapeControl(oneLine(message))}\n`.replace(' :', ':'))
    if (/(^|,)proc/.test(process.env.DEBUG ?? '')) writeErr(`${error.stack}\n`)
    process.exitCode = code
  }

  /**
   * Exit code when stdout cannot be written (spawn: none, its status is always the child's).
   * A reader that went away (EPIPE, `proc list | head -1`) is not an error at all.
   */
  protected outputErrorExitCode: number | undefined = OUTPUT_ERROR_EXIT

  override async init(): Promise<void> {
    await super.init()
    guardOutput(this.id ?? '', this.outputErrorExitCode)
  }

  /** this.parse, with every parsing failure turned into a one-line usage error. */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      const flags = (options?.flags ?? {}) as Record<string, {type: string; char?: string}>
      const parsed = await super.parse(options, bindFlagValues(defaultWatchInterval(argv ?? this.argv), flags))
      unguardFlags(parsed.flags)
      return parsed
    } catch (error) {
      if (error instanceof ProcError) throw error
      throw new UsageError(oneLine((error as Error).message))
    }
  }

  protected selectorsFrom(flags: SelectorFlags, extraPids: string[] = []): Selectors {
    const ints = (list: string[] | undefined, flag: string) => list?.map((p) => parsePid(p, flag))
    const pids = [...(ints(flags.pid, '--pid') ?? []), ...extraPids.map((p) => parsePid(p, 'pid argument'))]
    return {
      includeSelf: flags['include-self'],
      match: flags.match,
      name: flags.name?.flatMap((n) => (/^\/.*\/[a-z]*$/s.test(n) ? [n] : n.split(','))),
      olderThanMs: optionalDuration(flags['older-than'], '--older-than'),
      pid: pids.length > 0 ? pids : undefined,
      port: flags.port?.map((p) => parsePort(p)),
      ppid: flags.ppid?.map((p) => parseCount(p, '--ppid')),
      session: flags.session?.map((p) => parseCount(p, '--session')),
      state: flags.state,
      tty: flags.tty,
      user: flags.user?.map((u) => {
        if (u.trim() === '') throw new UsageError('--user: an empty user name')
        return u
      }),
      where: flags.where,
      youngerThanMs: optionalDuration(flags['younger-than'], '--younger-than'),
    }
  }

  /**
   * What a command that acts on processes was given: PIDs, selectors, and records on stdin (read
   * when `-` is an argument, or when nothing else was given and stdin is not a terminal). All of
   * it is parsed and validated here, before the command does anything.
   */
  protected async targetSpec(argv: string[], selection: Selection, what: string): Promise<TargetSpec> {
    const wantStdin = argv.includes('-')
    const pids = argv.filter((a) => a !== '-').map((a) => parsePid(a, 'pid argument'))
    const readInput = wantStdin || (pids.length === 0 && !selection.active && !process.stdin.isTTY)
    if (!readInput && pids.length === 0 && !selection.active) {
      throw new UsageError(`nothing to ${what}: give PIDs, selectors or --where, or records on stdin`)
    }

    const input = readInput ? parseRecords(await readStdin()).records : undefined
    return {input, pids, selection}
  }

  /** Nothing matched, and that was not allowed: exit 1, with a line on stderr unless quiet. */
  protected nothingMatched(quiet: boolean, message = 'no process matched'): void {
    if (!quiet) throw new CheckFailed(message)
    process.exitCode = 1
  }

  /** Validate the output flags. Returns undefined when `--columns help` was answered. */
  protected outputPlan(flags: OutputFlags, defaults: {machine: readonly ColumnDef[]; sort: string; table: string}): OutputPlan | undefined {
    if (flags.columns?.trim() === 'help') {
      this.write(describeColumns() + '\n')
      return undefined
    }

    const format: Format = flags.json ? 'json' : ((flags.format as Format | undefined) ?? 'table')
    const explicitColumns = flags.columns !== undefined
    const columns = explicitColumns
      ? parseColumns(flags.columns!)
      : format === 'table'
        ? parseColumns(defaults.table)
        : [...defaults.machine]
    return {
      columns,
      explicitColumns,
      format,
      header: flags.header,
      limit: flags.limit === undefined ? undefined : parseCount(flags.limit, '--limit'),
      sort: parseSort(flags.sort ?? defaults.sort),
    }
  }

  /** How to render for this stdout: colour and width only on a TTY. */
  protected renderOptions(plan: OutputPlan): RenderOptions {
    const tty = Boolean(process.stdout.isTTY)
    return {
      color: useColor(tty),
      columns: plan.columns,
      format: plan.format,
      header: plan.header,
      project: plan.explicitColumns,
      width: tty ? process.stdout.columns : undefined,
    }
  }

  protected async print(records: readonly object[], plan: OutputPlan): Promise<void> {
    this.write(await render(records, this.renderOptions(plan)))
  }

  /**
   * `--watch`: take a snapshot every interval until Ctrl-C or TERM. With NDJSON, stream one
   * `change: started | exited` line per process that comes or goes. On a terminal, redraw in place
   * on the alternate screen (restored on exit). In a pipe, print each frame after the last.
   */
  protected async watchLoop(
    interval: string,
    plan: OutputPlan,
    take: () => Promise<ProcessInfo[]>,
    draw: (records: ProcessInfo[]) => Promise<string>,
  ): Promise<void> {
    const intervalMs = parseDuration(interval, '--watch')
    if (intervalMs <= 0) throw new UsageError(`--watch: the interval must be more than 0`)
    const stop = new AbortController()
    const onSignal = () => stop.abort()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const screen = plan.format === 'table' && Boolean(process.stdout.isTTY)
    const columns = {columns: plan.columns, project: plan.explicitColumns}
    if (screen) this.write('\u001B[?1049h')
    try {
      await watch(take, intervalMs, async (records, events) => {
        if (plan.format === 'ndjson') {
          for (const e of events) this.write(ndjsonLine(e, columns))
          return
        }

        const text = await draw(records)
        const title = `Every ${interval}: proc ${this.id} — ${new Date().toLocaleTimeString()}\n\n`
        this.write(screen ? `\u001B[H\u001B[2J${title}${text}` : text + (plan.format === 'table' ? '\n' : ''))
      }, stop.signal)
    } finally {
      if (screen) this.write('\u001B[?1049l')
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }

  protected write(text: string): void {
    if (text !== '') writeOut(text)
  }
}

/** Colour only on a TTY; NO_COLOR turns it off, FORCE_COLOR (not 0) turns it on. */
export function useColor(tty: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false'
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return tty
}

let outputFailed: ((error: NodeJS.ErrnoException) => void) | undefined

/**
 * What a failed write does. proc's result is its exit code, and nothing proc fails to print may
 * change it into another result:
 * - stdout, EPIPE: the reader went away: exit now with the result so far (0 if none yet);
 * - stdout, anything else (ENOSPC, EIO): one line on stderr and `code` (4), never a result code;
 *   with `code` undefined (spawn), output failures are ignored;
 * - stderr, anything: messages are lost, the exit code stands.
 */
export function guardOutput(id: string, code: number | undefined): void {
  if (outputFailed) return
  let stderrBroken = false
  process.stderr.on('error', () => {
    stderrBroken = true
  })
  outputFailed = (error) => {
    if (error.code === 'EPIPE' || code === undefined) {
      if (code !== undefined) process.exit(process.exitCode ?? 0)
      return
    }

    if (!stderrBroken) {
      try {
        process.stderr.write(`proc ${id}: cannot write output: ${error.code ?? error.message}\n`.replace(' :', ':'))
      } catch {}
    }

    process.exit(code)
  }

  // @oclif/core's own listener rethrows anything but EPIPE: a stack trace and exit 1.
  process.stdout.removeAllListeners('error')
  process.stdout.on('error', outputFailed)
}

/** Write to stdout; a failure (a file on a full disk throws at once) goes where guardOutput says. */
export function writeOut(text: string): void {
  try {
    process.stdout.write(text)
  } catch (error) {
    if (!outputFailed) throw error
    outputFailed(error as NodeJS.ErrnoException)
  }
}

/** Write to stderr; a message that cannot be written is lost, never an error of its own. */
export function writeErr(text: string): void {
  try {
    process.stderr.write(text)
  } catch {}
}
