import {strict as assert} from 'node:assert'
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {parseCsv} from '../../src/input/csv.js'
import {BIN, runCli} from '../helpers/cli.js'
import {startProcess} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Names a process can give itself (its comm is the basename of what it ran, cut at 15 bytes). */
const NAMES = ['a b', 'x) S 1 (y', 'new\nline', 'tab\tname', 'esc\u001B[31mred', 'ünï ✓']

function shell(script: string): Promise<{code: number; stderr: string; stdout: string}> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], {maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => resolve({code: error ? Number(error.code) : 0, stderr, stdout}))
  })
}

describe('hostile process data, from real processes', function () {
  this.timeout(30_000)
  let dir: string
  const pids: number[] = []
  let longPid: number
  let stoppedPid: number
  let zombiePid: number
  let badUtf8Pid: number
  const long = 'x'.repeat(100_000)

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'proc-hostile-'))
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  beforeEach(async () => {
    pids.length = 0
    for (const name of NAMES) {
      symlinkSync('/bin/sleep', path.join(dir, name))
      pids.push(startProcess(path.join(dir, name), ['300']).pid!)
    }

    badUtf8Pid = startProcess('sh', ['-c', `ln -s /bin/sleep "$(printf '${dir}/\\377\\376bad')"; exec "$(printf '${dir}/\\377\\376bad')" 300`]).pid!
    longPid = startProcess('sh', ['-c', 'sleep 300; :', long]).pid!
    const holder = startProcess('sh', ['-c', '(sleep 0.1; exit 0) & echo $!; exec sleep 300'], {stdio: ['ignore', 'pipe', 'ignore']})
    zombiePid = await new Promise<number>((resolve) => holder.stdout!.once('data', (d) => resolve(Number(String(d).trim()))))
    stoppedPid = startProcess('sleep', ['300']).pid!
    process.kill(stoppedPid, 'SIGSTOP')
    await sleep(300)
  })

  afterEach(() => {
    for (const name of [...NAMES, `\u00FF`]) rmSync(path.join(dir, name), {force: true})
    rmSync(dir, {force: true, recursive: true})
    dir = mkdtempSync(path.join(tmpdir(), "proc-hostile-"))
  })

  it('JSON and CSV carry every name and argument byte for byte; invalid UTF-8 becomes U+FFFD', async () => {
    const all = [...pids, badUtf8Pid, longPid, zombiePid, stoppedPid].join(',')
    const json = JSON.parse((await runCli(['list', '--pid', all, '--json'])).stdout) as Array<Record<string, unknown>>
    const byPid = new Map(json.map((r) => [r.pid as number, r]))
    for (const [i, pid] of pids.entries()) assert.equal(byPid.get(pid)!.name, Buffer.from(NAMES[i]).subarray(0, 15).toString(), JSON.stringify(NAMES[i]))
    assert.equal(byPid.get(badUtf8Pid)!.name, '\uFFFD\uFFFDbad')
    assert.equal((byPid.get(longPid)!.argv as string[])[3], long)
    assert.equal(byPid.get(zombiePid)!.state, 'Z')
    assert.equal(byPid.get(stoppedPid)!.state, 'T')

    const csv = parseCsv((await runCli(['list', '--pid', all, '--format', 'csv'])).stdout)
    const header = csv[0]
    for (const row of csv.slice(1)) {
      const r = Object.fromEntries(row.map((v, j) => [header[j], v]))
      const want = byPid.get(Number(r.pid))!
      assert.equal(r.name, want.name)
      assert.equal(r.command, want.command)
      assert.deepEqual(JSON.parse(r.argv), want.argv)
    }
  })

  it('the table never lets a name move the cursor or colour the terminal', async () => {
    const {stdout} = await runCli(['list', '--pid', pids.join(','), '-c', 'pid,name,command'])
    assert.ok(!stdout.includes('\u001B'), 'no raw ESC')
    assert.ok(!stdout.includes('\t'), 'no raw tab')
    assert.equal(stdout.trimEnd().split('\n').length, pids.length + 1, 'one line per process')
    assert.match(stdout, /esc\\x1b\[31mred/)
    assert.match(stdout, /new\\nline/)
  })

  it('a closed stdout ends proc quietly, with status 0 and no EPIPE trace', async () => {
    for (const command of ['list --json', 'list', 'tree', 'list --format csv']) {
      const r = await shell(`"${process.execPath}" "${BIN}" ${command} | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`)
      assert.equal(r.stderr, '', command)
      assert.equal(r.stdout.trim(), '0', command)
    }
  })
})

describe('hostile process data, from the fixture tree', () => {
  it('lists an empty argv, a name with spaces and parentheses, a tab and a zombie', async () => {
    const {FIXTURE_PASSWD, FIXTURE_PROCFS} = await import('../helpers/cli.js')
    const json = JSON.parse((await runCli(['list', '--json'], {env: {PROC_PASSWD: FIXTURE_PASSWD, PROC_PROCFS: FIXTURE_PROCFS}})).stdout)
    const kthread = json.find((r: {pid: number}) => r.pid === 2)
    assert.deepEqual([kthread.argv, kthread.command], [[], '[kthreadd]'])
    assert.equal(json.find((r: {pid: number}) => r.pid === 105).command, 'line1\nline2')
    assert.equal(readFileSync(path.join(FIXTURE_PROCFS, '105/stat'), 'latin1').includes('\t'), true)
  })
})
