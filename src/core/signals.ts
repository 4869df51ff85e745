import {constants} from 'node:os'

import {UsageError} from './errors.js'
import {parseDuration} from './units.js'

export interface Signal {
  /** Name with the SIG prefix, as os.constants.signals has it (SIGTERM); `SIG<n>` for a bare number. */
  name: string
  number: number
}

const BY_NUMBER = new Map<number, string>()
for (const [name, number] of Object.entries(constants.signals)) if (!BY_NUMBER.has(number)) BY_NUMBER.set(number, name)

/** The highest signal number (SIGRTMAX on Linux). */
const MAX_SIGNAL = 64

/** `TERM`, `SIGTERM`, `term`, `15`: a signal this platform knows. Anything else is a usage error. */
export function parseSignal(text: string, flag = '--signal'): Signal {
  const t = text.trim()
  if (/^\d+$/.test(t)) {
    const number = Number(t)
    if (number < 1 || number > MAX_SIGNAL) throw new UsageError(`${flag}: '${text}' is not a signal number (1-${MAX_SIGNAL})`)
    return {name: BY_NUMBER.get(number) ?? `SIG${number}`, number}
  }

  const name = t.toUpperCase().startsWith('SIG') ? t.toUpperCase() : `SIG${t.toUpperCase()}`
  const number = (constants.signals as Record<string, number>)[name]
  if (number === undefined) throw new UsageError(`${flag}: unknown signal '${text}' (try TERM, INT, HUP, KILL, USR1 or a number)`)
  return {name, number}
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
