import {existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {pause} from '../../run-id.js'
import type {ProcessGroup} from '../source.js'

/** Where cgroup v2 is mounted: /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one. */
export function cgroupMount(): string | undefined {
  return ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].find((m) => existsSync(path.join(m, 'cgroup.controllers')))
}

/**
 * A cgroup v2 child group of proc's own: every descendant of a member stays in it, whatever it
 * does to its session, group or environment. `proc spawn` starts its child in one (leak
 * detection); `proc kill` moves a tree into one to freeze it and end it with cgroup.kill.
 */
export class ProcCgroup implements ProcessGroup {
  private constructor(
    readonly dir: string,
    /** The group proc itself runs in: where members go when the group is removed. */
    readonly parent: string,
    readonly mount: string,
  ) {}

  /** Make the group (named `<prefix>-<id>`), or return undefined when this host does not let us. */
  static create(selfPath: string | undefined, prefix: string, id: string): ProcCgroup | undefined {
    if (selfPath === undefined) return undefined
    const mount = cgroupMount()
    if (!mount) return undefined
    const parent = path.join(mount, selfPath)
    const dir = path.join(parent, `${prefix}-${id}`)
    try {
      mkdirSync(dir)
      return new ProcCgroup(dir, parent, mount)
    } catch {
      return undefined
    }
  }

  get procsFile(): string {
    return path.join(this.dir, 'cgroup.procs')
  }

  /** Whether cgroup.kill (Linux 5.14+) is there. */
  get canKill(): boolean {
    return existsSync(path.join(this.dir, 'cgroup.kill'))
  }

  /** Whether cgroup.freeze (Linux 5.2+) is there. */
  get canFreeze(): boolean {
    return existsSync(path.join(this.dir, 'cgroup.freeze'))
  }

  members(): number[] {
    try {
      return readFileSync(this.procsFile, 'utf8').split('\n').filter(Boolean).map(Number)
    } catch {
      return []
    }
  }

  /** Move a process (all its threads) into the group. False when the kernel refuses or it is gone. */
  adopt(pid: number): boolean {
    return this.write(this.procsFile, String(pid))
  }

  /** Move a process to another group, given as a path in the hierarchy (`/user.slice/...`). */
  release(pid: number, to: string = path.relative(this.mount, this.parent)): boolean {
    return this.write(path.join(this.mount, to, 'cgroup.procs'), String(pid))
  }

  /** memory.peak (Linux 5.19+, where the memory controller is on for the group), bytes. */
  memoryPeak(): number | undefined {
    try {
      const n = Number(readFileSync(path.join(this.dir, 'memory.peak'), 'utf8').trim())
      return Number.isFinite(n) ? n : undefined
    } catch {
      return undefined
    }
  }

  /** SIGKILL every member at once. */
  kill(): boolean {
    return this.write(path.join(this.dir, 'cgroup.kill'), '1')
  }

  /**
   * Freeze (or thaw) the group. Freezing waits, up to `waitMs`, until the kernel says every member
   * is frozen (one in uninterruptible sleep can delay it); true when it is.
   */
  freeze(on: boolean, waitMs = 500): boolean {
    if (!this.write(path.join(this.dir, 'cgroup.freeze'), on ? '1' : '0')) return false
    if (!on) return true
    for (let waited = 0; ; waited += 2) {
      try {
        if (/^frozen 1$/m.test(readFileSync(path.join(this.dir, 'cgroup.events'), 'utf8'))) return true
      } catch {
        return false
      }

      if (waited >= waitMs) return false
      pause(2)
    }
  }

  /**
   * Shell lines that undo the group if proc dies without cleaning up (a watchdog runs them):
   * thaw it, move the members back to proc's own group, remove it.
   */
  undoScript(): string {
    const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`
    return [
      `echo 0 > ${q(path.join(this.dir, 'cgroup.freeze'))} 2>/dev/null`,
      `for p in $(cat ${q(this.procsFile)} 2>/dev/null); do echo $p > ${q(path.join(this.parent, 'cgroup.procs'))} 2>/dev/null; done`,
      `sleep 0.2; rmdir ${q(this.dir)} 2>/dev/null`,
    ].join('; ')
  }

  /** Remove the group; members that are still alive move to proc's own group first. */
  remove(): void {
    this.freeze(false)
    for (const pid of this.members()) this.release(pid)
    for (let i = 0; i < 100; i++) {
      try {
        rmdirSync(this.dir)
        return
      } catch (error) {
        // EBUSY while the last members finish exiting
        if ((error as NodeJS.ErrnoException).code !== 'EBUSY') return
        for (const pid of this.members()) this.release(pid)
        pause(10)
      }
    }
  }

  private write(file: string, text: string): boolean {
    try {
      writeFileSync(file, text)
      return true
    } catch {
      return false
    }
  }
}
