import {commandFor} from '../base-command.js'
import {action, spec} from '../cli/kill.js'

export default commandFor(spec, action)
