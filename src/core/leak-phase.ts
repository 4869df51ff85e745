// spawn's leak phase, after the child has exited: find what the run left behind and, with
// --leaks kill, end it. TERM or INT to proc ends the phase at once: what was found so far is
// reported, and the record says the check was cut short.

import {checkedBy} from './identity.js'
import {type KillRecord, killWithConvergence} from './kill.js'
import {untilInterrupted} from './interrupt.js'
import type {Leak, LeakFinder} from './leaks.js'
import {FORWARDED, type RunRecord} from './run.js'
import {parseLadder} from './signals.js'
import type {ProcessSource} from './sources/source.js'
import {protectedPids} from './targets.js'

export type LeakMode = 'fail' | 'ignore' | 'kill' | 'report'

/** How --leaks kill ends what it found: TERM, 2 s, KILL, identity-checked, converging over their trees. */
const LEAK_LADDER = 'TERM,2s,KILL'

/**
 * Find the leaks into `record`; with `kill`, end them, then `cgroup.kill` for anything left in
 * the run's group. Signals spawn forwards to the child are caught and ignored meanwhile.
 */
export async function settleLeaks(record: RunRecord, tracker: LeakFinder, mode: LeakMode, graceMs: number, source: ProcessSource): Promise<void> {
  const hold = FORWARDED.filter((s) => s !== 'SIGINT' && s !== 'SIGTERM')
  await untilInterrupted(
    async (interrupt) => {
      record.leakMethods = tracker.methods()
      const found = await tracker.find(graceMs, undefined, () => interrupt.stopped)
      record.leaks = found
      if (mode !== 'kill' || found.length === 0 || interrupt.stopped) return
      const leaks: Array<KillRecord & Leak> = found.map((l) => ({...l, checkedBy: checkedBy(l), found: 'target', signal: null, status: null, step: null}))
      record.leaks = leaks
      const guarded = protectedPids(await source.list({fields: new Set(['pid', 'ppid', 'startTicks'])}), process.pid)
      await killWithConvergence(leaks, {grow: 'tree', guarded, ladder: parseLadder(LEAK_LADDER)}, source)
      // What the kill found below the leaks while it ran (pm2 runs ps when it gets TERM) is part
      // of the kill, with its own status: never a leak, which only detection finds.
      record.leaks = leaks.filter((l) => l.found !== 'during')
      record.bornDuringKill = leaks.filter((l) => l.found === 'during')
      if (tracker.cgroup?.canKill && tracker.cgroup.members().length > 0) tracker.cgroup.kill()
    },
    {hold, onStop: () => (record.leaksCutShort = true)},
  )
}
