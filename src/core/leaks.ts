
import {runId} from './run-id.js'
import {FIELDS, type Field, type ProcessInfo} from './process-info.js'
import type {ProcessGroup, RunSupport} from './sources/source.js'
import {ProcessTree} from './tree.js'
import {type Clock, pollUntil, realClock} from './wait.js'
import {sameStart} from './identity.js'

/** What a look for leftovers reads of every process. */
const CANDIDATE_FIELDS: ReadonlySet<Field> = new Set<Field>(['pid', 'ppid', 'pgid', 'sid', 'state', 'startTicks', 'kernelThread'])

/** How a leak was found, strongest first. */
export const LEAK_METHODS = ['cgroup', 'env', 'session', 'parent', 'sampled', 'daemon'] as const
export type LeakMethod = (typeof LEAK_METHODS)[number]

export type Leak = ProcessInfo & {foundBy: LeakMethod}

/** What spawn's leak phase asks of a tracker: this one (procfs), or ParentLinkLeaks (leaks-by-parent.ts) elsewhere. */
export interface LeakFinder {
  readonly cgroup: ProcessGroup | undefined
  methods(): LeakMethod[]
  find(graceMs: number, clock?: Clock, stop?: () => boolean): Promise<Leak[]>
  /** Peak memory of the whole run, sampled, where the tracker measures it (ParentLinkLeaks on ps). */
  peakRss?(): number | undefined
  cleanup(): void
}

/**
 * Finds what a run left behind, with every method this host allows:
 * 1. a cgroup v2 child group the child joins before exec (catches everything);
 * 2. an environment cookie, a variable name unique to the run (lost to `env -i`);
 * 3. the child's session and process group (it runs detached; lost to setsid);
 * 4. descendants sampled during the run, by pid and start time (lost to quick double forks);
 * 5. without a cgroup, daemons: born during the run, in a session that did not exist before it,
 *    their parent not a process from before the run (init, or another such), and their environment
 *    area written over by a retitle, as nginx and redis do after setsid and a double fork.
 */
export class LeakTracker implements LeakFinder {
  readonly cookie: string
  readonly cgroup: ProcessGroup | undefined
  private readonly sampled = new Map<number, number | null>()
  private childPid: number | undefined
  private childStart: number | null = null
  private detached = false
  private sampling = false
  /** Off under --clear-env: the child's environment is exactly what was asked for. */
  private readonly useCookie: boolean
  /**
   * Whether the child's session or group still had members when the child exited. While one
   * lives, the kernel keeps the id from being given to a new process; once none did, a process
   * with that session id may be a stranger that took the pid and called setsid.
   */
  private sessionPinned = false
  private timer: NodeJS.Timeout | undefined
  /** Sessions and processes that existed before the run (for the daemon method; without a cgroup). */
  private before: {pids: Set<number>; sessions: Set<number>} | undefined
  /** The listing taken as the child exited, for the first look for leftovers. */
  private atExit: ProcessInfo[] | undefined

  constructor(
    private readonly source: RunSupport,
    options: {cgroup: boolean; cookie?: boolean} = {cgroup: true},
  ) {
    this.useCookie = options.cookie ?? true
    const id = runId()
    this.cookie = `PROC_SPAWN_${id.replace('-', '_')}`
    this.cgroup = options.cgroup ? source.createGroup?.('proc-spawn', id) : undefined
  }

  /** Methods that can work for this run. */
  methods(): LeakMethod[] {
    return LEAK_METHODS.filter((m) =>
      m === 'cgroup'
        ? this.cgroup !== undefined
        : m === 'session'
          ? this.detached
          : m === 'env'
            ? this.useCookie
            : m === 'daemon'
              ? this.cgroup === undefined
              : m !== 'parent',
    )
  }

  /** Before the child starts: what already exists is never a daemon of the run. */
  starting(): void {
    if (this.cgroup) return
    const listing = this.source.listSync(new Set<Field>(['pid', 'sid']))
    this.before = {pids: new Set(listing.map((r) => r.pid)), sessions: new Set(listing.flatMap((r) => (r.sid === null ? [] : [r.sid])))}
  }

  /** The child's argv and environment: the cookie added, and a trampoline into the cgroup. */
  prepare(argv: string[], env: NodeJS.ProcessEnv): {argv: string[]; env: NodeJS.ProcessEnv} {
    const withCookie = this.useCookie ? {...env, [this.cookie]: '1'} : env
    if (!this.cgroup) return {argv, env: withCookie}
    // Join the group, then become the command (same pid). If joining fails, run anyway. The shell
    // sets PWD (and some shells SHLVL) on its own: take away what the environment did not hold.
    const unset = ['PWD', 'OLDPWD', 'SHLVL'].filter((v) => !(v in env))
    const script = `echo $$ > "$0" 2>/dev/null; ${unset.length > 0 ? `unset ${unset.join(' ')}; ` : ''}exec "$@"`
    return {argv: ['/bin/sh', '-c', script, this.cgroup.procsFile, ...argv], env: withCookie}
  }

  memoryPeak(): number | undefined {
    return this.cgroup?.memoryPeak()
  }

  /** Shell lines the SIGKILL watchdog runs after signalling the child: empty the group, remove it. */
  watchdogScript(): string {
    if (!this.cgroup) return ''
    return `echo 1 > '${this.cgroup.dir}/cgroup.kill' 2>/dev/null; ${this.cgroup.undoScript()}`
  }

