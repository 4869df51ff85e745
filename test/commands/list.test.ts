import {strict as assert} from 'node:assert'
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {parseCsv} from '../../src/input/csv.js'
import {FIXTURE_PASSWD, FIXTURE_PROCFS, runCli} from '../helpers/cli.js'
import {canUnshare} from '../helpers/namespace.js'
import {startProcess, startSleeper, procfsOnly} from '../helpers/processes.js'

const fixtureEnv = {PROC_PASSWD: FIXTURE_PASSWD, PROC_PROCFS: FIXTURE_PROCFS}

describe('proc list', () => {
  describe('on the fixture tree', () => {
    it('prints every process as JSON records sorted by pid', async () => {
      const {code, stderr, stdout} = await runCli(['list', '--json'], {env: fixtureEnv})
      assert.equal(stderr, '')
      assert.equal(code, 0)
      const records = JSON.parse(stdout)
      assert.deepEqual(records.map((r: {pid: number}) => r.pid), [1, 2, 10, 100, 101, 102, 104, 105])
      assert.equal(records.find((r: {pid: number}) => r.pid === 100).user, 'alice')
    })

    it('prints a table with the default columns', async () => {
      const {code, stdout} = await runCli(['list', '--pid', '100,105'], {env: fixtureEnv})
      assert.equal(code, 0)
      const lines = stdout.trimEnd().split('\n')
      assert.match(lines[0], /^\s*PID\s+PPID USER\s+%CPU\s+RSS S ELAPSED COMMAND$/)
      assert.match(lines[1], /^\s*100\s+1 alice\s+0\.6\s+3\.9M S\s+15:00 my \) proc \(x --flag hello, "world"$/)
      assert.match(lines[2], /^\s*105\s+1 root\s+0\.0\s+4\.0K T\s+03:20 line1\\nline2$/)
    })

    it('takes pids as arguments, selectors, --where, --sort and --limit together', async () => {
      const {stdout} = await runCli(['list', '--where', 'user == "alice" or pid == 104', '--sort', '-pid', '--limit', '3', '-c', 'pid', '--no-header'], {env: fixtureEnv})
      assert.equal(stdout, '104\n102\n101\n')
      const args = await runCli(['list', '2', '10', '-c', 'pid,name', '--format', 'csv'], {env: fixtureEnv})
      assert.deepEqual(parseCsv(args.stdout), [
        ['pid', 'name'],
        ['2', 'kthreadd'],
        ['10', 'kworker/0:1-events'],
      ])
    })

    it('writes CSV that parses back into the same records as JSON', async () => {
      const csv = parseCsv((await runCli(['list', '--format', 'csv'], {env: fixtureEnv})).stdout)
      const json = JSON.parse((await runCli(['list', '--json'], {env: fixtureEnv})).stdout)
      const header = csv[0]
      assert.equal(csv.length, json.length + 1)
      for (const [i, row] of csv.slice(1).entries()) {
        for (const [j, field] of header.entries()) {
          const want = json[i][field]
          const expected = want === null ? '' : Array.isArray(want) ? JSON.stringify(want) : String(want)
          assert.equal(row[j], expected, `${field} of ${json[i].pid}`)
        }
      }
    })

    it('writes NDJSON, one record a line', async () => {
      const {stdout} = await runCli(['list', '--format', 'ndjson', '--state', 'zombie'], {env: fixtureEnv})
      const lines = stdout.trimEnd().split('\n')
      assert.equal(lines.length, 1)
      assert.equal(JSON.parse(lines[0]).pid, 102)
    })

    it('counts, and fails on empty only when asked', async () => {
      assert.deepEqual(await runCli(['list', '--count', '--user', 'alice'], {env: fixtureEnv}), {code: 0, signal: null, stderr: '', stdout: '3\n'})
      const none = await runCli(['list', '--name', 'nothing-like-this', '--count'], {env: fixtureEnv})
      assert.equal(none.stdout, '0\n')
      assert.equal(none.code, 0)
      const fail = await runCli(['list', '--name', 'nothing-like-this', '--fail-on-empty', '--json'], {env: fixtureEnv})
      assert.equal(fail.code, 1)
      assert.equal(fail.stdout, '[]\n')
      assert.equal(fail.stderr, '')
    })

    it('lists every column with --columns help', async function () {
      procfsOnly(this, 'help lists what the source gives: start ticks are procfs\'s')
      const {code, stdout} = await runCli(['list', '--columns', 'help'])
      assert.equal(code, 0)
      for (const id of ['pid', 'startTicks', 'rssBytes', 'cpuPercent', 'command']) assert.match(stdout, new RegExp(`^${id} `, 'm'))
    })
  })

  describe('bad input: exit 2, one line on stderr, no stack trace', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['unknown flag', ['list', '--bogus'], /Nonexistent flag: --bogus/],
      ['unknown column', ['list', '--columns', 'pid,nope'], /unknown column 'nope'/],
      ['empty column', ['list', '--columns', 'pid,,name'], /empty column name/],
      ['bad sort key', ['list', '--sort', '-nope'], /--sort: unknown column 'nope'/],
      ['bad regex', ['list', '--match', '(unclosed'], /--match: invalid regex/],
      ['bad name regex', ['list', '--name', '/[/'], /--name: invalid regex/],
      ['bad duration', ['list', '--older-than', '5 weeks'], /invalid --older-than '5 weeks'/],
      ['bad sample', ['list', '--sample', 'soon'], /invalid --sample 'soon'/],
      ['bad --where', ['list', '--where', 'rss > > 1'], /--where: .* at column 7/],
      ['bad pid', ['list', '--pid', 'abc'], /--pid: 'abc' is not a process id/],
      ['zero pid', ['list', '0'], /'0' is not a process id/],
      ['negative pid', ['list', '--pid', '-5'], /--pid/],
      ['huge pid', ['list', '99999999999'], /is not a process id/],
      ['bad format', ['list', '--format', 'xml'], /--format=xml/],
      ['json and format', ['list', '--json', '--format', 'csv'], /cannot also be provided/],
      ['bad limit', ['list', '--limit', '-1'], /--limit/],
      ['bad state', ['list', '--state', 'sleepy'], /--state: unknown state/],
      ['bad source', ['list', '--source', 'magic'], /--source/],
    ]
    for (const [title, args, message] of cases) {
      it(title, async () => {
        const {code, stderr, stdout} = await runCli(args)
        assert.equal(code, 2, stderr)
        assert.equal(stdout, '')
        assert.match(stderr, message)
        assert.equal(stderr.trimEnd().split('\n').length, 1, stderr)
        assert.doesNotMatch(stderr, /\bat .*\.js:\d+/)
      })
    }
  })

  describe('on the live system', () => {
    it('agrees with ps for processes the test started', async function () {
      procfsOnly(this, 'start ticks')
      const sleepers = [startSleeper(), startSleeper(), startProcess('sh', ['-c', 'sleep 300; :'])]
      // Let each exec finish so the names are final.
      await new Promise((r) => setTimeout(r, 200))
      const pids = sleepers.map((s) => s.pid!)
      const {code, stdout} = await runCli(['list', '--json', '--pid', pids.join(',')])
      assert.equal(code, 0)
      const records = JSON.parse(stdout) as Array<Record<string, unknown>>
      const ps = execFileSync('ps', ['-o', 'pid=,ppid=,uid=,rss=,comm=', '-p', pids.join(',')], {encoding: 'utf8'})
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .map(([pid, ppid, uid, rss, comm]) => ({name: comm, pid: Number(pid), ppid: Number(ppid), rssBytes: Number(rss) * 1024, uid: Number(uid)}))
        .sort((a, b) => a.pid - b.pid)
      assert.equal(ps.length, 3)
      assert.deepEqual(
        records.map((r) => ({name: r.name, pid: r.pid, ppid: r.ppid, rssBytes: r.rssBytes, uid: r.uid})),
        ps,
      )
      for (const r of records) {
        assert.equal(r.ppid, process.pid)
        assert.equal(typeof r.startTicks, 'number')
        assert.match(String(r.startTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      }
    })

    it('gives the real ids, and RSS as ps does, of a non-dumpable process (its /proc files are root\'s)', async function () {
      if (process.getuid!() !== 0 || spawnSync('python3', ['-c', 'import ctypes']).status !== 0) this.skip()
      // Drop to nobody and mark the process non-dumpable (PR_SET_DUMPABLE is 4): the kernel then
      // gives the files under /proc/PID to root, while status still says who the process is.
      const child = startProcess('python3', ['-c', 'import ctypes, os, sys, time\nctypes.CDLL(None).prctl(4, 0, 0, 0, 0)\nos.setgid(65534)\nos.setuid(65534)\nprint("ok", flush=True)\ntime.sleep(300)'], {stdio: ['ignore', 'pipe', 'ignore']})
      await new Promise((resolve) => child.stdout!.once('data', resolve))
      assert.equal(statSync(`/proc/${child.pid}/status`).uid, 0, 'the precondition: the files are root\'s')
      const {code, stdout} = await runCli(['list', '--json', '--pid', String(child.pid), '-c', 'pid,uid,gid,rssBytes'])
      assert.equal(code, 0)
      const [record] = JSON.parse(stdout)
      const [uid, gid, rss] = execFileSync('ps', ['-o', 'uid=,gid=,rss=', '-p', String(child.pid)], {encoding: 'utf8'}).trim().split(/\s+/).map(Number)
      assert.deepEqual(record, {gid, pid: child.pid, rssBytes: rss * 1024, uid})
      assert.deepEqual([uid, gid], [65534, 65534])
    })

    it('extra columns (STAT, %MEM, priority, real and saved ids, groups, faults, context switches) agree with ps and /proc', async function () {
      procfsOnly(this, 'fields from /proc/PID/status and stat')
      this.timeout(30_000)
      const niced = startProcess('nice', ['-n', '5', 'sleep', '300'])
      // startProcess makes each child the leader of a session of its own (setsid), as ps shows with s.
      const leader = startSleeper()
      const threaded = startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
      const urgent = process.getuid!() === 0 ? startProcess('nice', ['-n', '-5', 'sleep', '300']) : undefined
      const ids = process.getuid!() === 0 ? startProcess('setpriv', ['--ruid', '65534', '--rgid', '65534', '--groups', '4,20', 'sleep', '300']) : undefined
      // A foreground job on a terminal: STAT gets its +.
      const term = spawnSync('python3', ['-c', 'import pty']).status === 0 ? startProcess('python3', ['-c', 'import os, pty, time\npid, fd = pty.fork()\nif pid == 0: os.execvp("sleep", ["sleep", "300"])\nprint(pid, flush=True)\ntime.sleep(300)'], {stdio: ['ignore', 'pipe', 'ignore']}) : undefined
      const onTerm = term ? Number(await new Promise((resolve) => term.stdout!.once('data', resolve))) : undefined
      await new Promise((r) => setTimeout(r, 500))
      const pids = [niced, leader, threaded, urgent, ids].filter((c) => c !== undefined).map((c) => c!.pid!)
      if (onTerm) pids.push(onTerm)
      const columns = 'pid,stat,memPercent,priority,ruid,suid,rgid,sgid,groups,minorFaults,majorFaults,voluntaryCtxSwitches,involuntaryCtxSwitches'
      const {code, stdout} = await runCli(['list', '--json', '--pid', pids.join(','), '-c', columns])
      assert.equal(code, 0)
      const records = JSON.parse(stdout) as Array<Record<string, unknown>>
      assert.deepEqual(records.map((r) => r.pid).sort(), [...pids].sort())
      for (const r of records) {
        const ps = execFileSync('ps', ['-o', 'stat=,%mem=,priority=,ruid=,suid=,rgid=,sgid=,supgid=,min_flt=,maj_flt=', '-p', String(r.pid)], {encoding: 'utf8'}).trim().split(/\s+/)
        const [stat, mem, priority, ruid, suid, rgid, sgid, supgid, minflt, majflt] = ps
        const where = `pid ${r.pid}`
        assert.equal(r.stat, stat, where)
        // ps truncates %MEM to one decimal.
        assert.ok(Math.abs((r.memPercent as number) - Number(mem)) < 0.11, `${where}: ${r.memPercent} vs ${mem}`)
        assert.deepEqual([r.priority, r.ruid, r.suid, r.rgid, r.sgid], [priority, ruid, suid, rgid, sgid].map(Number), where)
        assert.deepEqual(r.groups, supgid === '-' ? [] : supgid.split(',').map(Number), where)
        if (r.pid !== threaded.pid) assert.deepEqual([r.minorFaults, r.majorFaults], [Number(minflt), Number(majflt)], where)
        // A sleeper switches no more while it sleeps; node's timer thread does.
        if (r.pid === threaded.pid) continue
        const status = readFileSync(`/proc/${r.pid}/status`, 'utf8')
        assert.equal(r.voluntaryCtxSwitches, Number(/\nvoluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]), where)
        assert.equal(r.involuntaryCtxSwitches, Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]), where)
      }

      // Each state the test set up shows in STAT.
      const statOf = (pid: number | undefined) => records.find((r) => r.pid === pid)?.stat as string
      assert.match(statOf(niced.pid), /N/)
      assert.match(statOf(leader.pid), /s/)
      assert.match(statOf(threaded.pid), /l/)
      if (urgent) assert.match(statOf(urgent.pid), /</)
      if (onTerm) {
        assert.match(statOf(onTerm), /\+/)
        // The job on the terminal is in a session of its own: end it here, not by its group.
        process.kill(onTerm, 'SIGKILL')
      }
    })

    it('--real-user and --real-group select by the real ids, as pgrep -U and -G do', async function () {
      if (process.getuid!() !== 0) this.skip()
      // Real ids nobody, effective ids still root.
      const child = startProcess('setpriv', ['--ruid', '65534', '--rgid', '65534', '--clear-groups', 'sleep', '300'])
      await new Promise((r) => setTimeout(r, 300))
      const pid = String(child.pid)
      const selected = async (...flags: string[]) => {
        const {code, stdout} = await runCli(['list', '--pid', pid, '-c', 'pid', '--no-header', ...flags])
        assert.ok(code === 0 || code === 1)
        return stdout.trim() === pid
      }

      const group = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === '65534')?.split(':')[0]
      assert.ok(await selected('--real-user', '65534'))
      assert.ok(await selected('--real-user', 'nobody'))
      assert.ok(await selected('--real-group', '65534'))
      if (group) assert.ok(await selected('--real-group', group))
      assert.ok(!(await selected('--user', 'nobody')), 'the effective user is root')
      assert.ok(!(await selected('--real-user', 'root')))
      const bad = await runCli(['list', '--real-group', 'no-such-group-here'])
      assert.deepEqual([bad.code, bad.stderr], [2, "proc list: --real-group: no group named 'no-such-group-here'\n"])
    })

    it('file-based extra columns agree with /proc for a process the test started', async function () {
      procfsOnly(this, 'files under /proc/PID')
      this.timeout(30_000)
      const dir = mkdtempSync(path.join(tmpdir(), 'proc-cwd-'))
      const marker = `m${process.pid}x${Date.now()}`
      // Descriptors 3, 4 and 5 open on /dev/null, beside stdin, stdout and stderr.
      const child = startProcess('sh', ['-c', 'exec 3</dev/null 4</dev/null 5</dev/null; exec sleep 300'], {cwd: dir, env: {...process.env, PROC_TEST_MARK: marker}})
      try {
        await new Promise((r) => setTimeout(r, 300))
        const pid = child.pid!
        const columns = 'pid,cwd,env,cgroup,unit,container,readBytes,writeBytes,fds,pssBytes,ussBytes,swapBytes,wchan,pidNs,netNs,mntNs,utsNs,ipcNs,userNs,cgroupNs,kernelThread'
        const {code, stdout} = await runCli(['list', '--json', '--pid', String(pid), '-c', columns])
        assert.equal(code, 0)
        const [r] = JSON.parse(stdout)
        const proc = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8')
        const kb = (text: string, key: string) => Number(new RegExp(`\\n${key}:\\s+(\\d+)`).exec(text)![1]) * 1024
        const rollup = proc('smaps_rollup')
        const cgroup = /^0::(.*)$/m.exec(proc('cgroup'))![1]
        const ns = (kind: string) => Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${kind}`))![1])
        assert.deepEqual(r, {
          cgroup,
          cgroupNs: ns('cgroup'),
          container: null,
          cwd: dir,
          env: Object.fromEntries(proc('environ').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
          fds: readdirSync(`/proc/${pid}/fd`).length,
          ipcNs: ns('ipc'),
          kernelThread: false,
          mntNs: ns('mnt'),
          netNs: ns('net'),
          pid,
          pidNs: ns('pid'),
          // PSS shares pages with every other sleep on the machine, which come and go: checked below.
          pssBytes: r.pssBytes,
          readBytes: kb(proc('io'), 'read_bytes') / 1024,
          swapBytes: kb(rollup, 'Swap'),
          unit: null,
          userNs: ns('user'),
          // USS moves too: a page shared with another sleep becomes private when that one exits.
          ussBytes: r.ussBytes,
          utsNs: ns('uts'),
          wchan: proc('wchan').trim(),
          writeBytes: kb(proc('io'), 'write_bytes') / 1024,
        })
        assert.equal(r.env.PROC_TEST_MARK, marker)
        assert.ok(r.fds >= 6, `${r.fds} descriptors: 0 to 5 at least`)
        assert.ok(r.pssBytes >= r.ussBytes && r.pssBytes <= kb(rollup, 'Rss'), `PSS ${r.pssBytes} between USS ${r.ussBytes} and RSS`)
        assert.ok(r.ussBytes > 0, `USS ${r.ussBytes}`)

        // The selectors that go with them.
        const selected = async (...flags: string[]) => (await runCli(['list', '--pid', String(pid), '-c', 'pid', '--no-header', ...flags])).stdout.trim() === String(pid)
        assert.ok(await selected('--env', 'PROC_TEST_MARK'))
        assert.ok(await selected('--env', `PROC_TEST_MARK=${marker}`))
        assert.ok(!(await selected('--env', 'PROC_TEST_MARK=other')))
        assert.ok(!(await selected('--env', 'PROC_NO_SUCH_VARIABLE')))
        assert.ok(await selected('--cgroup', cgroup))
        assert.ok(!(await selected('--cgroup', `${cgroup}/elsewhere`)))
        assert.ok(await selected('--ns', String(process.pid)))
        assert.ok(await selected('--no-kernel'))
        assert.ok(await selected('--where', `kernelThread == false and fds == ${r.fds}`))
      } finally {
        rmSync(dir, {force: true, recursive: true})
      }
    })

    it('--no-kernel and kernelThread tell kernel threads apart', async function () {
      procfsOnly(this, "kernel threads are stat's flags")
      // kthreadd is pid 2 where the suite runs in the host's pid namespace.
      if (!/kthreadd/.test(readFileSync('/proc/2/stat', 'utf8').split(' ')[1] ?? '')) this.skip()
      const {stdout} = await runCli(['list', '--pid', '2', '-c', 'pid,kernelThread', '--json'])
      assert.deepEqual(JSON.parse(stdout), [{kernelThread: true, pid: 2}])
      const hidden = await runCli(['list', '--pid', '2', '--no-kernel', '--json'])
      assert.deepEqual([hidden.code, JSON.parse(hidden.stdout)], [1, []])
    })

    it('--ns selects the processes in the same namespaces, and --nslist picks which', async function () {
      procfsOnly(this, 'namespaces')
      if (!canUnshare()) this.skip()
      const outside = startSleeper()
      // A sleep in a pid namespace of its own (its parent, unshare, stays in ours).
      const holder = startProcess('unshare', ['-p', '-f', 'sleep', '300'])
      let inside: number | undefined
      for (let i = 0; i < 50 && !inside; i++) {
        await new Promise((r) => setTimeout(r, 50))
        inside = Number(spawnSync('pgrep', ['-P', String(holder.pid)], {encoding: 'utf8'}).stdout.trim()) || undefined
      }

      assert.ok(inside, 'the namespaced sleep started')
      const pids = `${outside.pid},${inside}`
      const list = async (...flags: string[]) =>
        (await runCli(['list', '--pid', pids, '-c', 'pid', '--no-header', ...flags])).stdout.trim().split('\n').filter(Boolean).map(Number).sort()
      assert.deepEqual(await list('--ns', String(outside.pid)), [outside.pid])
      assert.deepEqual(await list('--ns', String(inside), '--nslist', 'pid'), [inside])
      assert.deepEqual(await list('--ns', String(inside), '--nslist', 'net,mnt'), [outside.pid!, inside].sort())
    })

    it('never lists itself unless --include-self', async () => {
      // The pattern matches proc's own command line, which holds it, and nothing else on the
      // machine (another proc list running beside the suite would match 'run.js list').
      const marker = `self-${process.pid}-${Date.now()}`
      const {stdout} = await runCli(['list', '--json', '--match', marker, '-c', 'pid,command'])
      assert.deepEqual(JSON.parse(stdout), [])
      const self = await runCli(['list', '--json', '--match', marker, '-c', 'pid,command', '--include-self'])
      assert.equal(JSON.parse(self.stdout).length, 1)
    })

    it('samples CPU over an interval with --sample', async function () {
      procfsOnly(this, "procps's ps gives CPU time in whole seconds")
      const burner = startProcess(process.execPath, ['-e', 'for(;;){}'])
      await new Promise((r) => setTimeout(r, 300))
      const {stdout} = await runCli(['list', '--pid', String(burner.pid), '--sample', '300ms', '-c', 'pid,cpu', '--json'])
      const [r] = JSON.parse(stdout)
      assert.ok(r.cpuPercent > 40, `a busy loop shows ${r.cpuPercent}% over the sample`)
    })

    it('reads through the ps-list source too', async () => {
      const sleeper = startSleeper()
      await new Promise((r) => setTimeout(r, 100))
      const {code, stdout} = await runCli(['list', '--source', 'ps-list', '--pid', String(sleeper.pid), '--json'])
      assert.equal(code, 0)
      const [r] = JSON.parse(stdout)
      assert.equal(r.pid, sleeper.pid)
      assert.equal(r.name, 'sleep')
      assert.equal(r.startTicks, null)
    })

    it('refuses a selector, --where field or column the source cannot give, naming the source (never an empty answer)', async () => {
      for (const args of [['--state', 'S', '--count'], ['--where', 'rssBytes > 1'], ['-c', 'pid,state'], ['--session', '1']]) {
        const r = await runCli(['list', '--source', 'ps-list', ...args])
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`)
        assert.match(r.stderr, /which the ps-list source cannot give/)
      }

      for (const cmd of ['tree', 'kill', 'wait', 'diff']) {
        const r = await runCli([cmd, ...(cmd === 'diff' ? ['-'] : []), '--source', 'ps-list', '--state', 'S'], {input: '[]'})
        assert.equal(r.code, 2, `${cmd}: ${r.stderr}`)
      }
    })

    it('exits quietly when stdout closes early', async () => {
      const out = execFileSync('sh', ['-c', `"${process.execPath}" bin/run.js list | head -1; echo "status $?"`], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
      assert.match(out, /PID/)
    })
  })
})
