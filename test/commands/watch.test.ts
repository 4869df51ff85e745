import {strict as assert} from 'node:assert'
import {spawnSync} from 'node:child_process'

import {defaultWatchInterval} from '../../src/cli/argv.js'
import {BIN, startCli} from '../helpers/cli.js'
import {startSleeper} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('--watch', () => {
  it('takes an interval (a bare number is seconds, as watch -n), or stands alone', () => {
    assert.deepEqual(defaultWatchInterval(['--watch', '500ms']), ['--watch', '500ms'])
    assert.deepEqual(defaultWatchInterval(['--watch']), ['--watch=2s'])
    assert.deepEqual(defaultWatchInterval(['--watch', '5']), ['--watch', '5'], '--watch 5 is every 5 seconds, never pid 5')
    assert.deepEqual(defaultWatchInterval(['--watch', '--json']), ['--watch=2s', '--json'])
    assert.deepEqual(defaultWatchInterval(['--', '--watch']), ['--', '--watch'])
  })

  it('streams started and exited records as NDJSON, and stops on Ctrl-C with status 0', async function () {
    this.timeout(60_000)
    const watcher = startCli(['list', '--watch', '200ms', '--format', 'ndjson', '--ppid', String(process.pid), '-c', 'pid,name,change'])
    const event = (pid: number, change: string) => watcher.line(new RegExp(`^\\{"pid":${pid},.*"change":"${change}"`))
    // The watcher's first snapshot is its baseline: only a process started after it is reported.
    // Probe until one is, whatever the load, instead of guessing how long start-up takes.
    for (let seen = false; !seen; ) {
      const probe = startSleeper()
      seen = await Promise.race([event(probe.pid!, 'started').then(() => true), sleep(2000).then(() => false)])
      process.kill(probe.pid!, 'SIGKILL')
    }

    const child = startSleeper()
    assert.deepEqual(JSON.parse(await event(child.pid!, 'started')), {change: 'started', name: 'sleep', pid: child.pid})
    process.kill(child.pid!, 'SIGKILL')
    assert.deepEqual(JSON.parse(await event(child.pid!, 'exited')), {change: 'exited', name: 'sleep', pid: child.pid})
    process.kill(watcher.pid, 'SIGINT')
    const result = await watcher.done
    assert.equal(result.code, 0, result.stderr)
  })

  it('redraws on the alternate screen of a terminal and restores it on Ctrl-C', function () {
    if (spawnSync('python3', ['-c', 'import pty']).status !== 0) this.skip()
    const script = `
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], sys.argv[2], 'tree', '--watch', '300ms', '-c', 'pid,name'])
out = b''
end = time.time() + 1.5
while time.time() < end:
    try:
        import select
        r, _, _ = select.select([fd], [], [], 0.1)
        if r: out += os.read(fd, 65536)
    except OSError: break
os.write(fd, b'\\x03')
while True:
    try:
        r, _, _ = select.select([fd], [], [], 2)
        if not r: break
        chunk = os.read(fd, 65536)
        if not chunk: break
        out += chunk
    except OSError: break
_, status = os.waitpid(pid, 0)
sys.stdout.write(repr(out.count(b'\\x1b[?1049h')) + ' ' + repr(out.count(b'\\x1b[J')) + ' ' + repr(out.rstrip().endswith(b'\\x1b[?1049l')) + ' ' + str(os.waitstatus_to_exitcode(status)))
`
    const r = spawnSync('python3', ['-c', script, process.execPath, BIN], {encoding: 'utf8', timeout: 15_000})
    const [enters, frames, restored, code] = r.stdout.trim().split(' ')
    assert.equal(enters, '1')
    assert.ok(Number(frames) >= 3, `${frames} frames`)
    assert.equal(restored, 'True')
    assert.equal(code, '0')
  })
})
