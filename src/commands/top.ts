import {commandFor} from '../base-command.js'
import {action, spec} from '../cli/top.js'

export default commandFor(spec, action)
