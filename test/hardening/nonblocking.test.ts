import {strict as assert} from 'node:assert'
import {spawnSync} from 'node:child_process'

import {BIN, FIXTURE_PASSWD, FIXTURE_PROCFS} from '../helpers/cli.js'

// proc writes its output with write(2) on fd 1. Whoever shares that open pipe may have made it
// non-blocking (O_NONBLOCK belongs to the open file, not to the descriptor), and then a full pipe
// says EAGAIN: proc must wait and go on, never lose output or fail. python3 sets the pipe up: a
// 4 KiB pipe, non-blocking, and a reader that starts late.
const PYTHON = String.raw`
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ
os.set_blocking(w, False)
child = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, pass_fds=())
os.close(w)
time.sleep(0.3)
out = b''
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    out += chunk
err = child.stderr.read()
sys.stdout.buffer.write(b'%d\n' % child.wait())
sys.stdout.buffer.write(err)
sys.stdout.buffer.write(b'---\n' + out)
`

describe('output to a non-blocking pipe', () => {
  it('a full pipe (EAGAIN) delays the output and loses none of it', function () {
    if (spawnSync('python3', ['-c', '0']).status !== 0) this.skip()
    const env = {...process.env, PROC_PASSWD: FIXTURE_PASSWD, PROC_PROCFS: FIXTURE_PROCFS}
    const whole = spawnSync(process.execPath, [BIN, 'list', '--json'], {encoding: 'utf8', env})
    assert.equal(whole.status, 0, whole.stderr)
    // Fixture records are small: repeat the listing until it is many times the pipe's size.
    const args = ['list', '--json', '--watch', '10ms']
    const r = spawnSync('timeout', ['-s', 'INT', '2', 'python3', '-c', PYTHON, 'timeout', '-s', 'INT', '1', process.execPath, BIN, ...args], {encoding: 'utf8', env, maxBuffer: 1 << 30})
    const [head, out] = [r.stdout.slice(0, r.stdout.indexOf('---\n')), r.stdout.slice(r.stdout.indexOf('---\n') + 4)]
    assert.doesNotMatch(head, /EAGAIN|Error|proc list/, head)
    assert.ok(out.length > 8 * 4096, `only ${out.length} bytes`)
    // Every frame whole: the frames are the same listing, one after another.
    const frames = out.split(/(?<=\n\])\n?/).filter((f) => f.trim() !== '')
    assert.ok(frames.length > 2, `${frames.length} frames`)
    for (const f of frames.slice(0, -1)) assert.equal(JSON.parse(f).length, JSON.parse(whole.stdout).length)
  })
})
