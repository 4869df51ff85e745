// Windows' rich source: `Get-CimInstance Win32_Process` through PowerShell (Windows PowerShell 5.1
// ships with every Windows since 10; pwsh where it is the one present), one call per listing.
// Starting PowerShell costs hundreds of milliseconds, so a listing that needs only pid, ppid and
// name takes ps-list's fastlist instead; so does every listing when PowerShell is missing, fails
// or is blocked, with a one-line note saying so.

import {existsSync} from 'node:fs'
import path from 'node:path'

import {builtin, hostName} from '../../builtin.js'
import type {Field, Machine, ProcessInfo} from '../../process-info.js'
import {PsListSource, withoutHelper} from '../ps-list/index.js'
import type {ListOptions, LiveTable, ProcessSource, Probe} from '../source.js'
import {CIM_PROPERTIES, parseCim} from './parse.js'

/** What fastlist gives: a listing that needs no more never starts PowerShell. */
const FASTLIST_FIELDS: ReadonlySet<Field> = new Set<Field>(['pid', 'ppid', 'name', 'host'])

/** UTF-8 out (5.1 writes the OEM code page otherwise), errors as failures, compact JSON. */
const SCRIPT = [
  '$ErrorActionPreference = "Stop"',
  '[Console]::OutputEncoding = [Text.Encoding]::UTF8',
  `Get-CimInstance -ClassName Win32_Process | Select-Object ${CIM_PROPERTIES.join(',')} | ConvertTo-Json -Compress`,
].join('; ')

/** How long a listing may take before PowerShell counts as blocked. */
const TIMEOUT_MS = 30_000

/** powershell.exe where Windows keeps it, else pwsh on PATH. */
function powershellPath(): string {
  const root = process.env.SystemRoot ?? process.env.windir ?? 'C:\\Windows'
  const builtin = path.win32.join(root, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe')
  return existsSync(builtin) ? builtin : 'pwsh'
}

export class CimSource implements ProcessSource {
  readonly id = 'cim'
  readonly fields: ReadonlySet<Field> = new Set<Field>(['pid', 'ppid', 'name', 'command', 'exe', 'startTime', 'elapsedMs', 'rssBytes', 'vszBytes', 'cpuTimeMs', 'threads', 'host'])
  private readonly fastlist: PsListSource
  /** Set once PowerShell has failed: the rest of this run uses fastlist without trying again. */
  private failed = false

  constructor(
    private readonly note: (line: string) => void = () => {},
    private readonly powershell: (script: string) => Promise<string> = runPowerShell,
    fastlist = new PsListSource(),
  ) {
    this.fastlist = fastlist
  }

  readonly freeFields = FASTLIST_FIELDS

  get live(): LiveTable | undefined {
    return this.fastlist.live
  }

  machine(): Machine {
    return {bootId: null, host: hostName()}
  }

  probe(pid: number): Probe | undefined {
    return this.fastlist.probe(pid)
  }

  exists(pid: number): boolean {
    return this.fastlist.exists(pid)
  }

  async list(options: ListOptions): Promise<ProcessInfo[]> {
    // Only a field PowerShell would add is worth its start (a field neither gives, such as state, is not).
    const gains = [...options.fields].some((f) => this.fields.has(f) && !FASTLIST_FIELDS.has(f))
    if (this.failed || !gains) return this.fastlist.list(options)
    try {
      return withoutHelper(parseCim(await this.powershell(SCRIPT), Date.now(), this.machine().host), /^(powershell|pwsh)\.exe$/i)
    } catch (error) {
      this.failed = true
      const why = String((error as Error).message ?? error).split(/\r?\n/)[0]
      this.note(`PowerShell could not list processes (${why}): listed by fastlist instead, which gives pid, ppid and name only`)
      return this.fastlist.list(options)
    }
  }
}

function runPowerShell(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    builtin('node:child_process').execFile(
      powershellPath(),
      ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', script],
      {encoding: 'utf8', maxBuffer: 256_000_000, timeout: TIMEOUT_MS, windowsHide: true},
      (error, stdout, stderr) => {
        if (error) reject(new Error(stderr.trim() || error.message))
        else resolve(stdout)
      },
    )
  })
}
