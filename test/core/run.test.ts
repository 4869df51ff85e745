// runChild through its seams: fake probes (the reaped CPU, peak RSS) and a fake leak tracker
// around a real short child, and the tree end Windows uses in place of process groups.

import {strict as assert} from 'node:assert'

import {runChild, type RunProbes, type RunTracker} from '../../src/core/run.js'
import {parseSignal} from '../../src/core/signals.js'

const TERM = parseSignal('TERM')

describe('runChild through fakes', () => {
  it('asks the tracker in order (prepare, starting, started, stopped) and takes its argv; the probes give CPU and peak memory', async () => {
    const calls: string[] = []
    const tracker: RunTracker = {
      memoryPeak: () => undefined,
      prepare: (argv, env) => {
        calls.push(`prepare ${argv.join(' ')}`)
        // A tracker may wrap the command: run it through sh, which then exits 3.
        return {argv: ['sh', '-c', 'exit 3'], env}
      },
      started: (pid, detached) => calls.push(`started ${typeof pid} ${detached}`),
      starting: () => calls.push('starting'),
      stopped: () => calls.push('stopped'),
      watchdogScript: () => '',
    }
    let selfCalls = 0
    const probes: RunProbes = {
      descendants: () => [],
      peakRss: () => 4096,
      self: () => (selfCalls++ === 0 ? {childSystemMs: 100, childUserMs: 200, pgid: 1, tpgid: 1} : {childSystemMs: 130, childUserMs: 260, pgid: 1, tpgid: 1}),
      startTicks: () => 42,
      treeRss: () => 8192,
    }
    const record = await runChild({argv: ['true'], env: process.env, interactive: false, probes, timeoutSignal: TERM, tracker})
    assert.deepEqual(calls, ['prepare true', 'starting', 'started number true', 'stopped'])
    assert.equal(record.exitCode, 3)
    assert.equal(record.exitStatus, 3)
    assert.deepEqual([record.cpuUserMs, record.cpuSystemMs], [60, 30], 'the reaped CPU between before and after')
    assert.equal(record.maxRssBytes, 4096)
  })

  it('a tracker that wraps the command checks it first: a missing one is 127 without running anything', async () => {
    const tracker: RunTracker = {
      memoryPeak: () => undefined,
      prepare: (argv, env) => ({argv: ['/bin/sh', '-c', 'exec "$@"', 'sh', ...argv], env}),
      started: () => assert.fail('nothing should start'),
      stopped: () => {},
      watchdogScript: () => '',
    }
    const record = await runChild({argv: ['no-such-command-proc-test'], env: process.env, interactive: false, timeoutSignal: TERM, tracker})
    assert.equal(record.exitStatus, 127)
    assert.match(record.error ?? '', /No such file or directory/)
    assert.equal(record.pid, null)
  })

  it('without process groups (Windows), the timeout ends the tree through endTree, once, with the timeout signal', async () => {
    const ended: Array<[number, number]> = []
    const record = await runChild({
      argv: ['sleep', '30'],
      endTree: async (pid, signal) => {
        ended.push([pid, signal])
        process.kill(pid, signal)
      },
      env: process.env,
      interactive: false,
      timeoutMs: 100,
      timeoutSignal: TERM,
    })
    assert.equal(record.timedOut, true)
    assert.equal(record.exitStatus, 124)
    assert.deepEqual(ended, [[record.pid, TERM.number]])
  })
})
