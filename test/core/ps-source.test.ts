// The ps source (macOS and the BSDs), parsed on fixtures of each ps's output and run here against
// procps-ng's ps, which takes the same keywords: every command on it, compared with /proc.

import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'

import {parseClock, parseLstart, parseNames, parsePsLine, psKeywords, psTty} from '../../src/core/sources/ps/parse.js'
import {sessionKeyword} from '../../src/core/sources/ps/index.js'
import {runCli} from '../helpers/cli.js'
import {canUnshare, inPidNamespace} from '../helpers/namespace.js'
import {startProcess, startSleeper} from '../helpers/processes.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('the ps source: parsing', () => {
  it('asks only for keywords macOS, FreeBSD and procps-ng all take, args last', () => {
    assert.deepEqual(psKeywords(undefined).at(-1), 'args')
    assert.equal(sessionKeyword('darwin'), undefined, 'macOS sess is a kernel address, not a session id')
    assert.equal(sessionKeyword('freebsd'), 'sid')
    assert.equal(sessionKeyword('linux'), 'sess')
  })

  it('reads etime and time as each ps prints them', () => {
    assert.equal(parseClock('05:07'), 307_000)
    assert.equal(parseClock('01:02:03'), 3_723_000)
    assert.equal(parseClock('2-01:02:03'), 176_523_000)
    assert.equal(parseClock('0:00.01'), 10, 'macOS time: m:ss.ss')
    assert.equal(parseClock('12:34:56.78'), 45_296_780)
    assert.equal(parseClock('-'), undefined)
  })

  it('reads lstart (local time, to the second) and ttys', () => {
    const iso = parseLstart(['Sun', 'Dec', '6', '20:56:26', '2026'])!
    const d = new Date(iso)
    assert.deepEqual([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()], [2026, 11, 6, 20, 56, 26])
    assert.equal(parseLstart(['Sun', 'Dez', '6', '20:56:26', '2026']), undefined)
    assert.deepEqual(['?', '??', '-', 'pts/3', 'ttys001'].map((t) => psTty(t)), [null, null, null, 'pts/3', 'ttys001'])
  })

  it('parses a procps line: session, flags in stat, a cut wchan, args with spaces and tabs', () => {
    const line = '  4242     1  4242  4242  1000  1000  1000  1000 Ss+     0  19 pts/3      8752  44388  1.5  0.2 00:01:04       57:35 Sun Dec  6 22:12:15 2026 do_sel my app\t--flag "a b"'
    const r = parsePsLine(line, 'sess')!
    assert.deepEqual(
      [r.pid, r.ppid, r.pgid, r.sid, r.uid, r.state, r.stat, r.tty, r.rssBytes, r.vszBytes, r.cpuPercent, r.memPercent, r.cpuTimeMs, r.elapsedMs, r.wchan, r.command],
      [4242, 1, 4242, 4242, 1000, 'S', 'Ss+', 'pts/3', 8752 * 1024, 44_388 * 1024, 1.5, 0.2, 64_000, 3_455_000, 'do_sel', 'my app\t--flag "a b"'],
    )
  })

  it('parses a macOS line: no session, ?? for no terminal, m:ss.ss cpu time, a zombie', () => {
    const line = '  512     1   512   501   501    20    20 Ss     0  31 ??       12345 4201234   0.0  0.1   0:00.52   3-04:05:06 Mon Nov 30 09:00:01 2026 -      /Applications/Some App.app/Contents/MacOS/Some App -psn_0_1'
    const r = parsePsLine(line, undefined)!
    assert.deepEqual([r.pid, r.sid, r.uid, r.tty, r.cpuTimeMs, r.elapsedMs, r.wchan, r.command], [512, undefined, 501, null, 520, 273_906_000, null, '/Applications/Some App.app/Contents/MacOS/Some App -psn_0_1'])
    const zombie = parsePsLine('  77    76    76    76     0     0     0     0 Z      0  19 ?            0      0  0.0  0.0 00:00:00       00:01 Sun Dec  6 22:12:15 2026 -      [sh] <defunct>', 'sess')!
    assert.deepEqual([zombie.state, zombie.command], ['Z', '[sh]'])
    assert.equal(parsePsLine('garbage', 'sess'), undefined)
  })

  it('reads names with spaces, macOS paths to their last part, without <defunct>', () => {
    const names = parseNames('    1 launchd\n  512 /Applications/Some App.app/Contents/MacOS/Some App\n  900 tmux: server\n   77 sh <defunct>\n')
    assert.deepEqual([...names], [[1, 'launchd'], [512, 'Some App'], [900, 'tmux: server'], [77, 'sh']])
  })
})

