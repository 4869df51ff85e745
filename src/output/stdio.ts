// proc's two output streams: what a failed write means, and colour.

/** Colour only on a TTY; NO_COLOR turns it off, FORCE_COLOR (not 0) turns it on. */
export function useColor(tty: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false'
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return tty
}

let outputFailed: ((error: NodeJS.ErrnoException) => void) | undefined

/**
 * What a failed write does. proc's result is its exit code, and nothing proc fails to print may
 * change it into another result:
 * - stdout, EPIPE: the reader went away: exit now with the result so far (0 if none yet);
 * - stdout, anything else (ENOSPC, EIO): one line on stderr and `code` (4), never a result code;
 *   with `code` undefined (spawn), output failures are ignored;
 * - stderr, anything: messages are lost, the exit code stands.
 */
export function guardOutput(id: string, code: number | undefined): void {
  if (outputFailed) return
  let stderrBroken = false
  process.stderr.on('error', () => {
    stderrBroken = true
  })
  outputFailed = (error) => {
    if (error.code === 'EPIPE' || code === undefined) {
      if (code !== undefined) process.exit(process.exitCode ?? 0)
      return
    }

    if (!stderrBroken) {
      try {
        process.stderr.write(`proc ${id}: cannot write output: ${error.code ?? error.message}\n`.replace(' :', ':'))
      } catch {}
    }

    process.exit(code)
  }

  // @oclif/core's own listener rethrows anything but EPIPE: a stack trace and exit 1.
  process.stdout.removeAllListeners('error')
  process.stdout.on('error', outputFailed)
}

/** Write to stdout; a failure (a file on a full disk throws at once) goes where guardOutput says. */
export function writeOut(text: string): void {
  try {
    process.stdout.write(text)
  } catch (error) {
    if (!outputFailed) throw error
    outputFailed(error as NodeJS.ErrnoException)
  }
}

/** Write to stderr; a message that cannot be written is lost, never an error of its own. */
export function writeErr(text: string): void {
  try {
    process.stderr.write(text)
  } catch {}
}
