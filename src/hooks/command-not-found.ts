import {didYouMean} from '../core/suggest.js'
import {writeErr} from '../output/stdio.js'
import {escapeControl} from '../output/escape.js'
import type {Hook} from '@oclif/core'

/** An unknown command is a usage error: one line, exit 2. */
const hook: Hook<'command_not_found'> = async function (options) {
  const commands = options.config.commandIDs.filter((id) => id !== 'help').join(', ')
  const hint = didYouMean(options.id, options.config.commandIDs.filter((id) => id !== 'help'))
  writeErr(`proc: unknown command '${escapeControl(options.id)}'${hint} (commands: ${commands}; see proc --help)\n`)
  process.exitCode = 2
}

export default hook
