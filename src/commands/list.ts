import {commandFor} from '../base-command.js'
import {action, spec} from '../cli/list.js'

export default commandFor(spec, action)
