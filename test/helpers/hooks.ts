import {killStarted} from './processes.js'

// Tests see what a pipe sees: no colour, no terminal width.
process.env.NO_COLOR = '1'
delete process.env.FORCE_COLOR

export const mochaHooks = {
  async afterEach() {
    await killStarted()
  },
}
