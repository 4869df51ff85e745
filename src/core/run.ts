import {type ChildProcess, spawn} from 'node:child_process'
import {accessSync, constants as fsConstants, statSync} from 'node:fs'
import {constants} from 'node:os'
import path from 'node:path'

import {hostName} from './builtin.js'
import {ProcError} from './errors.js'
import type {Signal} from './signals.js'
import type {RunSupport, Watchdog} from './sources/source.js'
import {ProcessTree} from './tree.js'
import {longTimeout} from './units.js'
import {sameStart} from './identity.js'

/** The exit statuses of timeout(1), which `proc spawn` keeps. */
export const EXIT = {cannotExecute: 126, internal: 125, notFound: 127, timedOut: 124} as const

/** What the runner needs from the platform's process data (the procfs source on Linux). */
export interface RunProbes {
  /** Peak RSS of a running process, bytes. */
  peakRss(pid: number): number | undefined
  /** Field 22 of its stat: what the watchdog checks before it signals. */
  startTicks(pid: number): number | undefined
  /** Resident memory now of a process and all its descendants, bytes (a sample of the run's). */
  treeRss(pid: number): number | undefined
  /** Every descendant of a process now, with its start (for a timeout on a terminal). */
  descendants(pid: number): Array<{pid: number; startTicks: number | null}>
  /** This process: its group, its terminal's foreground group, its reaped children's CPU. */
  self(): {childSystemMs: number; childUserMs: number; pgid: number; tpgid: number} | undefined
  /** The SIGKILL watchdog and its identity guard, where the platform has them (RunSupport). */
  startWatchdog?(script: string): Watchdog | undefined
  identityGuard?(pid: number | string, startTicks: number | string): string
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
  /**
   * timeout(1)'s --foreground: the child stays in proc's process group (it may read the terminal
   * and get its signals), and on timeout only the child is signalled, never its descendants.
   */
  foreground?: boolean
  /**
   * Where the platform has no process groups (Windows): the child does not lead one, and a
   * timeout, --kill-after or a forwarded TERM ends its whole tree through this (tree-end.ts).
   */
  endTree?(pid: number, signal: number): Promise<unknown>
  /** Without probes: whether proc's group is its terminal's foreground group now (a terminal's signal reached the child too). */
  inForeground?(): boolean | undefined
  /** Told each signal the timeout sends (--signal, then KILL after --kill-after), as it is sent. */
  onTimeoutSignal?(signal: string): void
  probes?: RunProbes
  /** Leak detection: wraps the child's argv and environment, samples while it runs. */
  tracker?: RunTracker
  /**
   * Called with the SIGKILL watchdog once it runs: the caller stops it when all cleanup is done
   * (after the leak phase), so a SIGKILL to proc at any point still ends the run.
   */
  onWatchdog?(dog: Watchdog): void
}

/** What the runner asks of a leak tracker (src/core/leaks.ts). */
export interface RunTracker {
  prepare(argv: string[], env: NodeJS.ProcessEnv): {argv: string[]; env: NodeJS.ProcessEnv}
  /** The run's own cgroup's memory.peak, where there is one. */
  memoryPeak(): number | undefined
  watchdogScript(): string
  /** Just before the child starts. */
  starting?(): void
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
  /** The host name of the machine the child ran on. */
  host: string | null
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
  /** Peak RSS of the child itself (its VmHWM, sampled while it runs). */
  maxRssBytes: number | null
  /** Peak memory of the whole run: the cgroup's memory.peak, else the largest sampled sum over the tree. */
  runPeakRssBytes: number | null
  /** Where runPeakRssBytes comes from. */
  runPeakRssSource: 'cgroup' | 'sampled' | null
  leaks: object[]
  /** The leak-detection methods this run had (null under --leaks ignore): a clean result says what it rests on. */
  leakMethods: string[] | null
  /** Processes born while --leaks kill ended the leaks (children of leaks): part of the kill, each with its status. */
  bornDuringKill: object[]
  /** The leak phase was ended early by TERM or INT to proc: `leaks` is what was found by then. */
  leaksCutShort: boolean
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

/** strerror(3)'s words for the errors a spawn meets, as timeout(1) prints them. */
const ERRNO_TEXT: Record<string, string> = {
  E2BIG: 'Argument list too long',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOENT: 'No such file or directory',
  ENOEXEC: 'Exec format error',
  ENOTDIR: 'Not a directory',
  EPERM: 'Operation not permitted',
}

function errnoText(code: string): string {
  return ERRNO_TEXT[code] ?? code
}

function spawnErrorStatus(code: string | undefined): number {
  if (code === 'ENOENT') return EXIT.notFound
  if (code === 'EACCES' || code === 'ENOEXEC' || code === 'EISDIR' || code === 'EPERM') return EXIT.cannotExecute
  return EXIT.internal
}

/**
 * What the watchdog does if proc is killed with SIGKILL: it is started before the child, so no
 * moment of the run is uncovered. Once the child runs, proc tells it the child's pid and start
 * (`PID TICKS`). When proc dies it sends TERM, then two seconds later KILL, to the child (its
 * group when it leads one), each only while the pid still holds the process that started at
 * TICKS; then the tracker's own cleanup (the run's cgroup: cgroup.kill, then the group is
 * removed), which also ends a child proc died too early to name.
 */
function watchdogScript(identityGuard: (pid: string, ticks: string) => string, group: boolean, extra = ''): string {
  const target = group ? '-$p' : '$p'
  const send = (signal: string) => `if ${identityGuard('$p', '$t')}; then kill -s ${signal} -- ${target} 2>/dev/null; fi`
  // The two seconds of grace only when TERM was sent: a child already gone (proc died in the leak
  // phase) leaves nothing to wait for, and the cgroup is cleaned up at once.
  const guard = identityGuard('$p', '$t')
  const term = `if ${guard}; then kill -s TERM -- ${target} 2>/dev/null; sleep 2; ${send('KILL')}; fi`
  return [`read p t; read _; if [ -n "$p" ]; then ${term}; fi`, extra].filter(Boolean).join('; ')
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
    leakMethods: null,
    bornDuringKill: [],
    leaksCutShort: false,
    maxRssBytes: null,
    runPeakRssBytes: null,
    runPeakRssSource: null,
    pid: null,
    host: hostName(),
    signal: null,
    startTime: new Date().toISOString(),
    exitStatus: EXIT.internal,
    timedOut: false,
  }
  if (options.cwd !== undefined) {
    let problem: string | undefined
    try {
      if (!statSync(options.cwd).isDirectory()) problem = 'ENOTDIR'
    } catch (error) {
      problem = (error as NodeJS.ErrnoException).code ?? 'ENOENT'
    }

    if (problem) throw new ProcError(`cannot change directory to '${options.cwd}': ${errnoText(problem)}`, EXIT.internal)
  }

