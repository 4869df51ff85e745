// The `ps` source: macOS and the BSDs (their default), and `--source ps` anywhere a POSIX ps with
// the BSD keywords runs (procps-ng on Linux accepts them: this is how it is tested on every run).
// One call for the fields (args last, whole), one for the names (comm, which may hold spaces).

import {builtin, hostName} from '../../builtin.js'
import {emptyRecord, type Field, type Machine, type ProcessInfo} from '../../process-info.js'
import {userNames} from '../../users.js'
import {pidExists} from '../exists.js'
import type {ListOptions, LiveTable, ProcessSource, Probe} from '../source.js'
import {parseNames, parsePsLine, psKeywords} from './parse.js'

/** The session keyword of this platform's ps: procps's sess is the session id; FreeBSD's is sid; macOS has none (its sess is a kernel address). */
export function sessionKeyword(platform: NodeJS.Platform = process.platform): string | undefined {
  return platform === 'linux' ? 'sess' : platform === 'freebsd' || platform === 'openbsd' ? 'sid' : undefined
}

/**
 * ps with C's dates and numbers (as parsed here), UTF-8 text (in the C locale ps prints every
 * non-ASCII byte of a command line as `?`), and no width limit. macOS names its UTF-8 locale
 * `UTF-8`; glibc and FreeBSD `C.UTF-8`.
 */
export function psEnvironment(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const {LC_ALL: _all, ...rest} = env
  return {...rest, COLUMNS: '', LANG: 'C', LC_CTYPE: platform === 'darwin' ? 'UTF-8' : 'C.UTF-8', LC_NUMERIC: 'C', LC_TIME: 'C'}
}

const ENV = psEnvironment()
const MAX_BUFFER = 256 * 1024 * 1024

export class PsSource implements ProcessSource, LiveTable {
  readonly id = 'ps'
  readonly fields: ReadonlySet<Field>
  /** One ps call prints every keyword: all its fields come with any listing. */
  get freeFields(): ReadonlySet<Field> {
    return this.fields
  }

  /** A listing taken at once: a converging tree kill walks it between signals (SIGSTOP holds, no cgroups). */
  readonly live: LiveTable = this
  private readonly session: string | undefined
  private readonly userName = userNames()

  constructor(
    private readonly ps = 'ps',
    platform: NodeJS.Platform = process.platform,
  ) {
    this.session = sessionKeyword(platform)
    this.fields = new Set<Field>([
      'pid', 'ppid', 'pgid', ...(this.session ? (['sid'] as const) : []), 'uid', 'ruid', 'gid', 'rgid', 'user', 'ruser', 'stat', 'state', 'nice', 'priority', 'tty',
      'rssBytes', 'vszBytes', 'cpuPercent', 'memPercent', 'cpuTimeMs', 'elapsedMs', 'startTime', 'wchan', 'command', 'name', 'host',
    ])
  }

  /**
   * Whether `pid`'s process group is its terminal's foreground group (ps's pgid and tpgid): a
   * signal the terminal sent (Ctrl-C) has then reached the whole group already. Undefined when
   * ps cannot tell.
   */
  inForeground(pid: number): boolean | undefined {
    try {
      const out = builtin('node:child_process').execFileSync(this.ps, ['-o', 'pgid=,tpgid=', '-p', String(pid)], {encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'ignore']})
      const [pgid, tpgid] = out.trim().split(/\s+/).map(Number)
      return Number.isInteger(pgid) && Number.isInteger(tpgid) && tpgid > 0 ? pgid === tpgid : undefined
    } catch {
      return undefined
    }
  }

  private args(pids?: number[]): string[] {
    const select = pids ? ['-p', pids.join(',')] : ['-ax']
    return [...select, '-ww', '-o', psKeywords(this.session).map((k) => `${k}=`).join(',')]
  }

  private namesArgs(pids?: number[]): string[] {
    return [...(pids ? ['-p', pids.join(',')] : ['-ax']), '-o', 'pid=,comm=']
  }

  /** Records from ps's two outputs, without ps itself (`skip`: the pids of the ps processes). */
  private records(main: string, names: string, skip: ReadonlySet<number>): ProcessInfo[] {
    const nameOf = parseNames(names)
    const host = hostName()
    const out: ProcessInfo[] = []
    for (const line of main.split('\n')) {
      const parsed = parsePsLine(line, this.session)
      if (!parsed || skip.has(parsed.pid)) continue
      const r = Object.assign(emptyRecord(parsed.pid), parsed)
      r.host = host
      r.name = nameOf.get(r.pid) ?? null
      if (r.command === null && r.name !== null) r.command = `[${r.name}]`
      r.user = r.uid === null ? null : this.userName(r.uid)
      r.ruser = r.ruid == null ? null : this.userName(r.ruid)
      out.push(r)
    }

    return out.sort((a, b) => a.pid - b.pid)
  }

  async list(_options: ListOptions): Promise<ProcessInfo[]> {
    const run = (args: string[]) =>
      new Promise<{pid: number | undefined; text: string}>((resolve, reject) => {
        const child = builtin('node:child_process').execFile(this.ps, args, {env: ENV, maxBuffer: MAX_BUFFER}, (error, stdout) => (error && !stdout ? reject(error) : resolve({pid: child.pid, text: stdout})))
      })
    const [main, names] = await Promise.all([run(this.args()), run(this.namesArgs())])
    return this.records(main.text, names.text, new Set([main.pid, names.pid].filter((p) => p !== undefined)))
  }

  listSync(_fields: ReadonlySet<Field>): ProcessInfo[] {
    const main = builtin('node:child_process').execFileSync(this.ps, this.args(), {encoding: 'utf8', env: ENV, maxBuffer: MAX_BUFFER})
    const names = builtin('node:child_process').execFileSync(this.ps, this.namesArgs(), {encoding: 'utf8', env: ENV, maxBuffer: MAX_BUFFER})
    // A finished ps is no longer listed by the next: only the first could list the second, and it
    // ran before the second started. Each one's own line names `ps` with these arguments.
    return this.records(main, names, new Set()).filter((r) => !(r.name === 'ps' && r.ppid === process.pid))
  }

  /** One process as ps sees it now: its state, start (to the second), name and command. */
  probe(pid: number): Probe | undefined {
    if (!pidExists(pid)) return undefined
    let main: string
    let names: string
    try {
      main = builtin('node:child_process').execFileSync(this.ps, this.args([pid]), {encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'ignore']})
      names = builtin('node:child_process').execFileSync(this.ps, this.namesArgs([pid]), {encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'ignore']})
    } catch {
      // ps exits 1 when the pid is gone.
      return undefined
    }

    const [r] = this.records(main, names, new Set())
    if (!r || r.pid !== pid) return undefined
    return {bootId: null, command: r.command, name: r.name, pid, startTicks: null, startTime: r.startTime, state: r.state}
  }

  exists(pid: number): boolean {
    return pidExists(pid)
  }

  /** ps knows no boot id: records are told apart from another machine's by host, from another boot's by start time. */
  machine(): Machine {
    return {bootId: null, host: hostName()}
  }
}
