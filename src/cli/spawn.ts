import {writeFileSync} from 'node:fs'

import {isTerminal, writeErr} from '../output/stdio.js'
import {spawnColumns} from '../columns/spawn.js'
import {UsageError} from '../core/errors.js'
import type {KillRecord} from '../core/kill.js'
import {type LeakMode, settleLeaks} from '../core/leak-phase.js'
import {type LeakFinder, LeakTracker} from '../core/leaks.js'
import {ParentLinkLeaks} from '../core/leaks-by-parent.js'
import {EXIT, runProbes, type RunRecord, runChild, type RunTracker} from '../core/run.js'
import type {Watchdog} from '../core/sources/index.js'
import {parseSignal} from '../core/signals.js'
import {endTree} from '../core/tree-end.js'
import {formatBytes, parseDuration, parseTimeLimit} from '../core/units.js'
import {escapeControl} from '../output/escape.js'
import {render} from '../output/render.js'

import type {Context} from './context.js'
import {sourceFlags} from './flags.js'
import {sourceOf} from './selector-flags.js'
import {type CommandSpec, flag, type Parsed} from './spec.js'

export const spec: CommandSpec = {
  id: 'spawn',
  description: `Run a command; say how it ended, like timeout(1) and time(1).

The child inherits stdin, stdout and stderr; proc writes nothing to stdout. Signals sent to proc
(INT TERM HUP QUIT USR1 USR2 WINCH) reach the child once. With --timeout, the child (its process
group, unless stdin is a terminal) gets --signal when time runs out, and KILL --kill-after later.

Exit status, as timeout(1): the child's own code; 128+N when a signal N ended it; 124 on timeout
(137 when --kill-after had to KILL it); 125 when proc itself fails (a bad flag, a missing --cwd);
126 when the command cannot be executed; 127 when it is not found.

A one-line summary goes to stderr; --report writes the whole record instead (or --report-file).`,
  examples: [
    {command: '<%= config.bin %> <%= command.id %> -- make test', description: 'run, then say how it ended'},
    {command: '<%= config.bin %> <%= command.id %> --timeout 10s --kill-after 5s -- ./server', description: 'TERM after 10 s, KILL 5 s later'},
    {command: '<%= config.bin %> <%= command.id %> --report json --quiet -- npm test 2> report.json', description: 'a JSON report'},
    {command: '<%= config.bin %> <%= command.id %> --report-file run.json --cwd /tmp --env DEBUG=1 -- ./job.sh', description: 'report to a file, run elsewhere'},
    {
      command: '<%= config.bin %> <%= command.id %> --report openmetrics --report-file run.prom -- make test; curl --data-binary @run.prom http://pushgateway:9091/metrics/job/tests',
      description: 'how a CI job ended, pushed to a Prometheus Pushgateway',
    },
  ],
  flags: {
    cgroup: flag.boolean({allowNo: true, default: true, description: 'track the run in a cgroup v2 group of its own, where this host allows it'}),
    'clear-env': flag.boolean({description: 'start the child with an empty environment (plus --env); leak detection then goes without its environment cookie'}),
    'leak-grace': flag.option({default: '200ms', description: 'after the child exits, let its leftovers this long to finish exiting before judging'}),
    leaks: flag.option({
      default: 'report',
      description: 'processes the run left behind: report them, fail (exit 3 if the child succeeded), kill them, or ignore',
      options: ['report', 'fail', 'kill', 'ignore'],
    }),
    cwd: flag.option({description: 'run the child in this directory'}),
    env: flag.option({description: 'set K=V in the child\'s environment (repeatable)', multiple: true}),
    foreground: flag.boolean({
      description: 'as timeout --foreground: the child stays in proc\'s process group (it may read the terminal and gets its signals); on timeout only the child is signalled, not its children',
    }),
    verbose: flag.boolean({char: 'v', description: 'as timeout -v: say on stderr each signal the timeout sends'}),
    'kill-after': flag.option({char: 'k', description: 'after the timeout signal, wait this long and send KILL'}),
    'preserve-status': flag.boolean({description: 'on timeout, exit with the child\'s status instead of 124'}),
    quiet: flag.boolean({char: 'q', description: 'no summary line on stderr'}),
    report: flag.option({
      description: 'write the record to stderr (or --report-file) in this format; openmetrics: gauges for a Pushgateway or the textfile collector',
      options: ['json', 'ndjson', 'csv', 'openmetrics'],
    }),
    'report-file': flag.option({description: 'write the record to this file (format: --report, default json)'}),
    signal: flag.option({char: 's', default: 'TERM', description: 'signal to send on timeout'}),
    source: sourceFlags.source,
    timeout: flag.option({char: 't', description: 'time limit (10s, 5m); 0 or none: no limit, as timeout(1) (proc wait --timeout 0 looks once instead)'}),
  },
  strict: false,
  usage: '<%= command.id %> [FLAGS] -- COMMAND [ARGS...]',
  // proc's own failures are 125 here, so they can never be mistaken for the child's status; proc
  // writes nothing to stdout, and the status is always the child's.
  exitCodes: {internal: EXIT.internal, output: undefined, usage: EXIT.internal},
  // Everything after the first `--` is the command, untouched (it may hold `--` itself).
  prepare(argv) {
    const split = argv.indexOf('--')
    return split === -1 ? {argv} : {argv: argv.slice(0, split), rest: argv.slice(split + 1)}
  },
}

