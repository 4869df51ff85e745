#!/usr/bin/env node
// proc's entry point: dist/main.js runs the command line (see src/main.ts). Loading it can fail
// too (EMFILE under a tiny descriptor limit): one line and exit 3, never a stack trace.
const root = new URL('..', import.meta.url).pathname
try {
  const {main} = await import('../dist/main.js')
  await main(process.argv.slice(2), root)
} catch (error) {
  const why = error?.code === 'EMFILE' ? 'too many open files (raise ulimit -n)' : (error?.code ?? error?.message ?? String(error))
  process.stderr.write(`proc: cannot start: ${String(why).split('\n')[0]}\n`)
  process.exitCode = 3
}
