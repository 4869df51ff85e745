import {commandFor} from '../base-command.js'
import {action, spec} from '../cli/diff.js'

export default commandFor(spec, action)
