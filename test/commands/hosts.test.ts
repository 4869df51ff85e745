import {strict as assert} from 'node:assert'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import path from 'node:path'

import {diffSnapshots} from '../../src/core/diff.js'
import {isForeign} from '../../src/core/process-info.js'
import {resolveTargets} from '../../src/core/targets.js'
import {buildSelection} from '../../src/core/select.js'
import {runCli, startCli} from '../helpers/cli.js'
import {isAlive, startSleeper} from '../helpers/processes.js'

type Rec = Record<string, unknown> & {pid: number}

const lines = (records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n'

/** This machine's host name and boot id, as proc reads them. */
const here = {bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), host: readFileSync('/proc/sys/kernel/hostname', 'utf8').trim()}

async function recordOf(pid: number): Promise<Rec> {
  const r = await runCli(['list', String(pid), '--json'])
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout)[0]
}

describe('records of other hosts and boots', () => {
  it('every record names the host it was read on', async () => {
    const sleeper = startSleeper()
    const record = await recordOf(sleeper.pid!)
    assert.equal(record.host, here.host)
    assert.equal(record.host, hostname())
    const csv = await runCli(['list', String(sleeper.pid), '--columns', 'pid,host', '--format', 'csv'])
    assert.equal(csv.stdout, `"pid","host"\n${sleeper.pid},"${here.host}"\n`)
  })

  it('tells foreign records apart: another host, or another boot of this one', () => {
    assert.equal(isForeign({bootId: here.bootId, host: here.host}, here), false)
    assert.equal(isForeign({bootId: here.bootId, host: 'elsewhere'}, here), true)
    assert.equal(isForeign({bootId: 'an-earlier-boot', host: here.host}, here), true)
    // An old snapshot without host or bootId says nothing either way.
    assert.equal(isForeign({}, here), false)
    assert.equal(isForeign({bootId: null, host: null}, here), false)
  })

  it('resolves a foreign record without looking its pid up, even where a live process holds it', () => {
    const live = [{bootId: 'b', host: 'a', pid: 10, startTicks: 5}] as never[]
    const input = (extra: object) => ({bootId: 'b', command: null, host: 'a', name: null, pid: 10, startTicks: 5, startTime: null, ...extra})
    const spec = (records: object[]) => ({input: records as never[], pids: [], selection: buildSelection({})})
    const states = resolveTargets(live, spec([input({}), input({host: 'b'}), input({bootId: 'c'})]), {here: {bootId: 'b', host: 'a'}}).map((t) => t.state)
    assert.deepEqual(states, ['alive', 'foreign', 'foreign'])
  })

  describe('a merged NDJSON stream from two hosts', () => {
    it('kill sends nothing to another host\'s or another boot\'s record, and exits 1', async () => {
      const sleeper = startSleeper()
      const record = await recordOf(sleeper.pid!)
      const otherBoot = '00000000-0000-4000-8000-000000000000'
      const input = lines([
        // Two fake hosts, each with its own boot, one holding this sleeper's pid and start.
        {...record, bootId: 'b0000000-0000-4000-8000-00000000000b', host: 'host-b'},
        {...record, bootId: 'c0000000-0000-4000-8000-00000000000c', host: 'host-c', pid: 4_194_304},
        // The host's name alone, and the boot alone.
        {...record, host: 'host-d'},
        {...record, bootId: otherBoot},
      ])
      const r = await runCli(['kill', '--json'], {input})
      assert.equal(r.code, 1, r.stderr)
      const out = JSON.parse(r.stdout) as Rec[]
      assert.deepEqual(out.map((o) => [o.pid, o.status, o.signal, o.host]), [
        [sleeper.pid, 'foreign', null, 'host-b'],
        // Foreign before gone: no such pid here says nothing about host-c.
        [4_194_304, 'foreign', null, 'host-c'],
        [sleeper.pid, 'foreign', null, 'host-d'],
        [sleeper.pid, 'foreign', null, here.host],
      ])
      assert.match(r.stderr, /nothing was signalled: 4 foreign \(read on another host, or before this boot\)/)
      assert.ok(isAlive(sleeper.pid!), 'the sleeper was signalled')
    })

    it('kill signals this host\'s records of the stream and no other', async () => {
      const mine = startSleeper()
      const theirs = startSleeper()
      const local = await recordOf(mine.pid!)
      const foreign = {...(await recordOf(theirs.pid!)), host: 'host-b'}
      const r = await runCli(['kill', '--json'], {input: lines([local, foreign])})
      assert.equal(r.code, 1, r.stderr)
      const out = JSON.parse(r.stdout) as Rec[]
      assert.deepEqual(out.map((o) => [o.pid, o.status]), [
        [mine.pid, 'signalled'],
        [theirs.pid, 'foreign'],
      ])
      // The TERM it got ends it (the exit may have been seen already).
      if (mine.exitCode === null && mine.signalCode === null) {
        await new Promise((resolve) => {
          mine.once('exit', resolve)
        })
      }

      assert.equal(mine.signalCode, 'SIGTERM')
      assert.ok(isAlive(theirs.pid!), 'the foreign record\'s pid was signalled')
    })

    it('kill reads the HOST column of proc\'s table as evidence too', async () => {
      const sleeper = startSleeper()
      const table = await runCli(['list', String(sleeper.pid), '-c', 'pid,host,command'])
      assert.equal(table.code, 0, table.stderr)
      const elsewhere = table.stdout.replace(` ${here.host} `, ` ${'h'.repeat(here.host.length)} `)
      assert.notEqual(elsewhere, table.stdout)
      const r = await runCli(['kill', '-c', 'pid,status,host'], {input: elsewhere})
      assert.equal(r.code, 1, r.stderr)
      assert.match(r.stdout, new RegExp(`${sleeper.pid} foreign h+`))
      assert.ok(isAlive(sleeper.pid!), 'the sleeper was signalled')
    })

    it('wait does not wait for a foreign record, and exits 1', async () => {
      const sleeper = startSleeper()
      const record = await recordOf(sleeper.pid!)
      const r = await runCli(['wait', '--json'], {input: lines([{...record, host: 'host-b'}])})
      assert.equal(r.code, 1, r.stderr)
      assert.deepEqual((JSON.parse(r.stdout) as Rec[]).map((o) => [o.pid, o.status, o.host]), [[sleeper.pid, 'foreign', 'host-b']])
      assert.match(r.stderr, /1 record\(s\) read on another host, or before this boot, were not waited for/)
    })

    it('wait waits for this host\'s records, then exits 1 for the foreign one', async () => {
      const mine = startSleeper()
      const theirs = startSleeper()
      const local = await recordOf(mine.pid!)
      const foreign = {...(await recordOf(theirs.pid!)), host: 'host-b'}
      // The local target ends only once wait has reported the foreign one: it was waited for,
      // however slow the machine (a timed sleep may have ended before wait even looked).
      const waiting = startCli(['wait', '--format', 'ndjson'], {input: lines([local, foreign])})
      await waiting.line(/"status":"foreign"/)
      process.kill(mine.pid!, 'SIGTERM')
      const r = await waiting.done
      assert.equal(r.code, 1, r.stderr)
      const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Rec)
      assert.deepEqual(out.map((o) => [o.pid, o.status]), [
        [theirs.pid, 'foreign'],
        [mine.pid, 'exited'],
      ])
    })
  })

  describe('diff', () => {
    const a = (pid: number, ticks: number) => ({bootId: 'boot-a', host: 'host-a', name: `a${pid}`, pid, startTicks: ticks})
    const b = (pid: number, ticks: number) => ({bootId: 'boot-b', host: 'host-b', name: `b${pid}`, pid, startTicks: ticks})

    it('matches records host by host', () => {
      // Same pids and ticks on both hosts: only the host (and boot) tells them apart.
      const before = [a(10, 100), a(11, 110), b(10, 100), b(12, 120)]
      const after = [a(10, 100), a(13, 130), b(11, 110), b(12, 120)]
      assert.deepEqual(diffSnapshots(before, after), {exited: [a(11, 110), b(10, 100)], started: [a(13, 130), b(11, 110)]})
      // Without boot ids (the ps-list source), the host alone keeps them apart.
      const noBoot = (r: ReturnType<typeof a>) => ({...r, bootId: null as string | null})
      assert.deepEqual(diffSnapshots([b(10, 100)].map(noBoot), [a(10, 100)].map(noBoot)), {exited: [noBoot(b(10, 100))], started: [noBoot(a(10, 100))]})
    })

    it('compares two merged NDJSON snapshots per host', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'proc-hosts-'))
      try {
        const before = path.join(dir, 'before.ndjson')
        const after = path.join(dir, 'after.ndjson')
        writeFileSync(before, lines([a(10, 100), a(11, 110), b(10, 100), b(12, 120)]))
        writeFileSync(after, lines([a(10, 100), a(13, 130), b(11, 110), b(12, 120)]))
        const r = await runCli(['diff', before, after, '--exited', '--columns', 'change,host,pid,name', '--format', 'csv', '--sort', 'host,pid'])
        assert.equal(r.code, 0, r.stderr)
        assert.equal(r.stdout, '"change","host","pid","name"\n"exited","host-a",11,"a11"\n"started","host-a",13,"a13"\n"exited","host-b",10,"b10"\n"started","host-b",11,"b11"\n')
        const gate = await runCli(['diff', before, after, '--where', 'host == "host-b"', '--fail-on-new', '--format', 'ndjson'])
        assert.equal(gate.code, 1)
        assert.deepEqual(gate.stdout.trim().split('\n').map((l) => JSON.parse(l).name), ['b11'])
      } finally {
        rmSync(dir, {force: true, recursive: true})
      }
    })

    it('against the processes running now, leaves another host\'s records out and says so', async () => {
      const sleeper = startSleeper()
      const mine = await recordOf(sleeper.pid!)
      const dir = mkdtempSync(path.join(tmpdir(), 'proc-hosts-'))
      try {
        const before = path.join(dir, 'before.ndjson')
        // Another host's record with this sleeper's pid and start: not this sleeper, and not exited.
        writeFileSync(before, lines([mine, {...mine, host: 'host-b', name: 'theirs'}, b(12, 120)]))
        const r = await runCli(['diff', before, '--exited', '--pid', String(sleeper.pid), '--json'])
        assert.equal(r.code, 0, r.stderr)
        assert.deepEqual(JSON.parse(r.stdout), [])
        assert.match(r.stderr, /^proc diff: 2 record\(s\) of 3 were read on another host and are left out/)
      } finally {
        rmSync(dir, {force: true, recursive: true})
      }
    })
  })
})
