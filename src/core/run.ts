import {spawn} from 'node:child_process'
import {accessSync, constants as fsConstants, statSync} from 'node:fs'
import {constants} from 'node:os'
import path from 'node:path'

import {ProcError} from './errors.js'
import type {Signal} from './signals.js'
import {identityGuard, startWatchdog, type Watchdog} from './watchdog.js'

/** The exit statuses of timeout(1), which `proc spawn` keeps. */
export const EXIT = {cannotExecute: 126, internal: 125, notFound: 127, timedOut: 124} as const

/** What the runner needs from the platform's process data (the procfs source on Linux). */
export interface RunProbes {
  /** Peak RSS of a running process, bytes. */
  peakRss(pid: number): number | undefined
  /** Field 22 of its stat: what the watchdog checks before it signals. */
  startTicks(pid: number): number | undefined
  /** This process: its group, its terminal's foreground group, its reaped children's CPU. */
  self(): {childSystemMs: number; childUserMs: number; pgid: number; tpgid: number} | undefined
}

export interface RunOptions {
  argv: string[]
  cwd?: string
  env: NodeJS.ProcessEnv
  timeoutMs?: number
  timeoutSignal: Signal
  killAfterMs?: number
  /**
   * stdin is a terminal: the child stays in our (foreground) process group so it can use the
   * terminal, and signals the terminal already sent to the whole group are not sent again.
   * Otherwise the child leads a process group of its own and signals go to that group.
   */
  interactive: boolean
  probes?: RunProbes
  /** Leak detection: wraps the child's argv and environment, samples while it runs. */
  tracker?: RunTracker
}

/** What the runner asks of a leak tracker (src/core/leaks.ts). */
export interface RunTracker {
  prepare(argv: string[], env: NodeJS.ProcessEnv): {argv: string[]; env: NodeJS.ProcessEnv}
  watchdogScript(): string
  started(pid: number, detached: boolean): void
  stopped(): void
}

/**
 * What exec would say of a command, checked before a trampoline runs it (a shell's "not found"
 * would otherwise be the only sign): undefined when it can run, else the errno exec would give.
 */
export function checkCommand(command: string, env: NodeJS.ProcessEnv, cwd = process.cwd()): 'EACCES' | 'ENOENT' | undefined {
  const candidates = command.includes('/')
    ? [path.resolve(cwd, command)]
    : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').map((dir) => path.resolve(cwd, dir || '.', command))
  let denied = false
  for (const file of candidates) {
    try {
      if (statSync(file).isDirectory()) {
        denied = true
        continue
      }

      accessSync(file, fsConstants.X_OK)
      return undefined
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') denied = true
    }
  }

  return denied ? 'EACCES' : 'ENOENT'
}

export interface RunRecord {
  command: string
  argv: string[]
  pid: number | null
  startTime: string
  endTime: string
  durationMs: number
  exitCode: number | null
  signal: string | null
  timedOut: boolean
  killedAfterTimeout: boolean
  /** CPU of the child and the descendants it reaped (from this process's cutime/cstime). */
  cpuUserMs: number | null
  cpuSystemMs: number | null
  /** Peak RSS of the child, sampled while it runs. */
  maxRssBytes: number | null
  leaks: object[]
  /** Why the child could not run, when it could not. */
  error: string | null
  /** proc's exit status: the child's, or timeout(1)'s 124-127. */
  exitStatus: number
}

/** Signals proc passes on to the child. */
export const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH']

/** Signals a terminal sends to its whole foreground group: the child got them already. */
const FROM_TERMINAL: ReadonlySet<string> = new Set(['SIGINT', 'SIGQUIT', 'SIGWINCH'])

const signalNumber = (name: string) => (constants.signals as Record<string, number>)[name]

/** timeout(1)'s status rules. */
export function exitStatus(r: Pick<RunRecord, 'exitCode' | 'killedAfterTimeout' | 'signal' | 'timedOut'>, preserveStatus: boolean, timeoutSignal: Signal): number {
  if (r.timedOut && !preserveStatus) return r.killedAfterTimeout || timeoutSignal.name === 'SIGKILL' ? 128 + 9 : EXIT.timedOut
  if (r.signal) return 128 + (signalNumber(r.signal) ?? 0)
  return r.exitCode ?? EXIT.internal
}

function spawnErrorStatus(code: string | undefined): number {
  if (code === 'ENOENT') return EXIT.notFound
  if (code === 'EACCES' || code === 'ENOEXEC' || code === 'EISDIR' || code === 'EPERM') return EXIT.cannotExecute
  return EXIT.internal
}

/**
 * What the watchdog does if proc is killed with SIGKILL while the child runs: TERM, then two
 * seconds later KILL, to the child (its group when it leads one), each only while the pid still
 * holds the process that started at `startTicks`; and the tracker's own cleanup (the run's
 * cgroup: cgroup.kill, then the group is removed).
 */
