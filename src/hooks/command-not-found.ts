import {writeErr} from '../output/stdio.js'
import {escapeControl} from '../output/escape.js'
import type {Hook} from '@oclif/core'

/** An unknown command is a usage error: one line, exit 2. */
const hook: Hook<'command_not_found'> = async function (options) {
  const commands = options.config.commandIDs.filter((id) => id !== 'help').join(', ')
  writeErr(`proc: unknown command '${escapeControl(options.id)}' (commands: ${commands}; see proc --help)\n`)
  process.exitCode = 2
}

export default hook
