import {commandFor} from '../base-command.js'
import {action, spec} from '../cli/wait.js'

export default commandFor(spec, action)
