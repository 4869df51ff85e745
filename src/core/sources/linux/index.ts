import path from 'node:path'

import {hostName} from '../../builtin.js'
import {userNames} from '../../users.js'
import {emptyRecord, type Field, FIELDS, type Machine, NAMESPACES, type ProcessInfo} from '../../process-info.js'
import type {ListOptions, LiveTable, ProcessGroup, ProcessSource, Probe, RunSupport, Watchdog} from '../source.js'
import {ProcCgroup} from './cgroup.js'
import {identityGuard, startWatchdog} from './watchdog.js'
import {pidExists} from '../exists.js'
import {bootInstant, containerOf, isEnvironOverwritten, parseBootTime, parseCgroupPath, parseEnviron, parseIo, parseNsLink, parseSmapsRollup, PF_EXITING, PF_KTHREAD, parseCmdline, parseCommandLine, parseMemTotal, parseStatusExtra, unitOf, parseExitStatus, parseNetTable, parsePeakRss, parsePageSize, parseRss, parseStat, parseStatusIds, parseTgid, parseUptime, ttyName} from './parse.js'
import type {StatFields, StatusExtra} from './parse.js'
import {DENIED, type Failure, isFailure, type ProcfsIo, systemIo, VANISHED} from './read.js'

/** Clock ticks per second of stat's time fields. Linux fixes USER_HZ at 100 on every architecture Node runs on. */
export const CLOCK_TICKS = 100
const MS_PER_TICK = 1000 / CLOCK_TICKS

const DETAIL_FIELDS: ReadonlySet<Field> = new Set<Field>(['pid', 'startTicks', 'state', 'name', 'command', 'startTime'])

/**
 * Which file each field needs beyond stat (which every read takes): the one table of this source.
 * Asking for a column reads exactly the files its fields are listed under here; a field under
 * two (stat: the state letter and its flags) needs both. exe, ports and the start time are
 * handled where they are read.
 */
const READERS = {
  /** /proc/PID/cmdline. */
  cmdline: ['argv', 'command'],
  /** /proc/PID/status: ids and VmRSS (stat's rss is an approximate per-CPU counter; status's VmRSS is the exact sum, as ps prints it). */
  status: ['gid', 'uid', 'user', 'rssBytes', 'memPercent'],
  /** More of status: real and saved ids, groups, context switches, and VmLck for ps's STAT. */
  statusExtra: ['ruid', 'suid', 'rgid', 'sgid', 'groups', 'ruser', 'voluntaryCtxSwitches', 'involuntaryCtxSwitches', 'stat'],
  /** More of stat. */
  statExtra: ['priority', 'processor', 'minorFaults', 'majorFaults', 'stat'],
  /** A file, link or directory of its own each (kernelThread: stat's flags). */
  own: [
    'kernelThread', 'wchan', 'cwd', 'env', 'cgroup', 'unit', 'container', 'readBytes', 'writeBytes', 'fds', 'pssBytes', 'ussBytes', 'swapBytes',
    'pidNs', 'netNs', 'mntNs', 'utsNs', 'ipcNs', 'userNs', 'cgroupNs',
  ],
} as const satisfies Record<string, readonly Field[]>

const CMDLINE_FIELDS: ReadonlySet<Field> = new Set<Field>(READERS.cmdline)
const STATUS_FIELDS: ReadonlySet<Field> = new Set<Field>(READERS.status)
const STAT_EXTRA: ReadonlySet<Field> = new Set<Field>(READERS.statExtra)
const FILE_EXTRA: ReadonlySet<Field> = new Set<Field>(READERS.own)
const STATUS_EXTRA: ReadonlySet<Field> = new Set<Field>(READERS.statusExtra)

/** What a thread has of its own; everything else in a thread's record is its process's. */
const THREAD_FIELDS: ReadonlySet<Field> = new Set<Field>([
  'name', 'state', 'cpuTimeMs', 'cpuPercent', 'priority', 'nice', 'processor', 'wchan', 'minorFaults', 'majorFaults', 'voluntaryCtxSwitches',
  'involuntaryCtxSwitches', 'stat',
])

export interface ProcfsOptions {
  /** Root of the proc file system; a fake tree in tests. */
  root?: string
  /** passwd(5) file for user names. */
  passwd?: string
  io?: ProcfsIo
  /** Clock for startTime; tests pin it. */
  now?: () => number
}

