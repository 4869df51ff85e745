// Run one proc command line: the fast path when it can (src/fast.ts), oclif otherwise. A failure
// before a command runs (a descriptor limit too low to load the code: EMFILE) ends in one line and
// the internal-error status, 3: never a stack trace, and never a 1 that would read as a result.
// User plugins are off: proc reads nothing from ~/.local/share (an unreadable HOME printed
// warnings on every run).

import {runFast} from './fast.js'

export async function main(argv: string[], root: string): Promise<void> {
  try {
    if (await runFast(argv, root)) return
    const {flush, run} = await import('./index.js')
    await run(argv, {devPlugins: false, root, userPlugins: false})
    await flush()
  } catch (error) {
    cannotStart(error as Error & {code?: string; oclif?: {exit?: number}})
  }
}

/** What an error that escaped every command means: oclif's exit, or proc could not start. */
export function cannotStart(error: Error & {code?: string; oclif?: {exit?: number}}): void {
  const exit = error?.oclif?.exit
  if (typeof exit === 'number' && /^EEXIT/.test(error.message ?? '')) {
    process.exitCode = exit
    return
  }

  const why = error?.code === 'EMFILE' ? 'too many open files (raise ulimit -n)' : (error?.code ?? error?.message ?? String(error))
  process.stderr.write(`proc: cannot start: ${String(why).split('\n')[0]}\n`)
  process.exitCode = 3
}