function watchdogScript(pid: number, startTicks: number | undefined, group: boolean, extra = ''): string {
  const target = group ? `-${pid}` : String(pid)
  const send = (signal: string) => (startTicks === undefined ? ':' : `if ${identityGuard(pid, startTicks)}; then kill -s ${signal} -- ${target} 2>/dev/null; fi`)
  return [send('TERM'), 'sleep 2', send('KILL'), extra].filter(Boolean).join('; ')
}

/** Run a child the way timeout(1) does, forwarding signals, and measure how it ended. */
export async function runChild(options: RunOptions, preserveStatus = false): Promise<RunRecord> {
  const {argv, probes} = options
  const record: RunRecord = {
    argv,
    command: argv.join(' '),
    cpuSystemMs: null,
    cpuUserMs: null,
    durationMs: 0,
    endTime: '',
    error: null,
    exitCode: null,
    killedAfterTimeout: false,
    leaks: [],
    maxRssBytes: null,
    pid: null,
    signal: null,
    startTime: new Date().toISOString(),
    exitStatus: EXIT.internal,
    timedOut: false,
  }
  if (options.cwd !== undefined) {
    let isDir = false
    try {
      isDir = statSync(options.cwd).isDirectory()
    } catch {}

    if (!isDir) throw new ProcError(`cannot change to directory '${options.cwd}': not a directory`, EXIT.internal)
  }

  const {tracker} = options
  let launch = {argv, env: options.env}
  if (tracker) {
    const problem = checkCommand(argv[0], options.env, options.cwd)
    if (problem) {
      record.error = `${problem}: cannot run ${argv[0]}`
      record.exitStatus = spawnErrorStatus(problem)
      record.endTime = new Date().toISOString()
      return record
    }

    launch = tracker.prepare(argv, options.env)
  }

  const before = probes?.self()
  const t0 = performance.now()
  const child = spawn(launch.argv[0], launch.argv.slice(1), {cwd: options.cwd, detached: !options.interactive, env: launch.env, stdio: 'inherit'})
  const timers: NodeJS.Timeout[] = []
  let running = true
  let dog: Watchdog | undefined

  /** Signal the child: its whole group when it leads one. */
  const signalChild = (signal: NodeJS.Signals | number) => {
    if (!running || child.pid === undefined) return
    try {
      process.kill(options.interactive ? child.pid : -child.pid, signal)
    } catch {
      // it is on its way out
    }
  }

  const forward = (signal: NodeJS.Signals) => {
    if (options.interactive && FROM_TERMINAL.has(signal)) {
      // The terminal sent it to the whole foreground group, the child included: do not double it.
      const self = probes?.self()
      if (self && self.tpgid === self.pgid) return
    }

    signalChild(signal)
  }

  // A listener also keeps SIGUSR1 from opening the Node inspector.
  for (const s of FORWARDED) process.on(s, forward)

  const exited = new Promise<void>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      record.error = `${error.code ?? 'error'}: ${error.message}`
      record.exitStatus = spawnErrorStatus(error.code)
      running = false
      resolve()
    })
    child.once('spawn', () => {
      record.pid = child.pid ?? null
      dog = startWatchdog(watchdogScript(child.pid!, probes?.startTicks(child.pid!), !options.interactive, tracker?.watchdogScript()))
      tracker?.started(child.pid!, !options.interactive)
      if (probes) sampleRss()
      if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
        timers.push(
          setTimeout(() => {
            record.timedOut = true
            signalChild(options.timeoutSignal.number)
            if (options.timeoutSignal.name !== 'SIGKILL' && options.timeoutSignal.name !== 'SIGCONT') signalChild('SIGCONT')
            if (options.killAfterMs !== undefined && options.killAfterMs > 0) {
              timers.push(
                setTimeout(() => {
                  record.killedAfterTimeout = running
                  signalChild('SIGKILL')
                }, options.killAfterMs),
              )
            }
          }, options.timeoutMs),
        )
      }
    })
    // 'exit', not 'close': a grandchild holding stdout open must not delay the report.
    child.once('exit', (code, signal) => {
      running = false
      tracker?.stopped()
      record.exitCode = code
      record.signal = signal
      resolve()
    })
  })

  let delay = 5
  function sampleRss() {
    if (!running || child.pid === undefined) return
    const rss = probes!.peakRss(child.pid)
    if (rss !== undefined) record.maxRssBytes = Math.max(record.maxRssBytes ?? 0, rss)
    const timer = setTimeout(sampleRss, delay)
    timer.unref()
    timers.push(timer)
    delay = Math.min(delay * 2, 50)
  }

  await exited
  for (const t of timers) clearTimeout(t)
  for (const s of FORWARDED) process.off(s, forward)
  dog?.stop()

  record.durationMs = Math.round(performance.now() - t0)
  record.endTime = new Date().toISOString()
  const after = probes?.self()
  if (before && after && record.error === null) {
    record.cpuUserMs = after.childUserMs - before.childUserMs
    record.cpuSystemMs = after.childSystemMs - before.childSystemMs
  }

  if (record.error === null) record.exitStatus = exitStatus(record, preserveStatus, options.timeoutSignal)
  return record
}
