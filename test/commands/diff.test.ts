import {strict as assert} from 'node:assert'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {diffSnapshots} from '../../src/core/diff.js'
import {parseSnapshot} from '../../src/input/records.js'
import {runCli} from '../helpers/cli.js'
import {startSleeper} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('diff', () => {
  describe('comparing snapshots', () => {
    const a = {bootId: 'b', pid: 10, startTicks: 100}
    const b = {bootId: 'b', pid: 11, startTicks: 110}
    const reused = {bootId: 'b', pid: 10, startTicks: 999}
    const c = {bootId: 'b', pid: 12, startTicks: 120}

    it('finds what started and what exited', () => {
      assert.deepEqual(diffSnapshots([a, b], [b, c]), {exited: [a], started: [c]})
      assert.deepEqual(diffSnapshots([a], [a]), {exited: [], started: []})
    })

    it('shows a recycled pid as gone and new', () => {
      assert.deepEqual(diffSnapshots([a, b], [reused, b]), {exited: [a], started: [reused]})
    })

    it('matches by pid alone when a snapshot has no start times', () => {
      assert.deepEqual(diffSnapshots<{bootId?: string; pid: number; startTicks?: number}>([{pid: 10}], [a]), {exited: [], started: []})
      assert.deepEqual(diffSnapshots([{bootId: 'other', pid: 10, startTicks: 100}], [a]), {exited: [{bootId: 'other', pid: 10, startTicks: 100}], started: [a]})
    })

    it('reads snapshots in JSON, NDJSON and CSV to the same typed records', () => {
      const want = [{argv: ['sleep', '1'], bootId: 'x', command: 'sleep 1', name: 'sleep', pid: 5, rssBytes: null, startTicks: 7}]
      assert.deepEqual(parseSnapshot(JSON.stringify(want)), want)
      assert.deepEqual(parseSnapshot(want.map((r) => JSON.stringify(r)).join('\n')), want)
      assert.deepEqual(parseSnapshot('argv,bootId,command,name,pid,rssBytes,startTicks\n"[""sleep"",""1""]",x,sleep 1,sleep,5,,7\n'), want)
      assert.throws(() => parseSnapshot('pid,rssBytes\n5,lots\n'), /rssBytes 'lots' is not a number/)
      assert.throws(() => parseSnapshot('[{"pid": 5, "rssBytes": "lots"}]'), /rssBytes must be a number/)
    })
  })

  describe('proc diff', () => {
    let dir: string
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'proc-diff-'))
    })
    after(() => rmSync(dir, {force: true, recursive: true}))

    for (const format of ['json', 'ndjson', 'csv'] as const) {
      it(`lists what started and exited since a ${format} snapshot`, async () => {
        const old = startSleeper()
        await sleep(50)
        const file = path.join(dir, `before.${format}`)
        writeFileSync(file, (await runCli(['list', '--format', format])).stdout)
        process.kill(old.pid!, 'SIGKILL')
        const fresh = startSleeper()
        await sleep(50)
        const {code, stdout} = await runCli(['diff', file, '--exited', '--ppid', String(process.pid), '--json'])
        assert.equal(code, 0)
        const changes = JSON.parse(stdout).map((r: {change: string; pid: number}) => [r.change, r.pid])
        assert.deepEqual(changes.sort(), [
          ['exited', old.pid],
          ['started', fresh.pid],
        ].sort())
      })
    }

    it('compares two snapshot files, a recycled pid as exited and started', async () => {
      const first = path.join(dir, 'a.json')
      const second = path.join(dir, 'b.json')
      writeFileSync(first, JSON.stringify([{bootId: 'b', command: 'old', name: 'old', pid: 4000, startTicks: 1}, {bootId: 'b', name: 'kept', pid: 4001, startTicks: 2}]))
      writeFileSync(second, JSON.stringify([{bootId: 'b', command: 'new', name: 'new', pid: 4000, startTicks: 9}, {bootId: 'b', name: 'kept', pid: 4001, startTicks: 2}]))
      const {stdout} = await runCli(['diff', first, second, '--exited', '-c', 'change,pid,name', '--format', 'csv'])
      assert.equal(stdout, '"change","pid","name"\n"started",4000,"new"\n"exited",4000,"old"\n')
    })

    it('--fail-on-new is a leak gate: exit 1 when something new matches', async () => {
      const file = path.join(dir, 'gate.json')
      writeFileSync(file, (await runCli(['list', '--json'])).stdout)
      const clean = await runCli(['diff', file, '--ppid', String(process.pid), '--fail-on-new'])
      assert.equal(clean.code, 0)
      startSleeper()
      await sleep(50)
      const dirty = await runCli(['diff', file, '--where', `ppid == ${process.pid} and name == "sleep"`, '--fail-on-new', '-c', 'change,name', '--no-header'])
      assert.equal(dirty.code, 1)
      assert.equal(dirty.stdout, 'started sleep\n')
    })

    it('a malformed or missing snapshot exits 2 with one line', async () => {
      const bad = path.join(dir, 'bad.json')
      writeFileSync(bad, '[{"pid": 1}, {"pid": ')
      for (const args of [['diff', bad], ['diff', path.join(dir, 'missing.json')], ['diff']]) {
        const r = await runCli(args)
        assert.equal(r.code, 2, args.join(' '))
        assert.equal(r.stderr.trimEnd().split('\n').length, 1)
      }
    })
  })
})
