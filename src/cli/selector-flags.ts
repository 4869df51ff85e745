// Selector flags to selectors: every flag parsed and checked before anything is read or signalled
// (pidfiles and --ns's reference process are read here, as they name what to select).

import {readFileSync, statSync} from 'node:fs'

import {CheckFailed, UsageError} from '../core/errors.js'
import {type Field, NAMESPACES} from '../core/process-info.js'
import type {Selectors} from '../core/select.js'
import {openSource, type ProcessSource, type SourceName} from '../core/sources/index.js'
import {optionalDuration} from '../core/units.js'
import {writeErr} from '../output/stdio.js'
import {parseCount, parsePid, parsePort} from './argv.js'

export interface SelectorFlags {
  'ignore-case'?: boolean
  newest?: boolean
  oldest?: boolean
  pidfile?: string
  'pidfile-locked'?: boolean
  cgroup?: string[]
  env?: string[]
  'include-self': boolean
  kernel?: boolean
  ns?: string
  nslist?: string[]
  procfs?: string
  source?: string
  match?: string[]
  name?: string[]
  'older-than'?: string
  pid?: string[]
  port?: string[]
  ppid?: string[]
  'real-group'?: string[]
  'real-user'?: string[]
  session?: string[]
  state?: string[]
  tty?: string[]
  user?: string[]
  where?: string
  'younger-than'?: string
}

/** The source --source and --procfs name. */
export function sourceOf(flags: {procfs?: string; source?: string}, command?: string): ProcessSource {
  const note = command === undefined ? undefined : (line: string) => writeErr(`proc ${command}: ${line}\n`)
  return openSource({note, procfsRoot: flags.procfs, source: flags.source as SourceName | undefined})
}

/**
 * The pid a pidfile holds (its first line, as pgrep -F reads it). With `locked`, the file must be
 * locked by some process (flock or fcntl, as a running daemon holds its pidfile), as pgrep -L.
 */
function pidFromFile(file: string, locked: boolean, flags: SelectorFlags): number {
  let text: string
  let inode: {dev: number; ino: number}
  try {
    text = readFileSync(file, 'utf8')
    inode = statSync(file)
  } catch (error) {
    throw new UsageError(`--pidfile: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }

  const pid = parsePid(text.split('\n')[0], `--pidfile ${file}`)
  if (locked) {
    const source = sourceOf(flags)
    if (!source.isLocked) throw new UsageError('--pidfile-locked needs the procfs source')
    if (!source.isLocked(inode.dev, inode.ino)) throw new CheckFailed(`--pidfile-locked: ${file} is not locked`)
  }

  return pid
}

function fail(message: string): never {
  throw new UsageError(message)
}

/** The namespace inodes of pid that --ns compares (--nslist picks them; default all). */
function namespacesOf(pid: number, flags: SelectorFlags): Partial<Record<Field, number>> {
  const source = sourceOf(flags)
  if (!source.readOne) throw new UsageError('--ns needs the procfs source')
  const kinds = (flags.nslist ?? Object.keys(NAMESPACES)) as Array<keyof typeof NAMESPACES>
  const fields = kinds.map((k) => NAMESPACES[k])
  const ref = source.readOne(pid, new Set(['pid', ...fields]))
  if (!ref) throw new UsageError(`--ns: no process ${pid}`)
  const out: Partial<Record<Field, number>> = {}
  for (const [i, f] of fields.entries()) {
    const inode = ref[f]
    if (inode == null) throw new UsageError(`--ns: cannot read the ${kinds[i]} namespace of ${pid}`)
    out[f] = inode
  }

  return out
}

/** Names or ids, none of them empty. */
function nonEmpty(values: string[] | undefined, flag: string): string[] | undefined {
  return values?.map((v) => {
    if (v.trim() === '') throw new UsageError(`${flag}: an empty name`)
    return v
  })
}

/** The selectors the flags give (and pid arguments): all parsed and checked, nothing read yet but pidfiles and --ns's reference. */
export function selectorsFrom(flags: SelectorFlags, extraPids: string[] = []): Selectors {
  const ints = (list: string[] | undefined, flag: string) => list?.map((p) => parsePid(p, flag))
  const pids = [...(ints(flags.pid, '--pid') ?? []), ...extraPids.map((p) => parsePid(p, 'pid argument'))]
  if (flags['pidfile-locked'] && flags.pidfile === undefined) throw new UsageError('--pidfile-locked needs --pidfile FILE')
  if (flags.pidfile !== undefined) pids.push(pidFromFile(flags.pidfile, flags['pidfile-locked'] ?? false, flags))
  return {
    cgroup: flags.cgroup,
    env: flags.env,
    ignoreCase: flags['ignore-case'],
    pick: flags.newest ? 'newest' : flags.oldest ? 'oldest' : undefined,
    includeSelf: flags['include-self'],
    kernel: flags.kernel,
    ns: flags.ns === undefined ? (flags.nslist ? fail('--nslist needs --ns PID') : undefined) : namespacesOf(parsePid(flags.ns, '--ns'), flags),
    match: flags.match,
    name: flags.name?.flatMap((n) => (/^\/.*\/[a-z]*$/s.test(n) ? [n] : n.split(','))),
    olderThanMs: optionalDuration(flags['older-than'], '--older-than'),
    pid: pids.length > 0 ? pids : undefined,
    port: flags.port?.map((p) => parsePort(p)),
    ppid: flags.ppid?.map((p) => parseCount(p, '--ppid')),
    realGroup: nonEmpty(flags['real-group'], '--real-group'),
    realUser: nonEmpty(flags['real-user'], '--real-user'),
    session: flags.session?.map((p) => parseCount(p, '--session')),
    state: flags.state,
    tty: flags.tty,
    user: nonEmpty(flags.user, '--user'),
    where: flags.where,
    youngerThanMs: optionalDuration(flags['younger-than'], '--younger-than'),
  }
}