function anyOf(fields: ReadonlySet<Field>, set: ReadonlySet<Field>): boolean {
  for (const f of fields) if (set.has(f)) return true
  return false
}

/** The Linux source: reads only the files that the requested fields need. */
export class ProcfsSource implements ProcessSource {
  readonly id = 'procfs'
  /** Every field of the record: /proc has them all (some need a file of their own, read only when asked). */
  readonly fields: ReadonlySet<Field> = new Set<Field>([...FIELDS, ...STAT_EXTRA, ...STATUS_EXTRA, ...FILE_EXTRA, 'memPercent', 'ports', 'tid'])
  /** It lists synchronously and knows cgroups: converging kills. */
  readonly live: LiveTable = this
  /** The run's probes and leak detection for spawn. */
  readonly run: RunSupport = this
  private readonly root: string
  private readonly io: ProcfsIo
  private readonly userName: (uid: number) => string
  private readonly now: () => number
  private cachedBootId?: string | null

  constructor(options: ProcfsOptions = {}) {
    this.root = options.root ?? '/proc'
    this.io = options.io ?? systemIo
    this.userName = userNames(options.passwd)
    this.now = options.now ?? Date.now
  }

  async list(options: ListOptions): Promise<ProcessInfo[]> {
    return options.threads ? this.listThreadsSync(options.fields) : this.listSync(options.fields)
  }

  /**
   * One record per thread, as ps -L and top -H show them: the process's record (pid, ppid,
   * identity, command, user, memory) with the thread's own tid, name, state, CPU time and %CPU,
   * priority, nice, processor, wchan, faults and context switches, from /proc/PID/task/TID.
   */
  listThreadsSync(fields: ReadonlySet<Field>): ProcessInfo[] {
    const processes = this.listSync(new Set([...fields, 'startTicks', 'startTime', 'elapsedMs']))
    const own = new Set([...fields].filter((f) => THREAD_FIELDS.has(f)))
    for (const f of ['name', 'state'] as const) own.add(f)
    const ctx = this.context(own)
    const out: ProcessInfo[] = []
    for (const proc of processes) {
      const tids = this.io.readdir(`${this.root}/${proc.pid}/task`)
      if (isFailure(tids)) continue
      for (const tid of tids.sort((a, b) => Number(a) - Number(b))) {
        const t = this.readProcess(`${proc.pid}/task/${tid}`, ctx)
        if (!t) continue
        const {pid, ...rest} = proc
        const thread: ProcessInfo = {pid, tid: Number(tid), ...rest}
        for (const f of own) (thread as unknown as Record<string, unknown>)[f] = t[f]
        // The main thread's comm is the process's, which proc extends past 15 bytes from argv[0].
        if (thread.tid === proc.pid) thread.name = proc.name
        out.push(thread)
      }
    }

    return out
  }

  listSync(fields: ReadonlySet<Field>): ProcessInfo[] {
    const records: ProcessInfo[] = []
    this.each(fields, (record) => {
      records.push(record)
    })
    return records
  }

  each(fields: ReadonlySet<Field>, visit: (record: ProcessInfo) => boolean | void): void {
    const entries = this.io.readdir(this.root)
    if (isFailure(entries)) throw new Error(`cannot read ${this.root}`)
    const ctx = this.context(fields)
    const pids = pidOrder(entries)
    for (let i = 0; i < pids.length; i++) {
      const record = this.readProcess(pids[i], ctx)
      if (record && visit(record) === false) return
    }
  }

  probe(pid: number, detail = false): Probe | undefined {
    const buf = this.io.read(`${this.root}/${pid}/stat`)
    const stat = isFailure(buf) ? undefined : parseStat(buf)
    if (!stat) return undefined
    // Before any other read: `buf` is the reader's shared buffer.
    const exit = stat.state === 'Z' ? parseExitStatus(buf as Buffer) : undefined
    this.cachedBootId ??= this.bootId()
    const probe: Probe = {bootId: this.cachedBootId, exit, exiting: (stat.flags & PF_EXITING) !== 0, pid, startTicks: stat.startTicks, state: stat.state}
    if (!detail) return probe
    const full = this.readOne(pid, DETAIL_FIELDS)
    // Gone, or another process, since the stat read: the caller sees whichever holds the pid now.
    if (!full || full.startTicks !== stat.startTicks) return full ? {...probe, startTicks: full.startTicks} : undefined
    return {...probe, command: full.command, name: full.name, startTime: full.startTime}
  }

