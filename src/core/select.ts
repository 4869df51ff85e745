import {UsageError} from './errors.js'
import type {Field, ProcessInfo} from './process-info.js'
import {groupId} from './users.js'
import {parseRegex, stateValue} from './patterns.js'
import {compileWhere} from './where.js'

/**
 * Selecting processes, shared by every command. Different selectors AND together;
 * repeated values of one selector OR (like pgrep).
 */
export interface Selectors {
  pid?: number[]
  ppid?: number[]
  user?: string[]
  /** Of all that match, only the newest or the oldest (by start), as pgrep -n and -o. */
  pick?: 'newest' | 'oldest'
  /** --name and --match ignore case, as pgrep -i. */
  ignoreCase?: boolean
  /** Environment variables: KEY (set) or KEY=VALUE, as pgrep --env. */
  env?: string[]
  /** cgroup v2 paths, exactly, as pgrep --cgroup. */
  cgroup?: string[]
  /** Namespace inodes a process must share (pgrep --ns PID, resolved to the inodes of PID). */
  ns?: Partial<Record<Field, number>>
  /** false: leave kernel threads out. */
  kernel?: boolean
  /** The real user (name or uid) and real group (name or gid), as pgrep -U and -G. */
  realUser?: string[]
  realGroup?: string[]
  name?: string[]
  match?: string[]
  state?: string[]
  olderThanMs?: number
  youngerThanMs?: number
  tty?: string[]
  session?: number[]
  /** Listening on one of these TCP/UDP ports. */
  port?: number[]
  where?: string
  /** Include proc's own process (excluded by default, like pgrep). */
  includeSelf?: boolean
}

export interface Selection {
  test(record: ProcessInfo): boolean
  /** The matches to keep: all, or the newest or oldest one alone (--newest, --oldest). */
  narrow<T extends ProcessInfo>(matches: readonly T[]): T[]
  /** Whether narrow() keeps fewer than all the matches: it needs them all first. */
  narrows: boolean
  /** Whether a record stays in a listing whatever the selectors: not proc itself, not a kernel thread under --no-kernel. */
  keep(record: ProcessInfo): boolean
  /** Fields the tests read. */
  needs: Set<Field>
  /** True when any selector was given. */
  active: boolean
}

/** `--name` pattern: /regex/flags, a glob with * ? [...], or an exact name; `ignoreCase` as pgrep -i. */
export function namePattern(pattern: string, ignoreCase = false): (name: string) => boolean {
  const caseFlag = ignoreCase ? 'i' : ''
  const re = /^\/(.*)\/([a-z]*)$/s.exec(pattern)
  if (re) {
    const regex = parseRegex(re[1], '--name', re[2].includes('i') ? re[2] : re[2] + caseFlag)
    return (name) => regex.test(name)
  }

  if (/[*?[]/.test(pattern)) {
    let source = ''
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]
      if (c === '*') source += '.*'
      else if (c === '?') source += '.'
      else if (c === '[') {
        const end = pattern.indexOf(']', i + 2)
        if (end < 0) throw new UsageError(`--name: unclosed '[' in glob '${pattern}'`)
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replaceAll('\\', '\\\\')
        source += `[${body}]`
        i = end
      } else source += c.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')
    }

    const regex = parseRegex(`^${source}$`, '--name', 's' + caseFlag)
    return (name) => regex.test(name)
  }

  if (ignoreCase) {
    const lower = pattern.toLowerCase()
    return (name) => name.toLowerCase() === lower
  }

  return (name) => name === pattern
}


function stateLetter(value: string): string {
  const letter = stateValue(value)
  if (letter !== undefined) return letter
  throw new UsageError(`--state: unknown state '${value}' (use a letter such as R S D Z T, or running, sleeping, zombie...)`)
}

