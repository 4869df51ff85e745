import type {ChildProcess} from 'node:child_process'

import {builtin} from '../../builtin.js'
import type {Watchdog} from '../source.js'

export type {Watchdog} from '../source.js'

/**
 * Cleanup that must happen even when proc is killed with SIGKILL (no handler can run then): a
 * shell, in a session of its own, blocked reading a pipe from proc. When proc dies the pipe
 * closes and the shell runs `script`. On a normal end `stop()` kills the shell first. Every
 * signal such a script sends must check identity itself (see `identityGuard`).
 */
export function startWatchdog(script: string): Watchdog | undefined {
  let dog: ChildProcess
  try {
    const {spawn} = builtin('node:child_process')
    dog = spawn('/bin/sh', ['-c', `read _ ; ${script}`], {detached: true, stdio: ['pipe', 'ignore', 'ignore']})
  } catch {
    return undefined
  }

  dog.on('error', () => {})
  dog.stdin?.on('error', () => {})
  dog.unref()
  ;(dog.stdin as unknown as {unref?: () => void}).unref?.()
  return {
    tell(line) {
      try {
        dog.stdin?.write(`${line}\n`)
      } catch {}
    },
    stop() {
      if (dog.pid === undefined) return
      try {
        process.kill(dog.pid, 'SIGKILL')
      } catch {}
    },
  }
}

/**
 * A shell condition true while `pid` is still the process that started at `startTicks` (field 22
 * of /proc/PID/stat; the name before it may hold spaces and parentheses, so it is cut at the
 * last ") "). Used by watchdogs before every signal they send. Either may be a shell variable
 * (`$p`) the script read.
 */
export function identityGuard(pid: number | string, startTicks: number | string): string {
  return `{ s=$(cat /proc/${pid}/stat 2>/dev/null) && s=\${s##*) } && set -- $s && [ "\${20}" = ${startTicks} ]; }`
}
