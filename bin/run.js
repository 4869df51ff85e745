#!/usr/bin/env node
'use strict'
// proc's entry point; bin/launch.js runs the command line. A failure before a command runs
// (EMFILE under a tiny descriptor limit) ends in one line and the internal-error status, 3:
// never a stack trace, and never a 1 that would read as a result.
const path = require('node:path')

function cannotStart(error) {
  const why = error?.code === 'EMFILE' ? 'too many open files (raise ulimit -n)' : (error?.code ?? error?.message ?? String(error))
  process.stderr.write(`proc: cannot start: ${String(why).split('\n')[0]}\n`)
  process.exitCode = 3
}

try {
  require('./launch.js').main(process.argv.slice(2), path.resolve(__dirname, '..')).catch(cannotStart)
} catch (error) {
  cannotStart(error)
}
