import {createRequire} from 'node:module'

/**
 * A Node builtin module, loaded the first time it is needed rather than at start-up: node:os
 * costs 0.13 ms and node:child_process 2 ms of a start that may never use them (bench/RESULTS.md).
 * process.getBuiltinModule is Node 20.16 and later; before it, a require does the same.
 */
export function builtin(id: 'node:child_process'): typeof import('node:child_process')
export function builtin(id: 'node:os'): typeof import('node:os')
export function builtin(id: 'node:v8'): typeof import('node:v8')
export function builtin(id: string): unknown {
  const get = (process as {getBuiltinModule?: (id: string) => unknown}).getBuiltinModule
  return get ? get(id) : createRequire('/')(id)
}

/** This machine's host name as records carry it (os.hostname), null when the system gives none. */
export function hostName(): string | null {
  return builtin('node:os').hostname() || null
}
