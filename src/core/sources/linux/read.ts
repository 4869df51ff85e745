import {closeSync, openSync, readdirSync, readlinkSync, readSync, statSync} from 'node:fs'

/**
 * The one place that touches /proc and turns errno into meaning.
 *
 * - ENOENT, ESRCH: the process (or this file of it) is gone: VANISHED.
 * - EACCES, EPERM: the kernel will not tell us: DENIED (the field becomes null).
 * - anything else (EIO, EINVAL...): the file could not be read: FAILED (the field becomes null).
 *
 * Reads go through one reused buffer with open/read/close: about twice as fast as readFileSync.
 */
export const VANISHED = Symbol('vanished')
export const DENIED = Symbol('denied')
export const FAILED = Symbol('failed')
export type Failure = typeof DENIED | typeof FAILED | typeof VANISHED

export function classifyErrno(code: string | undefined): Failure {
  switch (code) {
    case 'ENOENT':
    case 'ESRCH': {
      return VANISHED
    }

    case 'EACCES':
    case 'EPERM': {
      return DENIED
    }

    default: {
      return FAILED
    }
  }
}

export function isFailure(value: unknown): value is Failure {
  return value === VANISHED || value === DENIED || value === FAILED
}

/** The file operations the procfs source uses; tests replace them to inject faults. */
export interface ProcfsIo {
  /** Read a whole file; `encoding` picks how bytes become text. */
  read(path: string): Buffer | Failure
  readlink(path: string): string | Failure
  readdir(path: string): string[] | Failure
  /** The owner of a file or directory: one stat(2), no open, read and close. */
  owner(path: string): {gid: number; uid: number} | Failure
}

let buffer = Buffer.allocUnsafe(64 * 1024)
/**
 * Views of the shared buffer by length. A read returns the view of its length, made once:
 * `subarray` costs ~0.4 µs where V8 runs cold, three times a process.
 */
let views = new Map<number, Buffer>()

function view(length: number): Buffer {
  let v = views.get(length)
  if (v === undefined) {
    v = buffer.subarray(0, length)
    views.set(length, v)
  }

  return v
}

/** Read a file into the shared buffer; the returned view is valid until the next read. */
function readIntoBuffer(path: string): Buffer {
  const fd = openSync(path, 'r')
  try {
    let length = 0
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(bigger, 0, 0, length)
        buffer = bigger
        views = new Map()
      }

      const room = buffer.length - length
      const n = readSync(fd, buffer, length, room, null)
      length += n
      // A short read is the end, as procps' file2str assumes: saves a second read per file.
      if (n < room) break
    }

    return view(length)
  } finally {
    closeSync(fd)
  }
}

function attempt<T>(fn: () => T): T | Failure {
  try {
    return fn()
  } catch (error) {
    return classifyErrno((error as NodeJS.ErrnoException).code)
  }
}

export const systemIo: ProcfsIo = {
  read: (path) => attempt(() => readIntoBuffer(path)),
  readdir: (path) => attempt(() => readdirSync(path)),
  readlink: (path) => attempt(() => readlinkSync(path)),
  owner: (path) => attempt(() => statSync(path)),
}
