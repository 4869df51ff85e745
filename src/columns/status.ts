import {defineColumn} from './registry.js'

/** Columns of the records that kill and wait report about their targets. */
export const statusColumn = defineColumn({
  description:
    'kill: signalled, killed (by a later step), gone, reused, foreign (a record of another host or boot), denied, protected, survived, dry-run; wait: exited, gone (before the wait), foreign, alive',
  header: 'STATUS',
  commands: ['kill', 'wait'],
  id: 'status',
  kind: 'string',
})
export const signalColumn = defineColumn({description: 'kill: the last signal sent; spawn: the signal that ended the child', header: 'SIGNAL', commands: ['kill', 'spawn'], id: 'signal', kind: 'string'})
export const stepColumn = defineColumn({description: 'kill: which signal of the ladder (1-based) ended the process, or was the last sent', header: 'STEP', commands: ['kill'], id: 'step', kind: 'count'})
export const exitedAfterColumn = defineColumn({
  description: 'wait: milliseconds from the start of the wait until the exit was seen',
  format: (v) => `${v}ms`,
  header: 'AFTER',
  commands: ['wait'],
  id: 'exitedAfterMs',
  kind: 'count',
})
export const exitCodeColumn = defineColumn({
  description: 'spawn: the child\'s exit code; wait: the exit code when proc saw the process as a zombie, null when it cannot know',
  header: 'CODE',
  commands: ['spawn', 'wait'],
  id: 'exitCode',
  kind: 'count',
})
export const exitSignalColumn = defineColumn({description: 'wait: the signal that ended the process, when known', header: 'XSIG', commands: ['wait'], id: 'exitSignal', kind: 'string'})
export const exitCodeKnownColumn = defineColumn({description: 'wait: whether exitCode/exitSignal could be known', header: 'KNOWN', commands: ['wait'], id: 'exitCodeKnown', kind: 'string'})
export const foundColumn = defineColumn({
  description: 'kill: how the process became a target: target (selected), tree (a descendant), group (a group member), during (born while the kill ran)',
  header: 'FOUND',
  commands: ['kill'],
  id: 'found',
  kind: 'string',
})
export const checkedByColumn = defineColumn({
  description: 'kill: the evidence its identity was checked with before each signal (startTicks, startTime, command, name), or pid alone, as kill(1)',
  header: 'CHECKED',
  commands: ['kill'],
  id: 'checkedBy',
  kind: 'string',
})
