import {UsageError} from '../errors.js'
import type {Field} from '../process-info.js'
import {ProcfsSource} from './linux/index.js'
import {CimSource} from './cim/index.js'
import {PsSource} from './ps/index.js'
import {PsListSource} from './ps-list/index.js'
import type {ProcessSource} from './source.js'

import type {SourceName} from './source.js'

export type {SourceName} from './source.js'

export interface SourceOptions {
  source?: SourceName
  /** Where a source says something worth knowing about its answer (the Windows source's fallback). */
  note?: (line: string) => void
  /** Another procfs root (a fake tree in tests); also PROC_PROCFS in the environment. */
  procfsRoot?: string
}

/** The platforms whose ps takes the BSD keywords the ps source asks for. */
const PS_PLATFORMS: ReadonlySet<string> = new Set(['darwin', 'freebsd', 'openbsd', 'netbsd'])

const SOURCES: ReadonlySet<string> = new Set<SourceName>(['cim', 'procfs', 'ps', 'ps-list'])

/** PROC_SOURCE: the default source for a whole run (the suite runs a second time with ps). */
function forcedSource(): SourceName | undefined {
  const forced = process.env.PROC_SOURCE
  if (forced === undefined || forced === '') return undefined
  if (!SOURCES.has(forced)) throw new UsageError(`PROC_SOURCE: unknown source '${forced}' (procfs, ps, ps-list or cim)`)
  return forced as SourceName
}

/** procfs on Linux, ps on macOS and the BSDs, CIM on Windows, ps-list elsewhere; --source picks one. */
export function openSource(options: SourceOptions = {}): ProcessSource {
  const root = options.procfsRoot ?? process.env.PROC_PROCFS
  // A procfs root (a fake tree) is procfs's, whatever PROC_SOURCE says.
  const name = options.source ?? (root ? 'procfs' : undefined) ?? forcedSource() ?? (process.platform === 'linux' ? 'procfs' : PS_PLATFORMS.has(process.platform) ? 'ps' : process.platform === 'win32' ? 'cim' : 'ps-list')
  if (name === 'ps-list') return new PsListSource()
  if (name === 'cim') {
    if (process.platform !== 'win32') throw new UsageError('the cim source needs Windows (PowerShell\'s Get-CimInstance)')
    return new CimSource(options.note)
  }
  if (name === 'ps') return new PsSource(process.env.PROC_PS ?? 'ps')
  if (process.platform !== 'linux' && !root) throw new UsageError('the procfs source needs Linux (use --source ps-list)')
  return new ProcfsSource({passwd: process.env.PROC_PASSWD, root})
}

/**
 * Refuse fields the source cannot give (its records would hold null, and a selector on them would
 * match nothing: an empty answer that reads as one): a usage error naming the source.
 */
export function requireFields(source: ProcessSource, fields: Iterable<Field>, what: string): void {
  const missing = [...fields].filter((f) => !source.fields.has(f))
  if (missing.length > 0) throw new UsageError(`${what} read ${missing.join(', ')}, which the ${source.id} source cannot give${source.id === 'procfs' ? '' : ' (on Linux: --source procfs)'}`)
}

export type {LiveTable, ProcessGroup, ProcessSource, Probe, RunSupport, Watchdog} from './source.js'
