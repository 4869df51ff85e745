// Parsing `ps -axww -o KEYWORD=,...` as macOS, FreeBSD and procps-ng print it with LC_ALL=C. Every
// keyword but the last prints one word; `lstart` prints five (`Sun Dec  6 20:56:26 2026`); the
// last, `args`, is the rest of the line (spaces, tabs and all).

import type {ProcessInfo} from '../../process-info.js'

/** The keywords proc asks for, in order; `session` is the platform's session keyword (or none). */
export function psKeywords(session: string | undefined): string[] {
  return ['pid', 'ppid', 'pgid', ...(session ? [session] : []), 'uid', 'ruid', 'gid', 'rgid', 'stat', 'nice', 'pri', 'tty', 'rss', 'vsz', '%cpu', '%mem', 'time', 'etime', 'lstart', 'wchan', 'args']
}

/** `[[dd-]hh:]mm:ss` (etime), and `time` as procps (`[dd-]hh:mm:ss`) and BSD (`m:ss.ss`, `hh:mm:ss.ss`) print it: milliseconds. */
export function parseClock(text: string): number | undefined {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text)
  if (!m) return undefined
  const [, days, hours, minutes, seconds] = m
  return Math.round(((Number(days ?? 0) * 24 + Number(hours ?? 0)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000)
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** lstart's five words (`Sun Dec 6 20:56:26 2026`, local time), to ISO-8601 UTC; undefined if it is not that. */
export function parseLstart(words: readonly string[]): string | undefined {
  const [, mon, day, time, year] = words
  const month = MONTHS.indexOf(mon ?? '')
  const hms = /^(\d\d):(\d\d):(\d\d)$/.exec(time ?? '')
  if (month < 0 || !hms || !/^\d+$/.test(day ?? '') || !/^\d{4}$/.test(year ?? '')) return undefined
  const date = new Date(Number(year), month, Number(day), Number(hms[1]), Number(hms[2]), Number(hms[3]))
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/** A controlling terminal as proc shows them (`pts/3`, `ttys001`); `?`, `??` and `-` are none. */
export function psTty(text: string): string | null {
  return text === '?' || text === '??' || text === '-' ? null : text
}

const int = (text: string | undefined): number | null => (text !== undefined && /^-?\d+$/.test(text) ? Number(text) : null)
const num = (text: string | undefined): number | null => (text !== undefined && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : null)

/** One line of the listing: the record's fields ps gives (user names and the host are filled by the source). */
export function parsePsLine(line: string, session: string | undefined): Partial<ProcessInfo> & {pid: number} | undefined {
  const fixed = psKeywords(session).length - 1 + 4
  const words: string[] = []
  let at = 0
  // The first words are single tokens: split them off one by one, the rest of the line is args.
  while (words.length < fixed) {
    while (at < line.length && (line[at] === ' ' || line[at] === '\t')) at++
    if (at >= line.length) break
    let end = at
    while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end++
    words.push(line.slice(at, end))
    at = end
  }

  if (words.length < fixed) return undefined
  // wchan is padded to its column's width: args begin at the next word.
  let args = line.slice(at).replace(/^[ \t]+/, '')
  let i = 0
  const next = () => words[i++]
  const pid = int(next())
  if (pid === null || pid <= 0) return undefined
  const r: Partial<ProcessInfo> & {pid: number} = {pid}
  r.ppid = int(next())
  r.pgid = int(next())
  if (session) r.sid = int(next())
  r.uid = int(next())
  r.ruid = int(next())
  r.gid = int(next())
  r.rgid = int(next())
  const stat = next()
  r.stat = stat
  r.state = stat.slice(0, 1) || null
  r.nice = int(next())
  r.priority = int(next())
  r.tty = psTty(next())
  const rss = int(next())
  const vsz = int(next())
  r.rssBytes = rss === null ? null : rss * 1024
  r.vszBytes = vsz === null ? null : vsz * 1024
  r.cpuPercent = num(next())
  r.memPercent = num(next())
  r.cpuTimeMs = parseClock(next()) ?? null
  r.elapsedMs = parseClock(next()) ?? null
  r.startTime = parseLstart(words.slice(i, i + 5)) ?? null
  i += 5
  const wchan = next()
  r.wchan = wchan === '-' || wchan === '0' ? null : wchan
  // procps marks a zombie's args `[name] <defunct>`; the table adds that itself.
  if (r.state === 'Z') args = args.replace(/ <defunct>$/, '')
  r.command = args === '' ? null : args
  return r
}

/** `ps -axo pid=,comm=`: pid to name. macOS prints the executable's path: its last part is the name. */
export function parseNames(text: string): Map<number, string> {
  const names = new Map<number, string>()
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s(.*)$/.exec(line)
    if (!m) continue
    let name = m[2].replace(/^\s+/, '')
    if (name.startsWith('/')) name = name.slice(name.lastIndexOf('/') + 1)
    // procps marks a zombie's comm `name <defunct>`; the table adds that itself.
    names.set(Number(m[1]), name.replace(/ <defunct>$/, ''))
  }

  return names
}
