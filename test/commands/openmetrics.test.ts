import {strict as assert} from 'node:assert'
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir, userInfo} from 'node:os'
import path from 'node:path'

import {parseColumns} from '../../src/columns/index.js'
import {escapeLabelValue, exposition, processFamilies, runFamilies} from '../../src/output/openmetrics.js'
import {runCli} from '../helpers/cli.js'
import {startProcess} from '../helpers/processes.js'

/** promtool (Debian's prometheus package), where installed. */
function promtool(): string | undefined {
  const r = spawnSync('promtool', ['--version'], {encoding: 'utf8'})
  return r.status === 0 ? 'promtool' : undefined
}

/** A Python with prometheus_client (Debian's python3-prometheus-client), for its strict OpenMetrics parser. */
function pythonWithClient(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import prometheus_client.openmetrics.parser'], {stdio: 'ignore'}).status === 0) return python
  }

  return undefined
}

/** `promtool check metrics`: the Prometheus text-format parser and its linter. */
function checkWithPromtool(text: string): void {
  const r = spawnSync('promtool', ['check', 'metrics'], {encoding: 'utf8', input: text, maxBuffer: 1024 * 1024 * 1024})
  assert.equal(r.status, 0, `promtool check metrics: ${r.stdout}${r.stderr}\n${text}`)
}

interface Parsed {
  name: string
  labels: Record<string, string>
  value: number
}

/** Every sample, as prometheus_client's OpenMetrics parser reads it (it rejects what the format does not allow). */
function parseOpenMetrics(python: string, text: string): Parsed[] {
  const script = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"name": s.name, "labels": s.labels, "value": s.value})