  /** The child runs: note its identity and sample its descendants until it ends. */
  started(pid: number, detached: boolean): void {
    this.childPid = pid
    this.detached = detached
    this.childStart = this.source.probe(pid)?.startTicks ?? null
    this.sampling = true
    let delay = 50
    const sample = () => {
      if (!this.sampling) return
      this.sample()
      delay = Math.min(delay * 2, 500)
      this.timer = setTimeout(sample, delay)
      this.timer.unref()
    }

    this.timer = setTimeout(sample, delay)
    this.timer.unref()
  }

  /** The child has exited: one last sample is too late (its children are orphans now). */
  stopped(): void {
    this.sampling = false
    if (this.timer) clearTimeout(this.timer)
    if (this.detached && this.childPid !== undefined) {
      const id = this.childPid
      // Also the first look for leftovers (find), which comes next: one listing serves both.
      const listing = this.source.listSync(CANDIDATE_FIELDS)
      this.atExit = listing
      this.sessionPinned = listing.some((r) => r.pid !== id && r.state !== 'Z' && (r.sid === id || r.pgid === id))
    }
  }

  private sample(): void {
    if (this.childPid === undefined) return
    const tree = new ProcessTree(this.source.listSync(new Set<Field>(['pid', 'ppid', 'startTicks'])))
    for (const d of tree.descendants(this.childPid)) this.sampled.set(d.pid, d.startTicks)
  }

  /**
   * Everything from the run that is still alive, once `graceMs` has let exiting processes finish.
   * Only processes that started after the child did can be leaks.
   */
  async find(graceMs: number, clock: Clock = realClock, stop: () => boolean = () => false): Promise<Leak[]> {
    const exclude = new Set<number>([process.pid, ...(this.childPid === undefined ? [] : [this.childPid])])
    const candidates = () => this.candidates(exclude)
    let found = candidates()
    // Without a cgroup, a daemon's double fork may finish just after the child exits (its first
    // fork gone, the second not yet listed): an empty first look is looked at again.
    if ((found.size > 0 || this.before !== undefined) && graceMs > 0) {
      // Done early only when two checks in a row find nothing: a process can exit between the
      // reads of one check while the child it just forked is not counted yet.
      let empty = 0
      // Without a cgroup, nothing is judged clean in less than 100 ms of the grace.
      const settled = clock.now() + (this.before === undefined ? 0 : Math.min(graceMs, 100))
      await pollUntil(
        () => {
          if (stop()) return true
          found = candidates()
          empty = found.size === 0 ? empty + 1 : 0
          return empty >= 2 && clock.now() >= settled
        },
        graceMs,
        clock,
        100,
      )
    }

    if (found.size === 0) return []
    const all = this.source.listSync(new Set(FIELDS))
    return all
      .filter((r) => found.has(r.pid) && r.state !== 'Z')
      .filter((r) => this.childStart === null || r.startTicks === null || r.startTicks >= this.childStart)
      .map((r) => ({...r, foundBy: found.get(r.pid)!}))
  }

  private candidates(exclude: ReadonlySet<number>): Map<number, LeakMethod> {
    const found = new Map<number, LeakMethod>()
    const add = (pid: number, method: LeakMethod) => {
      if (!exclude.has(pid) && !found.has(pid)) found.set(pid, method)
    }

    const listing = this.atExit ?? this.source.listSync(CANDIDATE_FIELDS)
    this.atExit = undefined
    const alive = listing.filter((r) => r.state !== 'Z')
    // Read after the listing, the group is exact: a child forked since the listing is in it too.
    const zombies = new Set(listing.filter((r) => r.state === 'Z').map((r) => r.pid))
    for (const pid of this.cgroup?.members() ?? []) if (!zombies.has(pid)) add(pid, 'cgroup')
    // A kernel thread has no environment.
    if (this.useCookie) for (const r of alive) if (!r.kernelThread && !found.has(r.pid) && this.source.hasEnv(r.pid, this.cookie)) add(r.pid, 'env')
    if (this.detached && this.childPid !== undefined && this.sessionPinned) {
      // The id is the child's only while no other process holds the pid.
      const holder = this.source.probe(this.childPid)
      if (holder === undefined || sameStart({pid: this.childPid, startTicks: this.childStart}, holder)) {
        for (const r of alive) if (r.sid === this.childPid || r.pgid === this.childPid) add(r.pid, 'session')
      }
    }

    for (const r of alive) {
      if (this.sampled.has(r.pid) && sameStart({pid: r.pid, startTicks: this.sampled.get(r.pid)}, r)) add(r.pid, 'sampled')
    }

    const before = this.before
    if (before && this.childStart !== null) {
      for (const r of alive) {
        if (found.has(r.pid) || r.kernelThread || r.startTicks === null || r.startTicks < this.childStart) continue
        if (r.sid === null || before.sessions.has(r.sid) || r.ppid === null || (r.ppid !== 1 && before.pids.has(r.ppid))) continue
        if (this.source.environOverwritten(r.pid)) add(r.pid, 'daemon')
      }
    }

    return found
  }

  /** Remove the cgroup (survivors move to the parent group). */
  cleanup(): void {
    this.cgroup?.remove()
  }
}
