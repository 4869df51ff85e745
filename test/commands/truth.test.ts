// Silent wrong answers and traps that real tools and a new user found (issue 29).

import {strict as assert} from 'node:assert'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {runCli} from '../helpers/cli.js'
import {isAlive, startProcess, startSleeper} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Until /proc/PID/cmdline starts with `text` (a retitle or an exec happened). */
async function cmdlineIs(pid: number, text: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith(text + '\0')) return
    } catch {}

    if (i > 3000) throw new Error(`${pid} never showed ${text}`)
    await sleep(5)
  }
}

describe('truth in every corner', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'proc-truth-'))
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  describe('a process that retitles itself', () => {
    it('is read as ps reads it (no padding), matched by --match as pgrep -f, and killed from the table', async () => {
      const mark = `rt${process.pid}x${Date.now()}`
      const child = startProcess(process.execPath, ['-e', `process.title='${mark}-t'; setInterval(() => {}, 1000)`, 'a-long-argument-area-to-pad'])
      await cmdlineIs(child.pid!, `${mark}-t`)
      const json = await runCli(['list', String(child.pid), '--json', '-c', 'pid,command,argv'])
      const [r] = JSON.parse(json.stdout)
      assert.equal(r.command, `${mark}-t`)
      assert.deepEqual(r.argv, [`${mark}-t`])
      const found = await runCli(['list', '--match', `${mark}-t$`, '--format', 'pids'])
      assert.equal(found.stdout.trim(), String(child.pid))
      const table = await runCli(['list', String(child.pid)])
      const dry = await runCli(['kill', '--dry-run', '--json'], {input: table.stdout})
      assert.equal(dry.code, 0, dry.stderr)
      assert.equal(JSON.parse(dry.stdout)[0].status, 'dry-run')
    })

    it('between the listing and the signal is still the same process: start ticks and boot id decide', async () => {
      const mark = `rt2${process.pid}x${Date.now()}`
      const child = startProcess(process.execPath, ['-e', `process.on('SIGUSR2', () => { process.title = '${mark}-after' }); process.title = '${mark}-before'; setInterval(() => {}, 1000)`, 'padding-for-the-title'])
      await cmdlineIs(child.pid!, `${mark}-before`)
      const listed = await runCli(['list', String(child.pid), '--json'])
      process.kill(child.pid!, 'SIGUSR2')
      await cmdlineIs(child.pid!, `${mark}-after`)
      const killed = await runCli(['kill', '--json'], {input: listed.stdout})
      assert.equal(killed.code, 0, killed.stderr)
      const [r] = JSON.parse(killed.stdout)
      assert.deepEqual([r.status, r.checkedBy], ['signalled', 'startTicks,bootId'])
    })
  })

  describe('wait --timeout 0 looks once', () => {
    it('exits 124 at once while the target runs, 0 when the condition holds', async () => {
      const child = startSleeper()
      const running = await runCli(['wait', String(child.pid), '--timeout', '0'])
      assert.equal(running.code, 124, running.stderr)
      const appeared = await runCli(['wait', '--for', 'start', '--pid', String(child.pid), '--timeout', '0', '--format', 'pids'])
      assert.equal(appeared.code, 0, appeared.stderr)
      assert.equal(appeared.stdout.trim(), String(child.pid))
      const absent = await runCli(['wait', '--for', 'start', '--match', `no-such-process-${Date.now()}`, '--timeout', '0s'])
      assert.equal(absent.code, 124, absent.stderr)
      process.kill(child.pid!, 'SIGKILL')
      while (isAlive(child.pid!)) await sleep(5)
      const ended = await runCli(['wait', String(child.pid), '--timeout', '0'])
      assert.equal(ended.code, 0, ended.stderr)
    })

    it('and the helps say what 0 means for wait and for spawn', async () => {
      assert.match((await runCli(['wait', '--help'])).stdout, /0 looks once/)
      assert.match((await runCli(['spawn', '--help'])).stdout, /0 or none: no limit/)
    })
  })

  describe('kill -l as kill(1) and bash', () => {
    const cases: Array<[string[], string]> = [
      [['-l', '9'], 'KILL'],
      [['-l', 'KILL'], '9'],
      [['-l', 'SIGHUP'], '1'],
      [['-lHUP'], '1'],
      [['--list', 'HUP'], '1'],
      [['--list=hup'], '1'],
      [['-l', '137'], 'KILL'],
      [['-l', '143'], 'TERM'],
      [['-l', '34'], 'RTMIN'],
    ]
    for (const [args, want] of cases) {
      it(`proc kill ${args.join(' ')} prints ${want}`, async () => {
        const r = await runCli(['kill', ...args])
        assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${want}\n`, ''])
      })
    }

    it('-l alone prints the names, -L the numbered table, a bad word is exit 2', async () => {
      const names = await runCli(['kill', '-l'])
      assert.match(names.stdout, /^HUP INT QUIT /)
      assert.ok(names.stdout.split('\n').every((l) => l.length < 80))
      const table = await runCli(['kill', '-L'])
      assert.match(table.stdout, /^ 9 KILL$/m)
      for (const bad of ['0', '65', '200', 'BOGUS', '']) {
        const r = await runCli(['kill', '-l', bad])
        if (bad === '') continue
        assert.equal(r.code, 2, `-l ${bad}: ${r.stdout}`)
        assert.equal(r.stderr.trim().split('\n').length, 1)
      }
    })
  })

  describe('diff', () => {
    it('refuses a selector on a field the snapshot does not record, instead of an empty answer', async () => {
      const before = path.join(dir, 'before.json')
      const after = path.join(dir, 'after.json')
      writeFileSync(before, '[]')
      writeFileSync(after, JSON.stringify([{bootId: 'b', host: 'h', name: 'sleep', pid: 10, startTicks: 5}]))
      for (const sel of [['--env', 'X=1'], ['--port', '3000']]) {
        const r = await runCli(['diff', before, after, ...sel, '--fail-on-new'])
        assert.equal(r.code, 2, r.stdout)
        assert.match(r.stderr, /does not record (env|ports)/)
      }
    })
  })
})