  /** kill(pid, 0), on the real /proc only: a fake tree has no processes behind it. */
  exists(pid: number): boolean {
    return this.root === '/proc' && pidExists(pid)
  }

  /** When a process started (field 22 of stat); undefined once it is gone. */
  startTicks(pid: number): number | undefined {
    return this.probe(pid)?.startTicks ?? undefined
  }

  /** Resident memory now (VmRSS); undefined once it is gone or a zombie. */
  rss(pid: number): number | undefined {
    const buf = this.io.read(`${this.root}/${pid}/status`)
    return isFailure(buf) ? undefined : parseRss(buf)
  }

  /** Peak resident memory (VmHWM) of a running process; undefined once it is gone or a zombie. */
  peakRss(pid: number): number | undefined {
    const buf = this.io.read(`${this.root}/${pid}/status`)
    return isFailure(buf) ? undefined : parsePeakRss(buf)
  }

  /** This process's own stat: its group, its terminal's foreground group, its reaped children's CPU. */
  self(): {pgid: number; tpgid: number; childUserMs: number; childSystemMs: number} | undefined {
    const buf = this.io.read(`${this.root}/self/stat`)
    const stat = isFailure(buf) ? undefined : parseStat(buf)
    if (!stat) return undefined
    return {childSystemMs: stat.cstime * MS_PER_TICK, childUserMs: stat.cutime * MS_PER_TICK, pgid: stat.pgid, tpgid: stat.tpgid}
  }

  /** The pipes pid's stdin and stdout are (`pipe:[N]`); none when they are not pipes or unreadable. */
  stdioPipes(pid: number): string[] {
    const out: string[] = []
    for (const fd of [0, 1]) {
      const link = this.io.readlink(`${this.root}/${pid}/fd/${fd}`)
      if (!isFailure(link) && link.startsWith('pipe:')) out.push(link)
    }

    return out
  }

  /** Whether the environment area of pid was written over by a retitle (false when unreadable). */
  environOverwritten(pid: number): boolean {
    const buf = this.io.read(`${this.root}/${pid}/environ`)
    return !isFailure(buf) && isEnvironOverwritten(buf)
  }

  /** Whether the environment of pid holds a variable of this name (false when unreadable). */
  hasEnv(pid: number, name: string): boolean {
    const buf = this.io.read(`${this.root}/${pid}/environ`)
    if (isFailure(buf)) return false
    const needle = Buffer.from(`${name}=`)
    let at = buf.indexOf(needle)
    while (at >= 0) {
      if (at === 0 || buf[at - 1] === 0) return true
      at = buf.indexOf(needle, at + 1)
    }

    return false
  }

  /** This process's cgroup v2 path ("0::/path" in /proc/self/cgroup), or undefined. */
  selfCgroup(): string | undefined {
    return this.cgroupOf('self')
  }

  /** The cgroup v2 path of a process, or undefined (gone, denied, no v2 hierarchy). */
  startWatchdog(script: string): Watchdog | undefined {
    return startWatchdog(script)
  }

  identityGuard(pid: number | string, startTicks: number | string): string {
    return identityGuard(pid, startTicks)
  }

  createGroup(prefix: string, id: string): ProcessGroup | undefined {
    return ProcCgroup.create(this.selfCgroup(), prefix, id)
  }

  cgroupOf(pid: number | 'self'): string | undefined {
    const text = this.readText(`${pid}/cgroup`)
    if (isFailure(text)) return undefined
    return parseCgroupPath(text)
  }

  /** Read one process; undefined when it does not exist (or vanished while being read). */
  readOne(pid: number, fields: ReadonlySet<Field>): ProcessInfo | undefined {
    return this.readProcess(String(pid), this.context(fields))
  }

  /**
   * Read these processes, as a listing would show them: a thread's id, which /proc also answers
   * for though it lists only processes, gives no record, nor does a pid that is gone or hidden.
   */
  readSome(pids: Iterable<number>, fields: ReadonlySet<Field>): ProcessInfo[] {
    const ctx = this.context(fields)
    const out: ProcessInfo[] = []
    for (const pid of new Set(pids)) {
      const r = this.readListed(pid, ctx)
      if (r) out.push(r)
    }

    return out
  }

