import {action, spec} from '../cli/kill.js'
import {bindSpec, oclifArgs, oclifFlags, ProcCommand} from '../base-command.js'

class Kill extends ProcCommand {
  static override args = oclifArgs(spec)
  static override description = spec.description
  static override examples = spec.examples
  static override flags = oclifFlags(spec)
  static override strict = spec.strict ?? true
  static override usage = spec.usage
}

export default bindSpec(Kill, spec, action)
