import {defineColumn, getColumn} from './registry.js'
import {exitCodeColumn, signalColumn} from './status.js'

/** The fields of the record `proc spawn` reports, in order. */
export const spawnColumns = [
  getColumn('command'),
  getColumn('argv'),
  getColumn('pid'),
  getColumn('host'),
  getColumn('startTime'),
  defineColumn({description: 'spawn: when the child ended, ISO-8601 UTC', header: 'END', commands: ['spawn'], id: 'endTime', kind: 'string'}),
  defineColumn({description: 'spawn: wall time from start to exit, milliseconds', header: 'WALL', commands: ['spawn'], id: 'durationMs', kind: 'duration'}),
  exitCodeColumn,
  signalColumn,
  defineColumn({description: 'spawn: the timeout ran out', header: 'TIMEOUT', commands: ['spawn'], id: 'timedOut', kind: 'string'}),
  defineColumn({description: 'spawn: KILL was sent after --kill-after', header: 'KILLED', commands: ['spawn'], id: 'killedAfterTimeout', kind: 'string'}),
  defineColumn({description: 'spawn: user CPU of the child and the descendants it reaped, ms', header: 'USER', commands: ['spawn'], id: 'cpuUserMs', kind: 'count'}),
  defineColumn({description: 'spawn: system CPU of the child and the descendants it reaped, ms', header: 'SYS', commands: ['spawn'], id: 'cpuSystemMs', kind: 'count'}),
  defineColumn({description: 'spawn: peak resident memory of the child itself (its VmHWM)', header: 'MAXRSS', commands: ['spawn'], id: 'maxRssBytes', kind: 'bytes'}),
  defineColumn({
    description: 'spawn: peak memory of the whole run: the cgroup\'s memory.peak, else the largest sampled sum of RSS over the tree',
    header: 'RUNRSS',
    commands: ['spawn'],
  id: 'runPeakRssBytes',
    kind: 'bytes',
  }),
  defineColumn({description: 'spawn: where runPeakRssBytes comes from: cgroup or sampled', header: 'FROM', commands: ['spawn'], id: 'runPeakRssSource', kind: 'string'}),
  defineColumn({description: 'spawn: processes the run left behind', header: 'LEAKS', commands: ['spawn'], id: 'leaks', kind: 'list'}),
  defineColumn({description: 'spawn: the leak-detection methods the run had (cgroup, env, session, sampled); null under --leaks ignore', header: 'METHODS', commands: ['spawn'], id: 'leakMethods', kind: 'list'}),
  defineColumn({description: 'spawn: processes born while --leaks kill ended the leaks, with their kill status (never leaks)', header: 'DURING', commands: ['spawn'], id: 'bornDuringKill', kind: 'list'}),
  defineColumn({description: 'spawn: TERM or INT ended the leak check early; leaks holds what was found by then', header: 'CUT', commands: ['spawn'], id: 'leaksCutShort', kind: 'string'}),
  defineColumn({description: 'spawn: why the child could not run', header: 'ERROR', commands: ['spawn'], id: 'error', kind: 'string'}),
  defineColumn({description: 'spawn: proc\'s own exit status (the child\'s, or 124-127, 128+N, 3 for --leaks fail)', header: 'STATUS', commands: ['spawn'], id: 'exitStatus', kind: 'count'}),
]