export async function action(_ctx: Context, {argv, flags, rest}: Parsed): Promise<void> {
  const command = rest ?? argv
  if (command.length === 0) throw new UsageError('no command given: proc spawn [FLAGS] -- COMMAND [ARGS...]')
  const timeoutMs = parseTimeLimit(flags.timeout, '--timeout')
  const killAfterMs = parseTimeLimit(flags['kill-after'], '--kill-after')
  const timeoutSignal = parseSignal(flags.signal)
  const env: NodeJS.ProcessEnv = flags['clear-env'] ? {} : {...process.env}
  for (const pair of flags.env ?? []) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--env: '${pair}' is not K=V`)
    env[pair.slice(0, eq)] = pair.slice(eq + 1)
  }

  const graceMs = parseDuration(flags['leak-grace'], '--leak-grace')
  // The run's probes and leak detection where the source has them (procfs); elsewhere leaks by
  // parent links, and the exit.
  const source = sourceOf(flags, 'spawn')
  const run = source.run
  const tracker: (LeakFinder & RunTracker) | undefined =
    flags.leaks === 'ignore' ? undefined : run ? new LeakTracker(run, {cgroup: flags.cgroup, cookie: !flags['clear-env']}) : new ParentLinkLeaks(source)
  let record: RunRecord
  let dog: Watchdog | undefined
  try {
    record = await runChild(
      {
        argv: command,
        cwd: flags.cwd,
        env,
        // Windows has no process groups: the timeout ends the child's tree, walked from the source.
        endTree: process.platform === 'win32' ? (pid, signal) => endTree(source, pid, signal) : undefined,
        foreground: flags.foreground,
        inForeground: source.inForeground && (() => source.inForeground!(process.pid)),
        interactive: isTerminal(0) || flags.foreground,
        onTimeoutSignal: flags.verbose ? (signal) => writeErr(`proc spawn: timed out: sending signal ${signal.replace(/^SIG/, '')} to command ${shellQuote(command[0])}\n`) : undefined,
        killAfterMs,
        onWatchdog: (d) => (dog = d),
        probes: run && runProbes(run),
        timeoutMs,
        timeoutSignal,
        tracker,
      },
      flags['preserve-status'],
    )
    // Without run support, the whole run's peak memory is what the samples saw (ps gives RSS with every listing).
    const sampled = tracker?.peakRss?.()
    if (record.runPeakRssBytes === null && sampled !== undefined) {
      record.runPeakRssBytes = sampled
      record.runPeakRssSource = 'sampled'
    }

    if (tracker && record.pid !== null) await settleLeaks(record, tracker, flags.leaks as LeakMode, graceMs, source)
  } finally {
    tracker?.cleanup()
    // Only now: a SIGKILL to proc during the leak phase still empties and removes the cgroup.
    dog?.stop()
  }

  if (flags.leaks === 'fail' && record.leaks.length > 0 && record.exitStatus === 0) record.exitStatus = LEAKED
  process.exitCode = record.exitStatus
  await report(record, flags)
}

async function report(record: RunRecord, flags: {quiet: boolean; report?: string; 'report-file'?: string}): Promise<void> {
  if (!flags.quiet && !flags.report) writeErr(summary(record) + '\n')
  if (!flags.report && !flags['report-file']) return
  const format = (flags.report ?? 'json') as 'csv' | 'json' | 'ndjson' | 'openmetrics'
  const text =
    format === 'openmetrics'
      ? await import('../output/openmetrics.js').then(({exposition, runFamilies}) => exposition(runFamilies(record)))
      : format === 'json'
        ? // One run, one record: the object itself, so `jq .exitCode` works.
          (await render([record], {color: false, columns: spawnColumns, format: 'ndjson', header: true, project: true})).replace(/\n$/, '') + '\n'
        : await render([record], {color: false, columns: spawnColumns, format, header: true, project: true})
  if (!flags['report-file']) {
    writeErr(text)
    return
  }

  try {
    writeFileSync(flags['report-file'], text)
  } catch (error) {
    // The child's status stands; the report could not be written.
    writeErr(`proc spawn: cannot write the report to ${flags['report-file']}: ${(error as Error).message}\n`)
  }
}
/** Exit status under --leaks fail when the child succeeded but left processes behind. */
export const LEAKED = 3

/** A word as a POSIX shell would need it written: bare when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[\w@%+=:,./-]+$/.test(word)) return word
  return `'${word.replaceAll("'", `'\\''`)}'`
}

