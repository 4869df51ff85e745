import {UsageError} from '../errors.js'
import {ProcfsSource} from './procfs/index.js'
import {PsListSource} from './ps-list.js'
import type {ProcessSource} from './source.js'

export type SourceName = 'ps-list' | 'procfs'

export interface SourceOptions {
  source?: SourceName
  /** Another procfs root (a fake tree in tests); also PROC_PROCFS in the environment. */
  procfsRoot?: string
}

/** procfs on Linux, ps-list elsewhere or when asked. */
export function openSource(options: SourceOptions = {}): ProcessSource {
  const root = options.procfsRoot ?? process.env.PROC_PROCFS
  const name = options.source ?? (process.platform === 'linux' || root ? 'procfs' : 'ps-list')
  if (name === 'ps-list') return new PsListSource()
  if (process.platform !== 'linux' && !root) throw new UsageError('the procfs source needs Linux (use --source ps-list)')
  return new ProcfsSource({passwd: process.env.PROC_PASSWD, root})
}

export type {ProcessSource, Probe} from './source.js'
