import {existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

/**
 * A cgroup v2 child group for one run: every descendant of the child stays in it, whatever it
 * does to its session, group or environment. Created under proc's own cgroup, where writable
 * (/sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one).
 */
export class RunCgroup {
  private constructor(readonly dir: string, private readonly parent: string) {}

  /** Make the group, or return undefined when this host does not let us. */
  static create(selfPath: string | undefined, id: string): RunCgroup | undefined {
    if (selfPath === undefined) return undefined
    const mount = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].find((m) => existsSync(path.join(m, 'cgroup.controllers')))
    if (!mount) return undefined
    const parent = path.join(mount, selfPath)
    const dir = path.join(parent, `proc-spawn-${id}`)
    try {
      mkdirSync(dir)
      return new RunCgroup(dir, parent)
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

  members(): number[] {
    try {
      return readFileSync(this.procsFile, 'utf8').split('\n').filter(Boolean).map(Number)
    } catch {
      return []
    }
  }

  /** SIGKILL every member at once. */
  kill(): boolean {
    try {
      writeFileSync(path.join(this.dir, 'cgroup.kill'), '1')
      return true
    } catch {
      return false
    }
  }

  /** Remove the group; members that are still alive move to the parent group first. */
  remove(): void {
    for (const pid of this.members()) {
      try {
        writeFileSync(path.join(this.parent, 'cgroup.procs'), String(pid))
      } catch {
        // gone meanwhile
      }
    }

    for (let i = 0; i < 50; i++) {
      try {
        rmdirSync(this.dir)
        return
      } catch (error) {
        // EBUSY while the last members finish exiting
        if ((error as NodeJS.ErrnoException).code !== 'EBUSY') return
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
      }
    }
  }
}