  const {tracker} = options
  const launch = tracker ? tracker.prepare(argv, options.env) : {argv, env: options.env}
  // A trampoline (the cgroup's sh) would hide exec's errors: the command is checked first. exec('')
  // fails with ENOENT, as timeout(1) reports it (Node would refuse it as an argument).
  if (launch.argv !== argv || argv[0] === '') {
    const problem = argv[0] === '' ? 'ENOENT' : checkCommand(argv[0], options.env, options.cwd)
    if (problem) {
      record.error = `failed to run command '${argv[0]}': ${errnoText(problem)}`
      record.exitStatus = spawnErrorStatus(problem)
      record.endTime = new Date().toISOString()
      return record
    }
  }

  tracker?.starting?.()

  const before = probes?.self()
  const timers: NodeJS.Timeout[] = []
  let running = true
  // Assigned once, below: the signal handlers defined before the spawn read it.
  // eslint-disable-next-line prefer-const
  let child: ChildProcess | undefined
  // Before the child exists: a SIGKILL to proc at any later moment still ends the run.
  const guard = probes?.identityGuard
  const dog = guard && probes.startWatchdog ? probes.startWatchdog(watchdogScript(guard, !options.interactive, tracker?.watchdogScript())) : undefined
  if (dog) options.onWatchdog?.(dog)

  /**
   * Signal the child: its whole group when it leads one. On a terminal it shares proc's group, so
   * for a timeout (`tree`) its descendants are signalled one by one, each start-checked.
   */
  const signalChild = (signal: NodeJS.Signals | number, tree = false) => {
    if (!running || child?.pid === undefined) return
    if (options.endTree) {
      // No process group to signal: the tree, walked from parent links (or the child alone).
      const number = typeof signal === 'number' ? signal : signalNumber(signal)
      if (tree || !options.foreground) void options.endTree(child.pid, number).catch(() => {})
      else {
        try {
          process.kill(child.pid, signal)
        } catch {}
      }

      return
    }

    const members = tree && options.interactive && probes ? probes.descendants(child.pid) : []
    try {
      process.kill(options.interactive ? child.pid : -child.pid, signal)
    } catch {
      // it is on its way out
    }

    for (const m of members) {
      const now = probes!.startTicks(m.pid)
      if (now === undefined || !sameStart(m, {pid: m.pid, startTicks: now})) continue
      try {
        process.kill(m.pid, signal)
      } catch {}
    }
  }

  const timedOut = () => {
    if (record.timedOut || !running || child?.pid === undefined) return
    record.timedOut = true
    const tree = !options.foreground
    options.onTimeoutSignal?.(options.timeoutSignal.name)
    signalChild(options.timeoutSignal.number, tree)
    if (options.timeoutSignal.name !== 'SIGKILL' && options.timeoutSignal.name !== 'SIGCONT' && !options.endTree) signalChild('SIGCONT', tree)
    if (options.killAfterMs !== undefined) {
      longTimeout(
        () => {
          record.killedAfterTimeout = running
          if (running) options.onTimeoutSignal?.('SIGKILL')
          signalChild('SIGKILL', tree)
        },
        options.killAfterMs,
        (t) => timers.push(t),
      )
    }
  }

  const forward = (signal: NodeJS.Signals) => {
    if (options.interactive && FROM_TERMINAL.has(signal)) {
      // The terminal sent it to the whole foreground group, the child included: do not double it.
      const self = probes?.self()
      if (self ? self.tpgid === self.pgid : options.inForeground?.()) return
    }

    signalChild(signal)
  }

