export {execute, run} from '@oclif/core'
