export {execute, flush, run} from '@oclif/core'
