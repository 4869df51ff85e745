// Signalling one process a live view picked (proc top's k and T): the same pipeline as
// `proc list ... --json | proc kill`, with the identity the view recorded when the row was picked,
// never whatever holds the pid or sits under the cursor now.

import {type KillRecord, killWithConvergence} from './kill.js'
import type {Field} from './process-info.js'
import {buildSelection} from './select.js'
import {type LadderStep} from './signals.js'
import type {ProcessSource} from './sources/source.js'
import {type InputRecord, planKill, targetSnapshot} from './targets.js'

const FIELDS: ReadonlySet<Field> = new Set<Field>(['pid', 'ppid', 'pgid', 'state', 'name', 'command', 'user', 'startTicks', 'startTime', 'bootId', 'host'])

/** Send `ladder` to the process `picked` describes (and, with `tree`, its descendants): its records, each with a status. */
export async function killPicked(source: ProcessSource, picked: InputRecord, ladder: LadderStep[], tree: boolean): Promise<KillRecord[]> {
  const spec = {input: [picked], pids: [], selection: buildSelection({})}
  const snapshot = await targetSnapshot(source, spec, FIELDS, {tree})
  const {guarded, records} = planKill(snapshot, spec, {dryRun: false, exists: (pid) => source.exists(pid), force: false, group: false, here: source.machine(), max: 0, tree})
  await killWithConvergence(records, {cgroup: true, grow: tree ? 'tree' : undefined, guarded, ladder}, source)
  return records
}
