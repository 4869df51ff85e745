import {commandFor} from '../base-command.js'
import {action, spec} from '../cli/tree.js'

export default commandFor(spec, action)
