// How a command ends when something goes wrong: each error to one line on stderr and its exit
// code (usage 2, output 4, internal 3; spawn's are 125, so they never read as its child's).

import {INTERNAL_ERROR_EXIT, OUTPUT_ERROR_EXIT, ProcError, UsageError} from '../core/errors.js'
import {escapeControl} from '../output/escape.js'
import {writeErr} from '../output/stdio.js'
import {oneLine} from './argv.js'
import type {CommandSpec} from './spec.js'

/** proc's own exit codes for a command: spawn's are 125, so they never read as the child's. */
export function exitCodesOf(spec: CommandSpec): {internal: number; output: number | undefined; usage: number} {
  return spec.exitCodes ?? {internal: INTERNAL_ERROR_EXIT, output: OUTPUT_ERROR_EXIT, usage: 2}
}

/**
 * An error out of a command, as one line on stderr and the contracted exit code: usage errors 2
 * (spawn 125), proc's own checks their code, anything unexpected the internal-error code.
 */
export function reportError(spec: CommandSpec, error: Error): void {
  const codes = exitCodesOf(spec)
  let code: number
  let message: string
  if (error instanceof UsageError) {
    code = codes.usage
    message = error.message
  } else if (error instanceof ProcError) {
    code = error.exitCode
    message = error.message
  } else {
    code = codes.internal
    message = `internal error: ${error.message}`
  }

  writeErr(`proc ${spec.id}: ${escapeControl(oneLine(message))}\n`)
  if (/(^|,)proc/.test(process.env.DEBUG ?? '')) writeErr(`${error.stack}\n`)
  process.exitCode = code
}