  /** A process and its ancestors, parent after child, up to the first one gone (or init). */
  lineage(pid: number, fields: ReadonlySet<Field>): ProcessInfo[] {
    const ctx = this.context(new Set<Field>([...fields, 'ppid']))
    const out: ProcessInfo[] = []
    const seen = new Set<number>()
    for (let at: number | null = pid; at !== null && !seen.has(at); ) {
      seen.add(at)
      const r = this.readListed(at, ctx)
      if (!r) break
      out.push(r)
      at = r.ppid
    }

    return out
  }

  /** One pid as a listing shows it: none for a thread's id (status's Tgid is another) or a gone pid. */
  private readListed(pid: number, ctx: ReturnType<ProcfsSource['context']>): ProcessInfo | undefined {
    if (!Number.isSafeInteger(pid) || pid <= 0) return undefined
    // Left out only when status says so: where it cannot be read, readProcess decides.
    const status = this.io.read(`${this.root}/${pid}/status`)
    const tgid = isFailure(status) ? undefined : parseTgid(status)
    return tgid !== undefined && tgid !== pid ? undefined : this.readProcess(String(pid), ctx)
  }

  /** The host name (the UTS name /proc shows, as hostname(1)) and the boot id. */
  machine(): Machine {
    return {bootId: this.bootId(), host: this.host()}
  }

  private context(fields: ReadonlySet<Field>) {
    const uptime = this.readText('uptime')
    const nowMs = this.now()
    const uptimeMs = isFailure(uptime) ? undefined : parseUptime(uptime)
    return {
      bootId: isFailure(uptime) ? null : this.bootId(),
      host: this.host(),
      bootTimeMs: fields.has('startTime') ? bootInstant(this.bootTime(), nowMs, uptimeMs) : undefined,
      wantStartTime: fields.has('startTime'),
      nowMs,
      pageSize: fields.has('rssBytes') ? this.pageSize() : 4096,
      uptimeMs,
      wantCmdline: anyOf(fields, CMDLINE_FIELDS),
      wantArgv: fields.has('argv'),
      wantExe: fields.has('exe'),
      wantName: fields.has('name'),
      wantStatus: anyOf(fields, STATUS_FIELDS) || anyOf(fields, STATUS_EXTRA),
      statExtra: [...fields].filter((f) => STAT_EXTRA.has(f)),
      statusExtra: [...fields].filter((f) => STATUS_EXTRA.has(f)),
      memTotal: fields.has('memPercent') ? this.memTotal() : undefined,
      // kernelThread is stat's flags: no file of its own.
      files: new Set([...fields].filter((f) => FILE_EXTRA.has(f) && f !== 'kernelThread')),
      wantKernelThread: fields.has('kernelThread'),
      wantUser: fields.has('user'),
      sockets: fields.has('ports') ? this.listeningSockets() : undefined,
    }
  }

  /** Listening sockets of this network namespace, by inode. */
  private listeningSockets(): Map<number, string> {
    const sockets = new Map<number, string>()
    for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
      const text = this.readText(`net/${proto}`)
      if (!isFailure(text)) for (const [inode, port] of parseNetTable(text, proto)) sockets.set(inode, port)
    }