  // Listening before the child starts: a signal it sends proc at once must not find the default
  // action (ALRM would end proc). A listener also keeps SIGUSR1 from opening the Node inspector.
  // ALRM is the timer firing, as in timeout(1).
  for (const s of FORWARDED) process.on(s, forward)
  process.on('SIGALRM', timedOut)

  const t0 = performance.now()
  child = spawn(launch.argv[0], launch.argv.slice(1), {cwd: options.cwd, detached: !options.interactive && !options.endTree, env: launch.env, stdio: 'inherit'})
  const started = child

  const exited = new Promise<void>((resolve) => {
    started.once('error', (error: NodeJS.ErrnoException) => {
      record.error = `failed to run command '${argv[0]}': ${errnoText(error.code ?? error.message)}`
      record.exitStatus = spawnErrorStatus(error.code)
      running = false
      resolve()
    })
    started.once('spawn', () => {
      record.pid = started.pid ?? null
      dog?.tell(`${started.pid} ${probes?.startTicks(started.pid!) ?? 'unknown'}`)
      tracker?.started(started.pid!, !options.interactive)
      if (probes) {
        sampleRss()
        // A cgroup that counts the run's memory.peak (the end takes it) makes a listing of every
        // process per tree sample redundant. The first sample waits: at once, the tree is the
        // child alone, whose own peak is sampled anyway.
        if (tracker?.memoryPeak() === undefined) later(sampleTree, treeDelay)
      }
      if (options.timeoutMs !== undefined) longTimeout(timedOut, options.timeoutMs, (t) => timers.push(t))
    })
    // 'exit', not 'close': a grandchild holding stdout open must not delay the report.
    started.once('exit', (code, signal) => {
      running = false
      tracker?.stopped()
      record.exitCode = code
      record.signal = signal
      resolve()
    })
  })

  let delay = 5
  function sampleRss() {
    if (!running || started.pid === undefined) return
    const rss = probes!.peakRss(started.pid)
    if (rss !== undefined) record.maxRssBytes = Math.max(record.maxRssBytes ?? 0, rss)
    later(sampleRss, delay)
    delay = Math.min(delay * 2, 50)
  }

  // The tree costs a listing of every process: sampled less often than the child alone.
  let treeDelay = 10
  function sampleTree() {
    if (!running || started.pid === undefined) return
    const sum = probes!.treeRss(started.pid)
    if (sum !== undefined) {
      record.runPeakRssBytes = Math.max(record.runPeakRssBytes ?? 0, sum)
      record.runPeakRssSource = 'sampled'
    }

    treeDelay = Math.min(treeDelay * 2, 200)
    later(sampleTree, treeDelay)
  }

  /** A sample after ms, which never keeps proc alive. */
  function later(sample: () => void, ms: number) {
    const timer = setTimeout(sample, ms)
    timer.unref()
    timers.push(timer)
  }

  await exited
  for (const t of timers) clearTimeout(t)
  for (const s of FORWARDED) process.off(s, forward)
  process.off('SIGALRM', timedOut)
  if (!options.onWatchdog) dog?.stop()

  record.durationMs = Math.round(performance.now() - t0)
  record.endTime = new Date().toISOString()
  const after = probes?.self()
  if (before && after && record.error === null) {
    record.cpuUserMs = after.childUserMs - before.childUserMs
    record.cpuSystemMs = after.childSystemMs - before.childSystemMs
  }

  const cgroupPeak = tracker?.memoryPeak()
  if (cgroupPeak !== undefined && record.error === null) {
    record.runPeakRssBytes = cgroupPeak
    record.runPeakRssSource = 'cgroup'
  } else if (record.maxRssBytes !== null && (record.runPeakRssBytes ?? 0) < record.maxRssBytes) {
    // The child's own high-water mark is a lower bound on the run's.
    record.runPeakRssBytes = record.maxRssBytes
    record.runPeakRssSource = 'sampled'
  }

  if (record.error === null) record.exitStatus = exitStatus(record, preserveStatus, options.timeoutSignal)
  return record
}

/** The run's probes on a source that has them (RunSupport: procfs). */
export function runProbes(source: RunSupport): RunProbes {
  return {
    descendants: (pid) => new ProcessTree(source.listSync(new Set(['pid', 'ppid', 'startTicks']))).descendants(pid),
    treeRss(pid) {
      const tree = new ProcessTree(source.listSync(new Set(['pid', 'ppid', 'startTicks'])))
      if (!tree.get(pid)) return undefined
      let sum: number | undefined
      for (const p of [tree.get(pid)!, ...tree.descendants(pid)]) {
        const rss = source.rss(p.pid)
        if (rss !== undefined) sum = (sum ?? 0) + rss
      }

      return sum
    },
    peakRss: (pid) => source.peakRss(pid),
    identityGuard: (pid, ticks) => source.identityGuard(pid, ticks),
    self: () => source.self(),
    startTicks: (pid) => source.startTicks(pid),
    startWatchdog: (script) => source.startWatchdog(script),
  }
}
