import {action, spec} from '../cli/diff.js'
import {bindSpec, oclifArgs, oclifFlags, ProcCommand} from '../base-command.js'

class Diff extends ProcCommand {
  static override args = oclifArgs(spec)
  static override description = spec.description
  static override examples = spec.examples
  static override flags = oclifFlags(spec)
  static override strict = spec.strict ?? true
  static override usage = spec.usage
}

export default bindSpec(Diff, spec, action)
