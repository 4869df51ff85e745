// Parsing `Get-CimInstance Win32_Process | Select-Object ... | ConvertTo-Json` (Windows PowerShell
// 5.1 or pwsh 7). What PowerShell produces, and this takes:
// - an array, or a single object when there is one result;
// - null for what the caller may not read (CommandLine and ExecutablePath of protected processes)
//   and for the System Idle Process's CreationDate;
// - dates as `\/Date(1566855960142)\/` (5.1), ISO 8601 (pwsh 7), or DMTF strings
//   (`20190826174600.142320-420`: local time and its offset in minutes) where a WMI object is
//   serialized without conversion;
// - KernelModeTime and UserModeTime in 100 ns units, sizes in bytes, as numbers or strings.

import {emptyRecord, type ProcessInfo} from '../../process-info.js'

/** The properties proc selects (the PowerShell command in index.ts names the same ones). */
export const CIM_PROPERTIES = [
  'ProcessId',
  'ParentProcessId',
  'Name',
  'CommandLine',
  'ExecutablePath',
  'CreationDate',
  'WorkingSetSize',
  'VirtualSize',
  'KernelModeTime',
  'UserModeTime',
  'ThreadCount',
] as const

type CimObject = Partial<Record<(typeof CIM_PROPERTIES)[number], unknown>>

/** A CIM date in any of the three forms, as epoch milliseconds; null when absent or unreadable. */
export function parseCimDate(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null
  const ms = /^\/Date\((-?\d+)\)\/$/.exec(value)
  if (ms) return Number(ms[1])
  const dmtf = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/.exec(value)
  if (dmtf) {
    const [, y, mo, d, h, mi, s, micro, sign, offset] = dmtf
    const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(+micro / 1000))
    return local - (sign === '-' ? -1 : 1) * Number(offset) * 60_000
  }

  const iso = Date.parse(value)
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(iso) ? iso : null
}

const int = (value: unknown): number | null => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN
  return Number.isSafeInteger(n) && n >= 0 ? n : null
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)

/** One CIM object as the shared record; what it lacks stays null. Undefined without a pid. */
export function fromCim(o: CimObject, nowMs: number, host: string | null): ProcessInfo | undefined {
  const pid = int(o.ProcessId)
  if (pid === null) return undefined
  const r = emptyRecord(pid)
  r.host = host
  r.ppid = int(o.ParentProcessId)
  r.name = text(o.Name)
  // Windows keeps the command line as one string; CreateProcess callers often leave a trailing blank.
  r.command = text(o.CommandLine)?.trimEnd() || null
  r.exe = text(o.ExecutablePath)
  const start = parseCimDate(o.CreationDate)
  if (start !== null) {
    r.startTime = new Date(start).toISOString()
    r.elapsedMs = Math.max(0, nowMs - start)
  }

  r.rssBytes = int(o.WorkingSetSize)
  r.vszBytes = int(o.VirtualSize)
  const kernel = int(o.KernelModeTime)
  const user = int(o.UserModeTime)
  r.cpuTimeMs = kernel === null || user === null ? null : Math.round((kernel + user) / 10_000)
  r.threads = int(o.ThreadCount)
  return r
}

/** The whole output: records in pid order. Throws on text that is not PowerShell's JSON. */
export function parseCim(output: string, nowMs: number, host: string | null = null): ProcessInfo[] {
  const trimmed = output.replace(/^\uFEFF/, '').trim()
  if (trimmed === '') throw new Error('PowerShell printed nothing')
  const parsed: unknown = JSON.parse(trimmed)
  const objects = Array.isArray(parsed) ? parsed : [parsed]
  const out: ProcessInfo[] = []
  for (const o of objects) {
    if (o === null || typeof o !== 'object') continue
    const r = fromCim(o as CimObject, nowMs, host)
    if (r) out.push(r)
  }

  return out.sort((a, b) => a.pid - b.pid)
}