print(json.dumps(out))
`
  return JSON.parse(execFileSync(python, ['-c', script], {encoding: 'utf8', input: text, maxBuffer: 1024 * 1024 * 1024}))
}

/** No series twice: neither parser above catches a duplicate. */
function assertNoDuplicateSeries(text: string): void {
  const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.slice(0, l.lastIndexOf(' ')))
  assert.equal(new Set(series).size, series.length, 'a series is written twice')
}

describe('openmetrics', () => {
  describe('the text format', () => {
    it('escapes label values and help text as the format requires, and ends with # EOF', () => {
      assert.equal(escapeLabelValue('a"b\\c\nd\te'), 'a\\"b\\\\c\\nd\te')
      const text = exposition([
        {help: 'back\\slash\nnew line', name: 'x_bytes', samples: [{labels: [['name', 'q"\n']], value: 1.5}], unit: 'bytes'},
        {help: 'no samples: left out', name: 'y', samples: []},
        {help: 'noise', name: 'z_ratio', samples: [{labels: [], value: 0.68 / 100}, {labels: [['k', 'v']], value: Number.NaN}]},
      ])
      assert.equal(
        text,
        '# HELP x_bytes back\\\\slash\\nnew line\n# TYPE x_bytes gauge\n# UNIT x_bytes bytes\nx_bytes{name="q\\"\\n"} 1.5\n' +
          '# HELP z_ratio noise\n# TYPE z_ratio gauge\nz_ratio 0.0068\nz_ratio{k="v"} NaN\n# EOF\n',
      )
    })

    const records = [
      {name: 'web', pid: 10, ppid: 1, rssBytes: 1000, state: 'S', unit: 'web.service', user: 'www', cpuTimeMs: 1500, startTime: '2026-01-01T00:00:00.000Z', threads: 4},
      {name: 'web', pid: 11, ppid: 10, rssBytes: 3000, state: 'R', unit: 'web.service', user: 'www', cpuTimeMs: 250, startTime: '2026-01-01T00:00:01.500Z', threads: 1},
      // What cannot be read makes no sample: unknown is not 0.
      {name: 'db', pid: 20, ppid: 1, rssBytes: null, state: 'Z', unit: null, user: 'pg', cpuTimeMs: 10, startTime: null, threads: null},
    ]
    const samplesOf = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))

    it('writes one series per process and column, labelled pid, ppid, name, user and unit', () => {
      const text = exposition(processFamilies(records, {columns: parseColumns('cpuTimeMs,rssBytes,threads,startTime')}))
      assert.deepEqual(samplesOf(text, 'proc_process_cpu_time_seconds'), [
        'proc_process_cpu_time_seconds{pid="10",ppid="1",name="web",user="www",unit="web.service"} 1.5',
        'proc_process_cpu_time_seconds{pid="11",ppid="10",name="web",user="www",unit="web.service"} 0.25',
        'proc_process_cpu_time_seconds{pid="20",ppid="1",name="db",user="pg"} 0.01',
      ])
      assert.deepEqual(samplesOf(text, 'proc_process_rss_bytes').map((l) => l.split(' ')[1]), ['1000', '3000'])
      assert.deepEqual(samplesOf(text, 'proc_process_start_time_seconds').map((l) => l.split(' ')[1]), ['1767225600', '1767225601.5'])
      assert.deepEqual(samplesOf(text, 'proc_processes'), ['proc_processes 3'])
      assert.deepEqual(samplesOf(text, 'proc_processes_by_state'), ['proc_processes_by_state{state="R"} 1', 'proc_processes_by_state{state="S"} 1', 'proc_processes_by_state{state="Z"} 1'])
      assert.deepEqual(samplesOf(text, 'proc_processes_by_user'), ['proc_processes_by_user{user="pg"} 1', 'proc_processes_by_user{user="www"} 2'])
      assert.deepEqual(samplesOf(text, 'proc_zombie_processes'), ['proc_zombie_processes 1'])
      assert.ok(text.endsWith('\n# EOF\n'))
    })

    it('caps the per-process series with a limit, and still counts the whole selection', () => {
      const text = exposition(processFamilies(records, {columns: parseColumns('rssBytes'), limit: 1}))
      assert.deepEqual(samplesOf(text, 'proc_process_rss_bytes'), ['proc_process_rss_bytes{pid="10",ppid="1",name="web",user="www",unit="web.service"} 1000'])
      assert.deepEqual(samplesOf(text, 'proc_processes'), ['proc_processes 3'])
    })

    it('sums per group with --group-by, leaving out times and groups where nothing could be read', () => {
      const text = exposition(processFamilies(records, {columns: parseColumns('cpuTimeMs,rssBytes,threads,startTime'), groupBy: 'unit'}))
      assert.deepEqual(samplesOf(text, 'proc_group_processes'), ['proc_group_processes 1', 'proc_group_processes{unit="web.service"} 2'])
      assert.deepEqual(samplesOf(text, 'proc_group_cpu_time_seconds'), ['proc_group_cpu_time_seconds 0.01', 'proc_group_cpu_time_seconds{unit="web.service"} 1.75'])
      assert.deepEqual(samplesOf(text, 'proc_group_rss_bytes'), ['proc_group_rss_bytes{unit="web.service"} 4000'])
      assert.deepEqual(samplesOf(text, 'proc_group_threads'), ['proc_group_threads{unit="web.service"} 5'])
      assert.doesNotMatch(text, /start_time|proc_process_/)
    })

    it('names a metric by its column in base units: seconds, bytes, ratios', () => {
      const text = exposition(processFamilies([{cpuPercent: 50, elapsedMs: 2000, memPercent: 1.5, pid: 1, vszBytes: 4096}], {columns: parseColumns('cpu,mem,elapsed,vsz')}))
      assert.deepEqual(
        text.split('\n').filter((l) => l.startsWith('proc_process_')),
        ['proc_process_cpu_ratio{pid="1"} 0.5', 'proc_process_mem_ratio{pid="1"} 0.015', 'proc_process_elapsed_seconds{pid="1"} 2', 'proc_process_vsz_bytes{pid="1"} 4096'],
      )
    })

    it('writes a spawn run as gauges, without the exit code when a signal ended it', () => {
      const run = {cpuSystemMs: 20, cpuUserMs: 1230, durationMs: 61_500, exitCode: null, exitStatus: 137, leaks: [{}, {}], maxRssBytes: 5, runPeakRssBytes: null, startTime: '2026-01-01T00:00:00.000Z', timedOut: true}
      const text = exposition(runFamilies(run))
      assert.deepEqual(text.split('\n').filter((l) => l !== '' && !l.startsWith('#')), [
        'proc_spawn_start_time_seconds 1767225600',
        'proc_spawn_duration_seconds 61.5',
        'proc_spawn_exit_status 137',
        'proc_spawn_timed_out 1',
        'proc_spawn_cpu_user_seconds 1.23',
        'proc_spawn_cpu_system_seconds 0.02',
        'proc_spawn_max_rss_bytes 5',
        'proc_spawn_leaks 2',
      ])
    })
  })

  describe('proc list --format openmetrics', () => {
    it('passes promtool check metrics, and the OpenMetrics parser, for every process of this machine', async function () {
      if (!promtool()) this.skip()
      const r = await runCli(['list', '--format', 'openmetrics'])
      assert.equal(r.code, 0, r.stderr)
      checkWithPromtool(r.stdout)
      assertNoDuplicateSeries(r.stdout)
      const python = pythonWithClient()
      if (python) assert.ok(parseOpenMetrics(python, r.stdout).length > 10)
      const grouped = await runCli(['list', '--format', 'openmetrics', '--group-by', 'user', '-c', 'cpu,mem,rss,vsz,elapsed,fds,readBytes'])
      assert.equal(grouped.code, 0, grouped.stderr)
      checkWithPromtool(grouped.stdout)
      assertNoDuplicateSeries(grouped.stdout)
    })

    it('makes series of the selected processes only, with the values ps shows', async () => {
      const marker = `om-${process.pid}-${Date.now()}`
      const sleepers = [startProcess('bash', ['-c', `exec -a ${marker} sleep 300`]), startProcess('bash', ['-c', `exec -a ${marker} sleep 300`])]
      const pids = sleepers.map((s) => String(s.pid)).sort()
      // Until both shells have become the marked sleepers.
      const marked = (pid: string) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(marker)
        } catch {
          return false
        }
      }

      for (let i = 0; i < 1000 && !pids.every((p) => marked(p)); i++) await new Promise((resolve) => setTimeout(resolve, 10))
      const r = await runCli(['list', '--match', `^${marker}`, '--format', 'openmetrics', '-c', 'rss,threads'])
      assert.equal(r.code, 0, r.stderr)
      const rss = r.stdout.split('\n').filter((l) => l.startsWith('proc_process_rss_bytes{'))
      assert.deepEqual(rss.map((l) => /pid="(\d+)"/.exec(l)![1]).sort(), pids)
      for (const line of rss) {
        const pid = /pid="(\d+)"/.exec(line)![1]
        const psRss = Number(execFileSync('ps', ['-o', 'rss=', '-p', pid], {encoding: 'utf8'}).trim()) * 1024
        assert.equal(Number(line.split(' ')[1]), psRss, line)
        assert.match(line, new RegExp(`name="sleep",user="${userInfo().username}"`))
      }

      assert.match(r.stdout, /^proc_processes 2$/m)
      if (promtool()) checkWithPromtool(r.stdout)
    })

    it('keeps a hostile process name inside its label value', async function () {
      const python = pythonWithClient()
      if (!promtool() && !python) this.skip()
      const marker = `om-evil-${process.pid}-${Date.now()}`
      // The name (comm, 15 bytes) holds a quote, a backslash, a new line and a tab, and tries to end the series.
      const name = 'a"b\\c\nd\t} 1\nx'
      const script = `import ctypes, sys, time\nctypes.CDLL(None).prctl(15, ${JSON.stringify(name)}.encode(), 0, 0, 0)\nprint("ok", flush=True)\ntime.sleep(300)`
      const child = startProcess('python3', ['-c', script, marker], {stdio: ['ignore', 'pipe', 'ignore']})
      await new Promise((resolve) => {
        child.stdout!.once('data', resolve)
      })
      assert.equal(readFileSync(`/proc/${child.pid}/comm`, 'utf8'), name.slice(0, 15) + '\n')
      const r = await runCli(['list', '--match', marker, '--format', 'openmetrics'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('proc_process_threads')).length, 1, r.stdout)
      if (promtool()) checkWithPromtool(r.stdout)
      if (python) {
        const samples = parseOpenMetrics(python, r.stdout).filter((s) => s.name === 'proc_process_threads')
        assert.deepEqual(samples.map((s) => [s.labels.pid, s.labels.name]), [[String(child.pid), name.slice(0, 15)]])
      }
    })

    it('refuses what would not be a bounded set of gauges, before reading anything', async () => {
      for (const [args, message] of [
        [['--group-by', 'name'], /--group-by goes with --format openmetrics/],
        [['-f', 'openmetrics', '-c', 'command'], /command is not a number/],
        [['-f', 'openmetrics', '--threads'], /not per thread/],
        [['-f', 'openmetrics', '--watch', '1s'], /does not go with --watch/],
        [['-f', 'openmetrics', '--group-by', 'user', '-c', 'startTime'], /startTime is a time/],
        [['-f', 'openmetrics', '--group-by', 'user', '--limit', '3'], /--limit caps the per-process series/],
        [['-f', 'openmetrics', '--group-by', 'pid'], /Expected --group-by=pid to be one of: name, user, unit/],
      ] as const) {
        const r = await runCli(['list', ...args])
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
        assert.match(r.stderr, message)
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
        assert.equal(r.stdout, '')
      }

      // Metrics are a format of list: the commands that act on processes do not write them.
      const kill = await runCli(['kill', '--format', 'openmetrics', '99999'])
      assert.equal(kill.code, 2)
    })
  })

  describe('proc spawn --report openmetrics', () => {
    let dir: string
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'proc-om-'))
    })
    after(() => rmSync(dir, {force: true, recursive: true}))

    const samples = (text: string) => Object.fromEntries(text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(' ')))

    it('reports how the run ended, to stderr or a file, and keeps the child\'s status', async () => {
      const r = await runCli(['spawn', '--report', 'openmetrics', '--', 'sh', '-c', 'exit 3'])
      assert.equal(r.code, 3)
      assert.equal(r.stdout, '')
      const got = samples(r.stderr)
      assert.equal(got.proc_spawn_exit_status, '3')
      assert.equal(got.proc_spawn_exit_code, '3')
      assert.equal(got.proc_spawn_timed_out, '0')
      assert.equal(got.proc_spawn_leaks, '0')
      assert.ok(Number(got.proc_spawn_duration_seconds) >= 0)
      if (promtool()) checkWithPromtool(r.stderr)

      const file = path.join(dir, 'run.prom')
      const timed = await runCli(['spawn', '--timeout', '100ms', '--report', 'openmetrics', '--report-file', file, '--', 'sleep', '30'])
      assert.equal(timed.code, 124)
      const fromFile = samples(readFileSync(file, 'utf8'))
      assert.equal(fromFile.proc_spawn_exit_status, '124')
      assert.equal(fromFile.proc_spawn_timed_out, '1')
      // TERM ended it: a signal, so no exit code of its own.
      assert.equal(fromFile.proc_spawn_exit_code, undefined)
      if (promtool()) checkWithPromtool(readFileSync(file, 'utf8'))
      const python = pythonWithClient()
      if (python) assert.ok(parseOpenMetrics(python, readFileSync(file, 'utf8')).some((s) => s.name === 'proc_spawn_timed_out' && s.value === 1))
    })

    it('counts the processes the run left behind', async () => {
      const r = await runCli(['spawn', '--report', 'openmetrics', '--leaks', 'kill', '--', 'sh', '-c', 'sleep 300 & exit 0'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(samples(r.stderr).proc_spawn_leaks, '1')
    })
  })
})