/** Build the test for a set of selectors. All parsing errors surface here, before any work. */
export function buildSelection(selectors: Selectors, selfPid = process.pid): Selection {
  const tests: Array<(r: ProcessInfo) => boolean> = []
  const needs = new Set<Field>()
  const need = (...fields: Field[]) => {
    for (const f of fields) needs.add(f)
  }

  if (selectors.pid?.length) {
    const set = new Set(selectors.pid)
    tests.push((r) => set.has(r.pid))
  }

  if (selectors.ppid?.length) {
    const set = new Set(selectors.ppid)
    need('ppid')
    tests.push((r) => r.ppid !== null && set.has(r.ppid))
  }

  if (selectors.session?.length) {
    const set = new Set(selectors.session)
    need('sid')
    tests.push((r) => r.sid !== null && set.has(r.sid))
  }

  if (selectors.env?.length) {
    const wanted = selectors.env.map((e) => {
      const eq = e.indexOf('=')
      if (eq === 0 || e === '') throw new UsageError(`--env: '${e}' is not KEY or KEY=VALUE`)
      return eq < 0 ? {key: e} : {key: e.slice(0, eq), value: e.slice(eq + 1)}
    })
    need('env')
    tests.push((r) => r.env != null && wanted.some((w) => Object.hasOwn(r.env!, w.key) && (w.value === undefined || r.env![w.key] === w.value)))
  }

  if (selectors.cgroup?.length) {
    const set = new Set(selectors.cgroup)
    need('cgroup')
    tests.push((r) => r.cgroup != null && set.has(r.cgroup))
  }

  if (selectors.ns) {
    const inodes = Object.entries(selectors.ns) as Array<[Field, number]>
    need(...inodes.map(([f]) => f))
    tests.push((r) => inodes.every(([f, inode]) => r[f] === inode))
  }

  // Leaving kernel threads out narrows any listing; alone it selects nothing (a tree stays whole).
  const filters: Array<(r: ProcessInfo) => boolean> = []
  if (selectors.kernel === false) {
    need('kernelThread')
    filters.push((r) => r.kernelThread !== true)
  }

  if (selectors.realUser?.length) {
    need('ruser', 'ruid')
    tests.push(userTest(selectors.realUser, 'ruid', 'ruser'))
  }

  if (selectors.realGroup?.length) {
    const gids = new Set(
      selectors.realGroup.map((g) => {
        const gid = /^\d+$/.test(g) ? Number(g) : groupId(g)
        if (gid === undefined) throw new UsageError(`--real-group: no group named '${g}'`)
        return gid
      }),
    )
    need('rgid')
    tests.push((r) => r.rgid != null && gids.has(r.rgid))
  }

  if (selectors.user?.length) {
    need('user', 'uid')
    tests.push(userTest(selectors.user, 'uid', 'user'))
  }

  if (selectors.name?.length) {
    const matchers = selectors.name.map((p) => namePattern(p, selectors.ignoreCase))
    need('name')
    // A Windows image name matches with or without its .exe, as people name programs: `--name node` finds node.exe.
    const bare = (name: string) => name.replace(/\.exe$/i, '')
    tests.push((r) => r.name !== null && matchers.some((m) => m(r.name!) || (bare(r.name!) !== r.name && m(bare(r.name!)))))
  }

  if (selectors.match?.length) {
    const regexes = selectors.match.map((m) => parseRegex(m, '--match', selectors.ignoreCase ? 'i' : ''))
    need('command')
    tests.push((r) => r.command !== null && regexes.some((re) => re.test(r.command!)))
  }

  if (selectors.state?.length) {
    const letters = new Set(selectors.state.map((s) => stateLetter(s)))
    need('state')
    tests.push((r) => r.state !== null && letters.has(r.state))
  }

  if (selectors.tty?.length) {
    const ttys = new Set(selectors.tty.map((t) => (t === '?' || t === 'none' ? null : t.replace(/^\/dev\//, ''))))
    need('tty')
    tests.push((r) => ttys.has(r.tty))
  }

  if (selectors.port?.length) {
    const ports = new Set(selectors.port)
    need('ports')
    tests.push((r) => r.ports?.some((p) => ports.has(Number(p.slice(p.indexOf(':') + 1)))) ?? false)
  }

  if (selectors.olderThanMs !== undefined) {
    const min = selectors.olderThanMs
    need('elapsedMs')
    tests.push((r) => r.elapsedMs !== null && r.elapsedMs >= min)
  }

  if (selectors.youngerThanMs !== undefined) {
    const max = selectors.youngerThanMs
    need('elapsedMs')
    tests.push((r) => r.elapsedMs !== null && r.elapsedMs < max)
  }

  if (selectors.where !== undefined) {
    const where = compileWhere(selectors.where)
    for (const f of where.needs) needs.add(f)
    tests.push((r) => where.test(r as unknown as Record<string, unknown>))
  }

  const active = tests.length > 0
  if (!selectors.includeSelf) filters.unshift((r) => r.pid !== selfPid)
  tests.unshift(...filters)
  const pick = selectors.pick
  return {
    active,
    narrows: pick !== undefined,
    narrow: (matches) => (pick === undefined || matches.length <= 1 ? [...matches] : [matches.reduce((a, b) => (later(a, b) === (pick === 'newest') ? a : b))]),
    keep: (r) => filters.every((t) => t(r)),
    needs,
    test: (r) => tests.every((t) => t(r)),
  }
}

/** A record's user (effective or real) is one of these names or uids. */
function userTest(users: readonly string[], uidField: 'ruid' | 'uid', nameField: 'ruser' | 'user'): (r: ProcessInfo) => boolean {
  const names = new Set(users.filter((u) => !/^\d+$/.test(u)))
  const uids = new Set(users.filter((u) => /^\d+$/.test(u)).map(Number))
  return (r) => {
    const uid = r[uidField]
    const name = r[nameField]
    return (uid != null && uids.has(uid)) || (name != null && names.has(name))
  }
}

/** Whether a started after b (ties: the larger pid, as pgrep -n). */
function later(a: ProcessInfo, b: ProcessInfo): boolean {
  const at = a.startTicks ?? 0
  const bt = b.startTicks ?? 0
  return at === bt ? a.pid > b.pid : at > bt
}
