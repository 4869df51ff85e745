// proc's two output streams: what a failed write means, and colour.

import {fstatSync, writeSync} from 'node:fs'

/** Colour only on a TTY; NO_COLOR turns it off, FORCE_COLOR (not 0) turns it on. */
export function useColor(tty: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false'
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return tty
}

let outputFailed: ((error: NodeJS.ErrnoException) => void) | undefined
let stderrBroken = false

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
  outputFailed = (error) => {
    if (error.code === 'EPIPE' || code === undefined) {
      if (code !== undefined) process.exit(process.exitCode ?? 0)
      return
    }

    if (!stderrBroken) writeErr(`proc ${id}: cannot write output: ${error.code ?? error.message}\n`.replace(' :', ':'))
    process.exit(code)
  }
}

/**
 * The same rules for what oclif itself writes through process.stdout and process.stderr (help,
 * warnings), on its path only: the fast path never creates those streams, which costs 2-3 ms of
 * every start (bench/RESULTS.md).
 */
export function guardStreams(): void {
  process.stderr.on('error', () => {
    stderrBroken = true
  })
  // @oclif/core's own listener rethrows anything but EPIPE: a stack trace and exit 1.
  process.stdout.removeAllListeners('error')
  process.stdout.on('error', (error: NodeJS.ErrnoException) => outputFailed?.(error))
}

const tty: Array<boolean | undefined> = []

/**
 * Whether stdin, stdout or stderr is a terminal. Without loading node:tty (1.5 ms) where fstat answers: a
 * descriptor that is not a character device, or is one of the memory devices (/dev/null, major 1),
 * is not one.
 */
export function isTerminal(fd: 0 | 1 | 2): boolean {
  if (tty[fd] === undefined) {
    let maybe = true
    try {
      const st = fstatSync(fd)
      // Linux's dev_t: the major number is bits 8-19 (and 32 and up).
      maybe = st.isCharacterDevice() && ((st.rdev >> 8) & 0xfff) !== 1
    } catch {
      maybe = false
    }

    tty[fd] = maybe && Boolean((fd === 0 ? process.stdin : fd === 1 ? process.stdout : process.stderr).isTTY)
  }

  return tty[fd]
}

/** The terminal's width when stdout is one. */
export function terminalColumns(): number | undefined {
  return isTerminal(1) ? process.stdout.columns : undefined
}

const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * write(2) all of text to fd, synchronously, as Node's stdio streams write to files, pipes and
 * terminals on Linux. A descriptor another process left non-blocking (O_NONBLOCK is shared with
 * whoever holds the same open file) says EAGAIN when the pipe is full: wait a little and retry, as
 * a blocking write would wait.
 */
function writeAll(fd: number, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  let at = 0
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
      Atomics.wait(pause, 0, 0, 2)
    }
  }
}

/** Write to stdout; a failure goes where guardOutput says. */
export function writeOut(text: string | Uint8Array): void {
  try {
    writeAll(1, text)
  } catch (error) {
    if (!outputFailed) throw error
    outputFailed(error as NodeJS.ErrnoException)
  }
}

/** Write to stderr; a message that cannot be written is lost, never an error of its own. */
export function writeErr(text: string): void {
  if (stderrBroken) return
  try {
    writeAll(2, text)
  } catch {
    stderrBroken = true
  }
}
