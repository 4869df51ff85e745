// ps-list lists Windows processes with fastlist.exe, a binary it ships: one line per process,
// `pid<TAB>ppid<TAB>name`. proc runs the same binary synchronously where it needs a listing taken
// at once (a converging tree kill walks the tree between signals).

import {readdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {builtin} from '../../builtin.js'
import type {PsListDescriptor} from './index.js'

/** This module's file: the fast path's bundle is CommonJS (no import.meta there), the chunks ESM. */
const here = typeof __filename === 'string' ? __filename : import.meta.url

let found: string | null | undefined

/** ps-list's fastlist.exe for this machine's architecture, or null when the package has none. */
export function fastlistPath(): string | null {
  if (found !== undefined) return found
  try {
    const vendor = path.join(path.dirname(createRequire(here).resolve('ps-list')), 'vendor')
    const arch = process.arch === 'ia32' ? 'x86' : 'x64'
    const exe = readdirSync(vendor).find((f) => f.startsWith('fastlist-') && f.endsWith(`-${arch}.exe`))
    found = exe ? path.join(vendor, exe) : null
  } catch {
    found = null
  }

  return found
}

/** Parse fastlist's output. A line that is not `pid<TAB>ppid<TAB>name` is skipped. */
export function parseFastlist(text: string): PsListDescriptor[] {
  const out: PsListDescriptor[] = []
  for (const line of text.split(/\r?\n/)) {
    const [pid, ppid, ...name] = line.split('\t')
    if (!/^\d+$/.test(pid ?? '') || !/^\d+$/.test(ppid ?? '') || name.length === 0) continue
    out.push({name: name.join('\t'), pid: Number(pid), ppid: Number(ppid)})
  }

  return out
}

/** Every process, at once (synchronously); undefined when fastlist cannot be run. */
export function fastlistSync(): PsListDescriptor[] | undefined {
  const exe = fastlistPath()
  if (!exe) return undefined
  try {
    return parseFastlist(builtin('node:child_process').execFileSync(exe, {encoding: 'utf8', maxBuffer: 64_000_000, stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true}))
  } catch {
    return undefined
  }
}
