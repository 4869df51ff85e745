import {defineColumn} from './registry.js'

/** Columns of the records `proc kill` reports. */
export const statusColumn = defineColumn({
  description: 'what happened: signalled, killed (by a later step), gone, reused, denied, protected, survived, dry-run',
  header: 'STATUS',
  id: 'status',
  kind: 'string',
})
export const signalColumn = defineColumn({description: 'the last signal sent', header: 'SIGNAL', id: 'signal', kind: 'string'})
export const stepColumn = defineColumn({description: 'which signal of the ladder (1-based) ended the process, or was the last sent', header: 'STEP', id: 'step', kind: 'count'})
