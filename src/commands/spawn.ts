import {commandFor} from '../base-command.js'
import {action, spec} from '../cli/spawn.js'

export default commandFor(spec, action)
