import {constants} from 'node:os'

import {UsageError} from './errors.js'
import {parseDuration} from './units.js'
import {wrapWords} from './wrap.js'

export interface Signal {
  /** Name with the SIG prefix, as os.constants.signals has it (SIGTERM); `SIG<n>` for a bare number. */
  name: string
  number: number
}

const BY_NUMBER = new Map<number, string>()
for (const [name, number] of Object.entries(constants.signals)) if (!BY_NUMBER.has(number)) BY_NUMBER.set(number, name)

/** The highest signal number (SIGRTMAX on Linux). */
const MAX_SIGNAL = 64

/** The first real-time signal on Linux (glibc's SIGRTMIN; 32 and 33 are its threads'). */
const RTMIN = 34

/** A signal's name without SIG, as kill -l prints it: TERM, RTMIN+6. */
export function signalName(number: number): string {
  const known = BY_NUMBER.get(number)
  if (known) return known.replace(/^SIG/, '')
  if (number === RTMIN) return 'RTMIN'
  if (number === MAX_SIGNAL) return 'RTMAX'
  if (number > RTMIN && number < MAX_SIGNAL) return number - RTMIN <= (MAX_SIGNAL - RTMIN) / 2 ? `RTMIN+${number - RTMIN}` : `RTMAX-${MAX_SIGNAL - number}`
  return String(number)
}

/** What Windows can do with a "signal": TerminateProcess for these three (through Node), 0 to test existence. */
const WINDOWS_SIGNALS: ReadonlySet<string> = new Set(['SIGTERM', 'SIGINT', 'SIGKILL'])
const ON_WINDOWS = 'TERM, INT and KILL end a process, 0 tests that it exists'

/**
 * `TERM`, `SIGTERM`, `term`, `15`, `RTMIN+6`: a signal this platform knows. Anything else is a
 * usage error. `0` (no signal, an existence check) only where `allowZero`. On Windows only TERM,
 * INT and KILL (each ends the process) and 0 can be sent: any other is a usage error, nothing sent.
 */
export function parseSignal(text: string, flag = '--signal', allowZero = false, platform: NodeJS.Platform = process.platform): Signal {
  const signal = parseAnySignal(text, flag, allowZero, platform)
  if (platform === 'win32' && signal.number !== 0 && !WINDOWS_SIGNALS.has(signal.name)) {
    throw new UsageError(`${flag}: ${signal.name.replace(/^SIG/, '')} cannot be sent on Windows: ${ON_WINDOWS}`)
  }

  return signal
}

function parseAnySignal(text: string, flag: string, allowZero: boolean, platform: NodeJS.Platform): Signal {
  const t = text.trim()
  if (/^\d+$/.test(t)) {
    const number = Number(t)
    if (number === 0 && allowZero) return {name: 'SIG0', number: 0}
    if (number < 1 || number > MAX_SIGNAL) throw new UsageError(`${flag}: '${text}' is not a signal number (1-${MAX_SIGNAL})`)
    return {name: BY_NUMBER.get(number) ?? `SIG${signalName(number)}`, number}
  }

  const upper = t.toUpperCase().replace(/^SIG/, '')
  const rt = /^RT(MIN|MAX)([+-]\d+)?$/.exec(upper)
  if (rt) {
    const number = (rt[1] === 'MIN' ? RTMIN : MAX_SIGNAL) + Number(rt[2] ?? 0)
    if (number >= RTMIN && number <= MAX_SIGNAL) return {name: `SIG${signalName(number)}`, number}
  }

  const name = `SIG${upper}`
  const number = upper === '' ? undefined : (constants.signals as Record<string, number>)[name]
  if (number === undefined) {
    const hint = platform === 'win32' ? `on Windows: ${ON_WINDOWS}` : 'try TERM, INT, HUP, KILL, USR1 or a number; proc kill -l lists them'
    throw new UsageError(`${flag}: unknown signal '${text}' (${hint})`)
  }
  return {name, number}
}

/** Every signal's name, as kill -l prints them: space-separated, lines within 80 columns. */
export function signalNames(): string {
  const names: string[] = []
  for (let n = 1; n <= MAX_SIGNAL; n++) if (BY_NUMBER.has(n) || n >= RTMIN) names.push(signalName(n))
  return wrapWords(names.join(' '), 79) + '\n'
}

/**
 * `kill -l WORD`, as kill(1) and bash: a number names its signal (`9` -> KILL), an exit status
 * above 128 names the signal that ended it (`137` -> KILL), a name gives its number (`KILL`,
 * `SIGKILL` -> 9). Anything else is a usage error.
 */
export function translateSignal(text: string): string {
  const t = text.trim()
  if (/^\d+$/.test(t)) {
    const n = Number(t)
    const number = n > 128 && n - 128 <= MAX_SIGNAL ? n - 128 : n
    if (number < 1 || number > MAX_SIGNAL || (!BY_NUMBER.has(number) && number < RTMIN)) throw new UsageError(`-l: '${text}' is not a signal number or an exit status of one (1-${MAX_SIGNAL}, 129-${128 + MAX_SIGNAL})`)
    return signalName(number)
  }

  return String(parseSignal(t, '-l').number)
}

/** Every signal, `N NAME` a line, for `proc kill -L`. */
export function listSignals(): string {
  const lines: string[] = []
  for (let n = 1; n <= MAX_SIGNAL; n++) if (BY_NUMBER.has(n) || n >= RTMIN) lines.push(`${String(n).padStart(2)} ${signalName(n)}`)
  return lines.join('\n') + '\n'
}

/**
 * kill(1) and pkill muscle memory: `-9`, `-KILL`, `-SIGKILL`, `-RTMIN+1` (before any `--`) mean
 * `--signal=...`. Only words that are signals are taken: `-T` and the other flags stay flags.
 */
export function signalShorthands(argv: readonly string[]): string[] {
  const dd = argv.indexOf('--')
  return argv.map((a, i) => {
    if ((dd !== -1 && i > dd) || !/^-(\d+|[A-Za-z][A-Za-z0-9+-]+)$/.test(a)) return a
    try {
      parseSignal(a.slice(1), '--signal', true)
      return `--signal=${a.slice(1)}`
    } catch {
      return a
    }
  })
}

export type LadderStep = {kind: 'signal'; signal: Signal} | {kind: 'wait'; ms: number}

/**
 * An escalation ladder: signals and waits, e.g. `INT,2s,TERM,5s,KILL`. It starts with a signal,
 * alternates, and may end with a wait (then survivors are reported as such).
 */
export function parseLadder(text: string, flag = '--then'): LadderStep[] {
  const parts = text.split(',').map((p) => p.trim())
  const steps = parts.map((part, i): LadderStep => {
    const wantSignal = i % 2 === 0
    if (part === '') throw new UsageError(`${flag}: empty step in '${text}'`)
    if (wantSignal) return {kind: 'signal', signal: parseSignal(part, flag)}
    return {kind: 'wait', ms: parseDuration(part, `${flag} wait`)}
  })
  return steps
}

/** `--signal S` alone, or `--signal S --timeout T` (then KILL), as a ladder. */
export function simpleLadder(signal: Signal, timeoutMs?: number): LadderStep[] {
  if (timeoutMs === undefined) return [{kind: 'signal', signal}]
  return [
    {kind: 'signal', signal},
    {kind: 'wait', ms: timeoutMs},
    {kind: 'signal', signal: parseSignal('KILL')},
  ]
}

export function describeLadder(steps: readonly LadderStep[]): string {
  return steps.map((s) => (s.kind === 'signal' ? s.signal.name.replace(/^SIG/, '') : `${s.ms}ms`)).join(',')
}
