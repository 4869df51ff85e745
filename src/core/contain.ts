import {type Evidence, sameStart} from './identity.js'
import {pause, runId} from './run-id.js'
import type {ProcessGroup, Probe, Watchdog} from './sources/source.js'

/**
 * Holding a set of processes still while proc signals them, so the set cannot grow (no fork, no
 * exit of a parent before its own signal) and every member gets the same step of the ladder.
 *
 * - `cgroup`: the members move into a fresh cgroup v2 group of proc's, which is frozen. Children
 *   born while the group is thawed are born inside it, setsid escapees included, and the final
 *   KILL can be `cgroup.kill`. Members go back to their own groups when the kill ends.
 * - `stop`: SIGSTOP, parents before children, and SIGCONT after the signal. A child that a
 *   member double-forks away between two walks, or one whose parent dies, leaves the tree and
 *   can only be found by a later walk if it is still a descendant.
 */
export interface Containment {
  readonly kind: 'cgroup' | 'stop'
  /** Hold these (parents first). Each is identity-checked right before. */
  hold(members: readonly Evidence[]): void
  /** Every pid in the group (cgroup only): members born inside it since the last look. */
  members(): number[]
  /** Put a pid that is not one of ours back out of the group (cgroup only). */
  evict(pid: number): void
  /** Let them run again. */
  release(): void
  /** SIGKILL everything held at once; false when only one by one is possible. */
  killAll(): boolean
  /** Undo: survivors back to their own cgroups, the group removed. */
  close(): void
}

export interface ContainDeps {
  probe(pid: number): Probe | undefined
  send(pid: number, signal: NodeJS.Signals): void
  /** The cgroup v2 path of a process (for the cgroup form), or undefined. */
  cgroupOf?(pid: number | 'self'): string | undefined
  /** A group of proc's own, where the host allows one (the source's LiveTable.createGroup). */
  createGroup?(prefix: string, id: string): ProcessGroup | undefined
  /** A watchdog that undoes the group if proc is killed with SIGKILL (the source's). */
  startWatchdog?(script: string): Watchdog | undefined
}

const stillStarted = (m: Evidence, p: Probe | undefined) => p !== undefined && sameStart(m, p)

/** The strongest containment this host allows: a frozen cgroup where v2 is writable, else SIGSTOP. */
export function openContainment(deps: ContainDeps, useCgroup = true): Containment {
  const group = useCgroup && deps.cgroupOf && deps.createGroup ? deps.createGroup('proc-kill', runId()) : undefined
  return group?.canFreeze ? new CgroupContainment(group, deps) : new StopContainment(deps)
}

class StopContainment implements Containment {
  readonly kind = 'stop' as const
  private readonly stopped = new Map<number, Evidence>()

  constructor(private readonly deps: ContainDeps) {}

  hold(members: readonly Evidence[]): void {
    for (const m of members) {
      if (this.stopped.has(m.pid) || !stillStarted(m, this.deps.probe(m.pid))) continue
      try {
        this.deps.send(m.pid, 'SIGSTOP')
        this.stopped.set(m.pid, m)
      } catch {}
    }

    // Wait (briefly) until each is stopped: one caught in the middle of fork() finishes it first.
    for (let i = 0; i < 100; i++) {
      const moving = [...this.stopped.values()].filter((m) => {
        const p = this.deps.probe(m.pid)
        return stillStarted(m, p) && p!.state !== 'T' && p!.state !== 't' && p!.state !== 'Z' && p!.state !== 'X'
      })
      if (moving.length === 0) return
      pause(2)
    }
  }

  members(): number[] {
    return []
  }

  evict(): void {}

  release(): void {
    for (const m of this.stopped.values()) {
      if (!stillStarted(m, this.deps.probe(m.pid))) continue
      try {
        this.deps.send(m.pid, 'SIGCONT')
      } catch {}
    }

    this.stopped.clear()
  }

  killAll(): boolean {
    return false
  }

  close(): void {
    this.release()
  }
}

class CgroupContainment implements Containment {
  readonly kind = 'cgroup' as const
  /** Where each adopted member came from, to go back there if it survives. */
  private readonly origin = new Map<number, string>()
  private readonly fallback: StopContainment
  private readonly dog: Watchdog | undefined

  constructor(
    private readonly group: ProcessGroup,
    private readonly deps: ContainDeps,
  ) {
    this.fallback = new StopContainment(deps)
    this.dog = deps.startWatchdog?.(group.undoScript())
  }

  hold(members: readonly Evidence[]): void {
    const refused: Evidence[] = []
    for (const m of members) {
      if (this.origin.has(m.pid)) continue
      const from = this.deps.cgroupOf!(m.pid)
      if (from === undefined || !stillStarted(m, this.deps.probe(m.pid)) || !this.group.adopt(m.pid)) {
        refused.push(m)
        continue
      }

      this.origin.set(m.pid, from)
    }

    this.group.freeze(true)
    // Whatever the kernel would not move is held the other way.
    this.fallback.hold(refused)
  }

  members(): number[] {
    return this.group.members()
  }

  evict(pid: number): void {
    this.group.release(pid)
  }

  release(): void {
    this.group.freeze(false)
    this.fallback.release()
  }

  killAll(): boolean {
    return this.group.canKill && this.group.kill()
  }

  close(): void {
    this.release()
    const firstOrigin = this.origin.values().next().value as string | undefined
    for (const pid of this.group.members()) this.group.release(pid, this.origin.get(pid) ?? firstOrigin)
    this.group.remove()
    this.dog?.stop()
  }
}
