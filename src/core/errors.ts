/**
 * Errors that carry their exit code (the README's Exit codes). The command prints
 * `proc <command>: <message>` on one line and exits with `exitCode`.
 */
export class ProcError extends Error {
  constructor(message: string, public readonly exitCode: number) {
    super(message)
    this.name = new.target.name
  }
}

/** Bad flag, bad expression, bad duration, bad signal, unreadable stdin: exit 2. */
export class UsageError extends ProcError {
  constructor(message: string) {
    super(message, 2)
  }
}

/** A check the user asked for failed (nothing matched where a match was required): exit 1. */
export class CheckFailed extends ProcError {
  constructor(message: string) {
    super(message, 1)
  }
}

/** The process does not exist (or no longer does). */
export class NoSuchProcess extends ProcError {
  constructor(public readonly pid: number, message = `no such process: ${pid}`) {
    super(message, 1)
  }
}

/** The operating system refused access to the process. */
export class AccessDenied extends ProcError {
  constructor(public readonly pid: number, message = `access denied: ${pid}`) {
    super(message, 1)
  }
}

/** Anything unexpected: exit 3. */
export const INTERNAL_ERROR_EXIT = 3

/** proc's own output could not be written (ENOSPC, EIO...): not a result of the command. */
export const OUTPUT_ERROR_EXIT = 4