    return sockets
  }

  /** The listening ports among a process's open files; null when its fds cannot be read. */
  private ports(dir: string, sockets: Map<number, string>): string[] | null | Failure {
    const fds = this.io.readdir(`${dir}/fd`)
    if (isFailure(fds)) return fds
    const found = new Set<string>()
    for (const fd of fds) {
      const link = this.io.readlink(`${dir}/fd/${fd}`)
      // Open files we may not look at: the ports are unknown, not none.
      if (link === DENIED) return null
      if (isFailure(link) || !link.startsWith('socket:[')) continue
      const port = sockets.get(Number(link.slice(8, -1)))
      if (port) found.add(port)
    }

    return [...found].sort()
  }

  private readProcess(entry: string, ctx: ReturnType<ProcfsSource['context']>): ProcessInfo | undefined {
    const dir = this.root + '/' + entry
    const statBuf = this.io.read(dir + '/stat')
    if (isFailure(statBuf)) return undefined
    const stat = parseStat(statBuf, ctx.statExtra.includes('processor'))
    if (!stat) return undefined
    const r = emptyRecord(stat.pid)
    r.ppid = stat.ppid
    r.pgid = stat.pgid
    r.sid = stat.sid
    r.tty = ttyName(stat.ttyNr)
    r.state = stat.state
    r.name = stat.name
    r.startTicks = stat.startTicks
    r.bootId = ctx.bootId
    r.host = ctx.host
    r.cpuTimeMs = (stat.utime + stat.stime) * MS_PER_TICK
    r.rssBytes = stat.rssPages * ctx.pageSize
    r.vszBytes = stat.vsize
    r.threads = stat.threads
    r.nice = stat.nice
    if (ctx.uptimeMs !== undefined) {
      r.elapsedMs = Math.max(0, ctx.uptimeMs - stat.startTicks * MS_PER_TICK)
      // From the boot time, like ps: stable from one read to the next, unlike now - elapsed. Only
      // when asked: a live view lists thousands a frame, and start ticks tell its processes apart.
      if (ctx.wantStartTime) {
        r.startTime = new Date(
          ctx.bootTimeMs === undefined ? ctx.nowMs - r.elapsedMs : ctx.bootTimeMs + stat.startTicks * MS_PER_TICK,
        ).toISOString()
      }
      r.cpuPercent = r.elapsedMs > 0 ? Math.round((r.cpuTimeMs / r.elapsedMs) * 10_000) / 100 : 0
    }

    // A file other than stat that says "no such file" may mean the process is gone, or only that
    // the file is empty of meaning (a zombie's or a kernel thread's exe). Decide at the end.
    let maybeGone = false
    const note = (failure: Failure) => {
      if (failure === VANISHED) maybeGone = true
      return null
    }

    // A kernel thread has no memory map: no command line, no executable and no VmRSS (stat's 0
    // stands). Most of a small machine's processes are kernel threads: skipping the files that
    // say nothing of them halves what a listing reads there.
    const kthread = (stat.flags & PF_KTHREAD) !== 0
    if (kthread && ctx.wantCmdline) {
      r.argv = []
      r.command = `[${stat.name}]`
    } else if (!kthread && (ctx.wantCmdline || (ctx.wantName && Buffer.byteLength(stat.name) >= 15))) {
      // comm is cut to 15 bytes; a longer name is recovered from argv[0], as psutil does.
      const buf = this.io.read(dir + '/cmdline')
      if (isFailure(buf)) {
        note(buf)
      } else {
        // The array of arguments only when asked for: the command alone is one string.
        let argv0: string | undefined
        if (ctx.wantArgv) {
          const argv = parseCmdline(buf)
          r.argv = argv
          r.command = argv.length > 0 ? argv.join(' ') : `[${stat.name}]`
          argv0 = argv[0]
        } else {
          const line = parseCommandLine(buf)
          r.command = line === undefined ? `[${stat.name}]` : line.command
          argv0 = line?.argv0
        }

        if (argv0 !== undefined && Buffer.byteLength(stat.name) >= 15) {
          const base = path.basename(argv0.split(' ')[0])
          if (base.startsWith(stat.name)) r.name = base
        }
      }
    }

    let extra: StatusExtra | undefined
    if (kthread && ctx.statusExtra.length === 0 && ctx.wantStatus) {
      // Its ids: the owner of /proc/PID, which the kernel gives the ids status shows (root, as
      // kthreadd's), in one stat(2).
      const owner = this.io.owner(dir)
      if (isFailure(owner)) {
        note(owner)
      } else {
        r.uid = owner.uid
        r.gid = owner.gid
        if (ctx.wantUser) r.user = this.userName(owner.uid)
      }
    } else if (ctx.wantStatus) {
      const read = this.io.read(dir + '/status')
      const buf = isFailure(read) ? note(read) : read
      const ids = buf === null ? undefined : parseStatusIds(buf)
      if (ids) {
        r.uid = ids.uid
        r.gid = ids.gid
        if (ctx.wantUser) r.user = this.userName(ids.uid)
      }

      // No VmRSS (kernel threads, zombies): stat's figure stands, 0 for them.
      const rss = buf === null ? undefined : parseRss(buf)
      if (rss !== undefined) r.rssBytes = rss
      if (ctx.statusExtra.length > 0) {
        extra = buf === null ? undefined : parseStatusExtra(buf)
        this.statusExtra(r, ctx.statusExtra, extra)
      }
    }

    if (ctx.wantKernelThread) r.kernelThread = kthread
    if (ctx.files.size > 0) this.readExtras(dir, r, stat, ctx.files, note)
    if (ctx.memTotal !== undefined) r.memPercent = r.rssBytes === null || ctx.memTotal === 0 ? null : Math.round((r.rssBytes / ctx.memTotal) * 10_000) / 100
    for (const f of ctx.statExtra) {
      if (f === 'stat') r.stat = extra === undefined ? null : psStat(stat, extra.lockedBytes)
      else r[f as 'priority'] = stat[f as 'priority'] ?? null
    }

    if (ctx.wantExe && !kthread) {
      const exe = this.io.readlink(dir + '/exe')
      r.exe = isFailure(exe) ? note(exe) : exe
    }

    if (ctx.sockets) {
      const ports = this.ports(dir, ctx.sockets)
      r.ports = isFailure(ports) ? note(ports) : ports
    }

    if (maybeGone) {
      const again = this.io.read(dir + '/stat')
      const still = isFailure(again) ? undefined : parseStat(again)
      if (!still || still.startTicks !== stat.startTicks) return undefined
    }

    return r
  }

  /** Real and saved ids, groups and context switches, as asked; null where status could not be read. */
  private statusExtra(r: ProcessInfo, fields: Field[], extra: StatusExtra | undefined): void {
    for (const f of fields) {
      if (f === 'ruser') r.ruser = extra?.ruid == null ? null : this.userName(extra.ruid)
      else if (f !== 'stat') (r as unknown as Record<string, unknown>)[f] = extra?.[f as keyof StatusExtra] ?? null
    }
  }

  /** The extra fields that each take a file of their own, as asked; null where one cannot be read. */
  private readExtras(dir: string, r: ProcessInfo, stat: StatFields, want: ReadonlySet<Field>, note: (failure: Failure) => null): void {
    const text = (file: string) => {
      const buf = this.io.read(`${dir}/${file}`)
      return isFailure(buf) ? note(buf) : buf
    }

    if (want.has('wchan')) {
      const buf = text('wchan')
      const name = buf === null ? null : buf.toString('latin1').trim()
      r.wchan = name === null || name === '' || name === '0' ? null : name
    }

    if (want.has('cwd')) {
      const link = this.io.readlink(`${dir}/cwd`)
      r.cwd = isFailure(link) ? note(link) : link
    }

    if (want.has('env')) {
      const buf = text('environ')
      r.env = buf === null ? null : parseEnviron(buf)
    }

    if (want.has('cgroup') || want.has('unit') || want.has('container')) {
      const buf = text('cgroup')
      const path = buf === null ? null : (parseCgroupPath(buf.toString('utf8')) ?? null)
      if (want.has('cgroup')) r.cgroup = path
      if (want.has('unit')) r.unit = path === null ? null : unitOf(path)
      if (want.has('container')) r.container = path === null ? null : containerOf(path)
    }

    if (want.has('readBytes') || want.has('writeBytes')) {
      const buf = text('io')
      const io = buf === null ? undefined : parseIo(buf)
      if (want.has('readBytes')) r.readBytes = io?.readBytes ?? null
      if (want.has('writeBytes')) r.writeBytes = io?.writeBytes ?? null
    }

    if (want.has('fds')) {
      const list = this.io.readdir(`${dir}/fd`)
      r.fds = isFailure(list) ? note(list) : list.length
    }

    if (want.has('pssBytes') || want.has('ussBytes') || want.has('swapBytes')) {
      // A kernel thread has no memory map: its smaps_rollup is empty.
      const buf = text('smaps_rollup')
      const m = buf === null || buf.length === 0 ? undefined : parseSmapsRollup(buf)
      if (want.has('pssBytes')) r.pssBytes = m?.pssBytes ?? null
      if (want.has('ussBytes')) r.ussBytes = m?.ussBytes ?? null
      if (want.has('swapBytes')) r.swapBytes = m?.swapBytes ?? null
    }

    for (const [link, field] of Object.entries(NAMESPACES)) {
      if (!want.has(field)) continue
      const target = this.io.readlink(`${dir}/ns/${link}`)
      r[field] = isFailure(target) ? note(target) : parseNsLink(target)
    }
  }

  /** The threads of a process other than its main thread, by tid, with their names (comm). */
  threadsOf(pid: number): Array<{name: string; tid: number}> {
    const tids = this.io.readdir(`${this.root}/${pid}/task`)
    if (isFailure(tids)) return []
    const out: Array<{name: string; tid: number}> = []
    for (const tid of tids) {
      if (tid === String(pid)) continue
      const comm = this.io.read(`${this.root}/${pid}/task/${tid}/comm`)
      if (!isFailure(comm)) out.push({name: comm.toString('utf8').replace(/\n$/, ''), tid: Number(tid)})
    }

    return out.sort((a, b) => a.tid - b.tid)
  }

  /** Whether /proc/locks lists a lock on this file (flock, POSIX or OFD): `MAJOR:MINOR:INODE` there. */
  isLocked(dev: number, ino: number): boolean {
    const text = this.readText('locks')
    if (isFailure(text)) return false
    // stat's dev is the kernel's encoding: major in bits 8-19 (and 32+), minor in 0-7 and 20-31.
    const major = ((dev >> 8) & 0xfff) | Math.floor(dev / 2 ** 32) * 0x1000
    const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00)
    const want = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${ino}`
    return text.split('\n').some((line) => line.trim().split(/\s+/).includes(want))
  }

  /** MemTotal of /proc/meminfo, for memPercent; undefined when unreadable. */
  private memTotal(): number | undefined {
    const buf = this.io.read(this.root + '/meminfo')
    return isFailure(buf) ? undefined : parseMemTotal(buf)
  }

  private readText(file: string): string | Failure {
    const buf = this.io.read(this.root + '/' + file)
    return isFailure(buf) ? buf : buf.toString('utf8')
  }

  /** /proc/sys/kernel/hostname of this root; gethostname(2) where the file cannot be read. */
  private host(): string | null {
    const text = this.readText('sys/kernel/hostname')
    return isFailure(text) ? hostName() : text.trim() || null
  }

  private bootId(): string | null {
    const text = this.readText('sys/kernel/random/boot_id')
    return isFailure(text) ? null : text.trim() || null
  }

  /** btime of /proc/stat: the wall-clock time of boot, in whole seconds. */
  private bootTime(): number | undefined {
    const text = this.readText('stat')
    return isFailure(text) ? undefined : parseBootTime(text)
  }

  private pageSize(): number {
    if (process.arch === 'x64' || process.arch === 'ia32') return 4096
    const text = this.readText('self/smaps')
    return (isFailure(text) ? undefined : parsePageSize(text)) ?? 4096
  }
}

/**
 * The process directories of a /proc listing, in pid order: the order getdents(2) gives, which
 * readdir's sorting by name undoes ("10" before "9"). A listing comes out sorted by pid, so the
 * sort by pid that most commands ask for finds its work done. Names of one length (decimal pids,
 * no leading zeros) order as their numbers do: put the lengths in order, and each length's names
 * in order where readdir has not already.
 */
function pidOrder(entries: readonly string[]): string[] {
  const byLength: string[][] = []
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]
    const c = entry.charCodeAt(0)
    if (c >= 48 && c <= 57) (byLength[entry.length] ??= []).push(entry)
  }

  const out: string[] = []
  for (const names of byLength) {
    if (names === undefined) continue
    for (let i = 1; i < names.length; i++) {
      if (names[i - 1] > names[i]) {
        names.sort()
        break
      }
    }

    for (let i = 0; i < names.length; i++) out.push(names[i])
  }

  return out
}

/**
 * ps's STAT: the state letter, then `<` (nice below 0) or `N` (above), `L` (locked pages), `s`
 * (session leader), `l` (more than one thread), `+` (in the terminal's foreground group): the
 * letters and order of procps' pr_stat.
 */
function psStat(stat: StatFields, lockedBytes: number | null): string {
  let out = stat.state
  if (stat.nice < 0) out += '<'
  else if (stat.nice > 0) out += 'N'
  if (lockedBytes) out += 'L'
  if (stat.sid === stat.pid) out += 's'
  if (stat.threads > 1) out += 'l'
  if (stat.tpgid >= 0 && stat.pgid === stat.tpgid) out += '+'
  return out
}