describe('the ps source: every command on it (procps-ng here)', function () {
  this.timeout(60_000)

  it('lists real fields, no null in pid, ppid, pgid, user, state, rss, vsz, start or command for an ordinary process', async () => {
    const a = startSleeper()
    await sleep(200)
    const r = await runCli(['list', '--source', 'ps', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const records = JSON.parse(r.stdout) as Array<Record<string, unknown>>
    const ordinary = records.filter((p) => (p.ppid as number) > 2 || p.pid === 1)
    assert.ok(ordinary.length > 3)
    for (const p of ordinary) {
      for (const f of ['pid', 'ppid', 'pgid', 'sid', 'user', 'state', 'rssBytes', 'vszBytes', 'startTime', 'command', 'name']) assert.notEqual(p[f], null, `${f} of ${JSON.stringify(p)}`)
    }

    assert.ok(!records.some((p) => p.name === 'ps' && p.ppid !== a.pid && String(p.command).includes('-o pid=')), 'ps itself is not listed')
  })

  it('agrees with /proc on the fields both have', async () => {
    const child = startProcess('sh', ['-c', 'sleep 301; : "an argument"'])
    await sleep(300)
    const cols = 'pid,ppid,pgid,sid,uid,gid,user,state,tty,vszBytes,name,command,startTime'
    const [viaPs] = JSON.parse((await runCli(['list', String(child.pid), '--source', 'ps', '--json', '-c', cols])).stdout)
    const [viaProc] = JSON.parse((await runCli(['list', String(child.pid), '--json', '-c', cols])).stdout)
    const {startTime: a, ...psRest} = viaPs
    const {startTime: b, ...procRest} = viaProc
    assert.deepEqual(psRest, procRest)
    // procps prints lstart from btime (whole seconds) plus the start ticks, cut to the second:
    // up to two seconds from /proc's millisecond start.
    assert.ok(Math.abs(Date.parse(a) - Date.parse(b)) < 2000, `${a} vs ${b}`)
    const rss = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'latin1'))![1]) * 1024
    const [withRss] = JSON.parse((await runCli(['list', String(child.pid), '--source', 'ps', '--json', '-c', 'pid,rssBytes'])).stdout)
    assert.equal(withRss.rssBytes, rss)
  })

  it('differential: every field both sources give agrees with procfs, for processes of every kind', async () => {
    const mark = `psdiff${process.pid}`
    const weird = `sp ace\ttab\nnew line ü ${mark}`
    const kinds: Record<string, ReturnType<typeof startProcess>> = {
      sleeper: startProcess('sleep', ['401']),
      // sleep never reaps: its child stays a zombie.
      zombieParent: startProcess('sh', ['-c', 'sleep 0 & exec sleep 402']),
      stopped: startProcess('sleep', ['403']),
      threaded: startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)', mark]),
      niced: startProcess('nice', ['-n', '5', 'sleep', '404']),
      terminal: startProcess('script', ['-qfec', 'sleep 405', '/dev/null']),
      retitled: startProcess(process.execPath, ['-e', `process.title = 'retitled-${process.pid}'; setInterval(() => {}, 1000)`]),
      argv: startProcess('bash', ['-c', `exec -a "${weird}" sleep 406`]),
    }
    process.kill(kinds.stopped.pid!, 'SIGSTOP')
    await sleep(500)
    const roots = Object.values(kinds).map((c) => c.pid!)
    const cols = 'pid,ppid,pgid,sid,uid,gid,user,state,tty,nice,vszBytes,name,command,startTime'
    const read = async (source: string[]) => {
      const r = await runCli(['list', ...roots.flatMap((p) => ['--pid', String(p)]), '--json', '-c', cols, ...source])
      const kids = await runCli(['list', ...roots.flatMap((p) => ['--ppid', String(p)]), '--json', '-c', cols, ...source])
      return new Map([...JSON.parse(r.stdout), ...JSON.parse(kids.stdout)].map((x: Record<string, unknown>) => [x.pid as number, x]))
    }

    const [viaPs, viaProc] = [await read(['--source', 'ps']), await read([])]
    assert.ok(viaProc.size >= 10, `${viaProc.size} processes`)
    assert.deepEqual([...viaPs.keys()].sort(), [...viaProc.keys()].sort())
    // What ps shows of a command line: procps prints a tab as ? and a newline as a blank.
    const shown = (command: string) => command.replaceAll('\t', '?').replaceAll('\n', ' ')
    const differences: string[] = []
    for (const [pid, proc] of viaProc) {
      const ps = viaPs.get(pid)!
      for (const f of cols.split(',')) {
        const a = ps[f]
        const b = f === 'command' && typeof proc[f] === 'string' ? shown(proc[f] as string) : proc[f]
        // procps prints lstart from btime (whole seconds) plus the start ticks, cut to the second.
        const same = f === 'startTime' ? Math.abs(Date.parse(a as string) - Date.parse(b as string)) < 2000 : JSON.stringify(a) === JSON.stringify(b)
        if (!same) differences.push(`${pid} ${proc.name} ${f}: ps ${JSON.stringify(a)}, procfs ${JSON.stringify(b)}`)
      }
    }

    assert.deepEqual(differences, [])
    const states = new Map([...viaPs.values()].map((x) => [x.pid, x.state]))
    assert.equal(states.get(kinds.stopped.pid), 'T')
    assert.ok([...viaPs.values()].some((x) => x.state === 'Z' && x.ppid === kinds.zombieParent.pid), 'the zombie')
    assert.ok([...viaPs.values()].some((x) => /^pts\//.test(String(x.tty))), 'the terminal')
    assert.equal(viaPs.get(kinds.niced.pid!)!.nice, 5)
    assert.equal(viaPs.get(kinds.argv.pid!)!.command, shown(`${weird} 406`))
    process.kill(kinds.stopped.pid!, 'SIGCONT')
  })

  it('takes every selector that has a field: --state, --session, --tty, --user, --ppid, --older-than, --where', async () => {
    const child = startSleeper()
    await sleep(200)
    const pid = String(child.pid)
    for (const sel of [['--state', 'S'], ['--session', pid], ['--tty', '?'], ['--user', String(process.getuid!())], ['--ppid', String(process.pid)], ['--older-than', '0s'], ['--where', `vszBytes > 0 and pid == ${pid}`]]) {
      const r = await runCli(['list', '--source', 'ps', '--pid', pid, ...sel, '--format', 'pids'])
      assert.equal(r.stdout.trim(), pid, `${sel.join(' ')}: ${r.stderr}`)
    }

    const tree = await runCli(['tree', pid, '--source', 'ps', '-c', 'pid,command'])
    assert.match(tree.stdout, new RegExp(`${pid} sleep 300`))
    const refused = await runCli(['list', '--source', 'ps', '--port', '22'])
    assert.equal(refused.code, 2)
    assert.match(refused.stderr, /read ports, which the ps source cannot give/)
  })

  it('kill checks identity by start time and command; wait polls', async () => {
    const child = startSleeper()
    await sleep(200)
    const listed = await runCli(['list', String(child.pid), '--source', 'ps', '--json'])
    const dry = await runCli(['kill', '--source', 'ps', '--dry-run', '--json'], {input: listed.stdout})
    assert.equal(JSON.parse(dry.stdout)[0].checkedBy, 'startTime,command,name')
    const forged = JSON.parse(listed.stdout)
    forged[0].startTime = new Date(Date.parse(forged[0].startTime) - 60_000).toISOString()
    const reused = await runCli(['kill', '--source', 'ps', '--json'], {input: JSON.stringify(forged)})
    assert.equal(reused.code, 1)
    assert.equal(JSON.parse(reused.stdout)[0].status, 'reused')
    const waited = await runCli(['wait', String(child.pid), '--source', 'ps', '--timeout', '300ms'])
    assert.equal(waited.code, 124)
    const killed = await runCli(['kill', '--source', 'ps', '--json'], {input: listed.stdout})
    assert.equal(killed.code, 0, killed.stderr)
    assert.equal(JSON.parse(killed.stdout)[0].status, 'signalled')
  })

  it('kill --tree ends a 30-process tree with a respawning member, every member reported', async function () {
    if (!canUnshare()) this.skip()
    const r = await inPidNamespace(`
      sh -c 'i=0; while [ $i -lt 28 ]; do sleep 1000 & i=$((i + 1)); done; while :; do sleep 1000 & wait $!; done' &
      T=$!
      sleep 1
      proc kill $T --tree --source ps --no-freeze --timeout 3s --json > /tmp/out.json; echo "rc=$?"
      sleep 0.3
      echo "left=$(ps -e -o stat=,args= | awk '$1 !~ /^Z/ && $2 == "sleep" && $3 == "1000"' | wc -l)"
      cat /tmp/out.json
    `, 60_000)
    const [, rc] = /rc=(\d+)/.exec(r.stdout) ?? []
    assert.equal(rc, '0', r.stdout + r.stderr)
    assert.match(r.stdout, /left=0/, r.stdout)
    const records = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))
    assert.ok(records.length >= 30, `${records.length} members`)
    assert.ok(records.every((m: {status: string}) => ['signalled', 'killed', 'gone'].includes(m.status)), r.stdout)
  })
})
