// An id for one run of proc, and a short blocking pause: small helpers every platform uses.

import {closeSync, openSync, readSync} from 'node:fs'

/**
 * An id for one run of proc, `<pid>-<8 hex digits>`: its cgroups' names and spawn's environment
 * cookie. The random part comes from /dev/urandom (node:crypto costs ~5 ms to load, on every
 * start of kill and wait); where that cannot be read, from Math.random and the clock.
 */
export function runId(): string {
  const bytes = Buffer.alloc(4)
  try {
    const fd = openSync('/dev/urandom', 'r')
    try {
      readSync(fd, bytes)
    } finally {
      closeSync(fd)
    }
  } catch {
    bytes.writeUInt32BE((Math.floor(Math.random() * 2 ** 32) ^ Date.now()) >>> 0)
  }

  return `${process.pid}-${bytes.toString('hex')}`
}

/** Block this thread for `ms` (short waits inside a step that must not yield to other work). */
export function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