/** The width the summary tries to keep to (a terminal's, else 80). */
const SUMMARY_WIDTH = 80

/**
 * The human summary: one line that fits in 80 columns where it can (the command is cut to make
 * room), then a line for each process left behind.
 */
export function summary(r: RunRecord, width = SUMMARY_WIDTH): string {
  const quoted = escapeControl(r.argv.map((a) => shellQuote(a)).join(' '))
  const fit = (rest: (what: string) => string) => {
    const room = Math.max(10, width - rest('').length)
    return rest(quoted.length > room ? quoted.slice(0, room - 1) + '…' : quoted)
  }

  if (r.error) return fit((what) => `proc spawn: ${what} could not run (${escapeControl(r.error!)}); exit ${r.exitStatus}`)
  const how = r.signal ? `killed by ${r.signal}` : `exited ${r.exitCode}`
  const timeout = r.timedOut ? `timed out${r.killedAfterTimeout ? ', KILLed' : ''}, ` : ''
  const cpu = r.cpuUserMs === null ? '' : `, cpu ${((r.cpuUserMs + r.cpuSystemMs!) / 1000).toFixed(2)}s`
  const rss = r.runPeakRssBytes === null ? '' : `, peak ${formatBytes(r.runPeakRssBytes)}`
  const methods = r.leakMethods
  const blind = methods !== null && !methods.includes('cgroup') ? ' (no cgroup)' : ''
  const leaks =
    methods === null ? '' : (r.leaks.length > 0 ? `, ${r.leaks.length} left behind${blind}` : `, no leaks${blind}`) + (r.leaksCutShort ? ' (check cut short)' : '')
  // proc's status is said only where it is not the child's own code.
  const status = r.exitCode === r.exitStatus && !r.timedOut ? '' : `; exit ${r.exitStatus}`
  const line = fit((what) => `proc spawn: ${what} ${timeout}${how} in ${(r.durationMs / 1000).toFixed(2)}s${cpu}${rss}${leaks}${status}`)
  // One line a process, its command cut to the width.
  const member = (head: string, command: string | null | undefined) => {
    const text = escapeControl(command ?? '')
    const room = Math.max(10, width - head.length)
    return head + (text.length > room ? text.slice(0, room - 1) + '…' : text)
  }

  const shown = (r.leaks as Array<KillRecord & {foundBy?: string}>).map((l) =>
    member(`  left behind: ${l.pid} ${escapeControl(l.name ?? '-')} (found by ${l.foundBy}${l.status ? `, ${l.status}` : ''}): `, l.command),
  )
  const during = (r.bornDuringKill as KillRecord[]).map((l) => member(`  born during the kill: ${l.pid} ${escapeControl(l.name ?? '-')} (${l.status ?? '-'}): `, l.command))
  return [line, ...shown, ...during].join('\n')
}
