#!/usr/bin/env node
// proc's entry point. A failure before a command runs (a descriptor limit too low to load the
// code: EMFILE) ends in one line and the internal-error status, 3: never a stack trace, and never
// a 1 that would read as a result. User plugins are off: proc reads nothing from ~/.local/share
// (an unreadable HOME printed warnings on every run).
try {
  const {flush, run} = await import('../dist/index.js')
  await run(process.argv.slice(2), {devPlugins: false, root: new URL('..', import.meta.url).pathname, userPlugins: false})
  await flush()
} catch (error) {
  const exit = error?.oclif?.exit
  if (typeof exit === 'number' && /^EEXIT/.test(error.message ?? '')) {
    process.exitCode = exit
  } else {
    const why = error?.code === 'EMFILE' ? 'too many open files (raise ulimit -n)' : (error?.code ?? error?.message ?? String(error))
    process.stderr.write(`proc: cannot start: ${String(why).split('\n')[0]}\n`)
    process.exitCode = 3
  }
}
