import {hostName} from '../../builtin.js'

import {emptyRecord, type Field, type Machine, type ProcessInfo} from '../../process-info.js'
import {userNames} from '../../users.js'
import {pidExists} from '../exists.js'
import type {ListOptions, LiveTable, ProcessSource, Probe} from '../source.js'
import {fastlistPath, fastlistSync} from './fastlist.js'

/** What ps-list returns for one process (its ProcessDescriptor); every field but pid, name and ppid is optional. */
export interface PsListDescriptor {
  pid: number
  name: string
  ppid: number
  cmd?: string
  cpu?: number
  memory?: number
  uid?: number
  path?: string
  startTime?: Date
}

export type PsListFn = () => Promise<PsListDescriptor[]>

/** Map one ps-list descriptor to the shared record. What ps-list cannot know stays null. */
export function fromPsList(d: PsListDescriptor, nowMs: number, userName: (uid: number) => string, fields?: ReadonlySet<string>, host: string | null = null): ProcessInfo {
  const r = emptyRecord(d.pid)
  r.host = host
  r.ppid = d.ppid
  r.name = d.name
  r.command = d.cmd ?? null
  r.cpuPercent = d.cpu ?? null
  // ps-list's memory is ps's %MEM (macOS, Linux; Windows has none): an extra field, when asked for.
  if (fields?.has('memPercent')) r.memPercent = d.memory ?? null
  r.uid = d.uid ?? null
  r.user = d.uid === undefined ? null : userName(d.uid)
  // ps-list falls back to the (possibly cut) name when it has no path: only an absolute path is an exe.
  r.exe = d.path?.startsWith('/') || /^[a-z]:\\/i.test(d.path ?? '') ? d.path! : null
  if (d.startTime && !Number.isNaN(d.startTime.getTime())) {
    r.startTime = d.startTime.toISOString()
    r.elapsedMs = Math.max(0, nowMs - d.startTime.getTime())
  }

  return r
}

/**
 * Without the helper a listing ran (fastlist.exe, powershell.exe: a child of proc named so) and
 * what it started (Wine's conhost.exe): never part of the answer, as ps leaves itself out.
 */
export function withoutHelper<T extends {name: string | null; pid: number; ppid: number | null}>(records: readonly T[], helper: RegExp, self = process.pid): T[] {
  const helpers = new Set(records.filter((r) => r.ppid === self && helper.test(r.name ?? '')).map((r) => r.pid))
  return records.filter((r) => !helpers.has(r.pid) && (r.ppid === null || !helpers.has(r.ppid)))
}

/** The portable source (macOS, Windows, or `--source ps-list`), on the ps-list package. */
export class PsListSource implements ProcessSource {
  readonly id = 'ps-list'
  /** What ps-list gives: fastlist.exe on Windows has pid, ppid and name only; ps elsewhere a few more. */
  readonly fields: ReadonlySet<Field> = new Set<Field>(
    process.platform === 'win32' ? ['pid', 'ppid', 'name', 'host'] : ['pid', 'ppid', 'name', 'command', 'cpuPercent', 'memPercent', 'uid', 'user', 'exe', 'startTime', 'elapsedMs', 'host'],
  )

  /** On Windows, a listing taken at once (fastlist.exe run synchronously): tree kills converge there too. */
  readonly live: LiveTable | undefined

  constructor(private readonly psList?: PsListFn) {
    this.live = process.platform === 'win32' && !psList && fastlistPath() ? {listSync: (fields) => this.listFastlist(fields)} : undefined
  }

  private listFastlist(fields: ReadonlySet<Field>): ProcessInfo[] {
    const now = Date.now()
    const {host} = this.machine()
    return withoutHelper(fastlistSync() ?? [], /^fastlist/i).map((d) => fromPsList(d, now, () => '', fields, host))
  }

  /** Without /proc, existence is all there is to know: kill(pid, 0). */
  probe(pid: number): Probe | undefined {
    return pidExists(pid) ? {bootId: null, pid, startTicks: null, state: null} : undefined
  }

  exists(pid: number): boolean {
    return pidExists(pid)
  }

  /** ps-list knows no boot id: records are told apart from another machine's by host alone. */
  machine(): Machine {
    return {bootId: null, host: hostName()}
  }

  async list(options: ListOptions): Promise<ProcessInfo[]> {
    const psList = this.psList ?? (await import('ps-list')).default
    const descriptors = await psList()
    const now = Date.now()
    const userName = userNames()
    const {host} = this.machine()
    return withoutHelper(descriptors, /^fastlist/i).map((d) => fromPsList(d, now, userName, options.fields, host))
  }
}
