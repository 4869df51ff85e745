import {strict as assert} from 'node:assert'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {runCli} from '../helpers/cli.js'
import {isAlive, startSleeper} from '../helpers/processes.js'

/**
 * The bad input sweep: every invalid invocation gets its contracted exit code, one line on
 * stderr, no stack trace, nothing on stdout, and signals nothing (a live sleeper is named in
 * every kill and wait case, and checked afterwards).
 */
interface Case {
  args: (pid: number) => string[]
  input?: (pid: number) => string
  code: number
  stderr?: RegExp
}

const dir = mkdtempSync(path.join(tmpdir(), 'proc-sweep-'))
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name)
  writeFileSync(p, content)
  return p
}

const binary = randomBytes(4096)
const fiftyMegabytes = 'garbage '.repeat((50 * 1024 * 1024) / 8)

const cases: Record<string, Case> = {
  // list
  'list: unknown flag': {args: () => ['list', '--bogus'], code: 2, stderr: /Nonexistent flag/},
  'list: unknown column': {args: () => ['list', '-c', 'pid,nope'], code: 2},
  'list: empty column': {args: () => ['list', '-c', 'pid,,name'], code: 2},
  'list: unknown sort key': {args: () => ['list', '--sort', 'nope'], code: 2},
  'list: empty sort key': {args: () => ['list', '--sort', 'pid,'], code: 2},
  'list: bad --match regex': {args: () => ['list', '--match', '(x'], code: 2},
  'list: bad --name regex': {args: () => ['list', '--name', '/[/'], code: 2},
  'list: bad glob': {args: () => ['list', '--name', 'a[b'], code: 2},
  'list: bad --older-than': {args: () => ['list', '--older-than', '5x'], code: 2},
  'list: empty --younger-than': {args: () => ['list', '--younger-than', ''], code: 2},
  'list: bad --sample': {args: () => ['list', '--sample', 'soon'], code: 2},
  'list: huge duration': {args: () => ['list', '--older-than', '99999999999999999999d'], code: 2},
  'list: --where cut short': {args: () => ['list', '--where', 'rss >'], code: 2, stderr: /at column 6/},
  'list: --where unknown field': {args: () => ['list', '--where', 'foo == 1'], code: 2},
  'list: --where unterminated string': {args: () => ['list', '--where', 'name == "x'], code: 2},
  'list: --where bad regex': {args: () => ['list', '--where', 'command ~ /(/'], code: 2},
  'list: --where number vs text': {args: () => ['list', '--where', 'rss > "big"'], code: 2},
  'list: --where bad unit': {args: () => ['list', '--where', 'rss > 5XB'], code: 2},
  'list: --pid text': {args: () => ['list', '--pid', 'abc'], code: 2},
  'list: --pid zero': {args: () => ['list', '--pid', '0'], code: 2},
  'list: --pid negative': {args: () => ['list', '--pid=-1'], code: 2},
  'list: huge pid': {args: () => ['list', '99999999999'], code: 2},
  'list: pid with a fraction': {args: () => ['list', '1.5'], code: 2},
  'list: negative --limit': {args: () => ['list', '--limit', '-1'], code: 2},
  'list: text --limit': {args: () => ['list', '--limit', 'all'], code: 2},
  'list: unknown format': {args: () => ['list', '--format', 'xml'], code: 2},
  'list: --json with --format': {args: () => ['list', '--json', '--format', 'csv'], code: 2},
  'list: unknown state': {args: () => ['list', '--state', 'sleepy'], code: 2},
  'list: unknown source': {args: () => ['list', '--source', 'magic'], code: 2},
  'list: --ppid text': {args: () => ['list', '--ppid', 'x'], code: 2},
  // tree
  'tree: pid text': {args: () => ['tree', 'abc'], code: 2},
  'tree: pid zero': {args: () => ['tree', '0'], code: 2},
  'tree: two pids': {args: () => ['tree', '1', '2'], code: 2},
  'tree: bad --depth': {args: () => ['tree', '--depth', 'x'], code: 2},
  'tree: negative --depth': {args: () => ['tree', '--depth=-1'], code: 2},
  'tree: bad --where': {args: () => ['tree', '--where', '('], code: 2},
  'tree: pid that does not exist': {args: () => ['tree', '4194300'], code: 1, stderr: /no such process/},
  // kill
  'kill: unknown signal': {args: (p) => ['kill', String(p), '--signal', 'TERMINATE'], code: 2},
  'kill: bare SIG': {args: (p) => ['kill', String(p), '--signal', 'SIG'], code: 2},
  'kill: signal -1': {args: (p) => ['kill', String(p), '--signal', '-1'], code: 2},
  'kill: signal 65': {args: (p) => ['kill', String(p), '--signal', '65'], code: 2},
  'kill: bad --timeout': {args: (p) => ['kill', String(p), '--timeout', 'soon'], code: 2},
  'kill: ladder without waits': {args: (p) => ['kill', String(p), '--then', 'TERM,KILL'], code: 2},
  'kill: ladder starting with a wait': {args: (p) => ['kill', String(p), '--then', '2s,KILL'], code: 2},
  'kill: ladder with an empty step': {args: (p) => ['kill', String(p), '--then', 'TERM,,KILL'], code: 2},
  'kill: --then with --signal': {args: (p) => ['kill', String(p), '--then', 'INT,1s,KILL', '--signal', 'HUP'], code: 2},
  'kill: pid text': {args: (p) => ['kill', String(p), 'abc'], code: 2},
  'kill: pid zero': {args: (p) => ['kill', String(p), '0'], code: 2},
  'kill: pid -1': {args: (p) => ['kill', String(p), '--', '-1'], code: 2},
  'kill: pid over pid_max': {args: (p) => ['kill', String(p), '4194305'], code: 2},
  'kill: bad --where': {args: (p) => ['kill', String(p), '--where', 'pid =='], code: 2},
  'kill: garbage on stdin': {args: () => ['kill'], code: 2, input: () => 'please kill everything'},
  'kill: half-valid JSON': {args: () => ['kill'], code: 2, input: (p) => `[{"pid": ${p}}, {"pid": "x"}]`},
  'kill: half-valid NDJSON': {args: () => ['kill'], code: 2, input: (p) => `{"pid": ${p}}\n{"pid": `},
  'kill: CSV with a short row': {args: () => ['kill'], code: 2, input: (p) => `pid,name\n${p},sleep\n5\n`},
  'kill: CSV with a bad pid': {args: () => ['kill'], code: 2, input: (p) => `pid\n${p}\nfive\n`},
  'kill: table without pids': {args: () => ['kill'], code: 2, input: (p) => `  PID COMMAND\n  ${p} sleep\n  abc x\n`},
  'kill: pids then garbage': {args: () => ['kill'], code: 2, input: (p) => `${p} ${p} oops`},
  'kill: binary garbage': {args: () => ['kill'], code: 2, input: () => binary.toString('latin1')},
  'kill: 50 MB of garbage': {args: () => ['kill'], code: 2, input: () => fiftyMegabytes},
  'kill: empty stdin': {args: () => ['kill'], code: 1, input: () => '', stderr: /no process matched/},
  // wait
  'wait: bad --timeout': {args: (p) => ['wait', String(p), '--timeout', 'forever'], code: 2},
  'wait: negative --timeout': {args: (p) => ['wait', String(p), '--timeout=-1s'], code: 2},
  'wait: pid text': {args: (p) => ['wait', String(p), 'x1'], code: 2},
  'wait: unknown --for': {args: (p) => ['wait', String(p), '--for', 'lunch'], code: 2},
  'wait: --for start without selectors': {args: () => ['wait', '--for', 'start'], code: 2},
  'wait: --all with --any': {args: (p) => ['wait', String(p), '--all', '--any'], code: 2},
  'wait: garbage on stdin': {args: () => ['wait'], code: 2, input: () => '{"pid": nope}'},
  // spawn: proc's own errors are 125
  'spawn: unknown flag': {args: () => ['spawn', '--bogus', '--', 'true'], code: 125},
  'spawn: bad --timeout': {args: () => ['spawn', '--timeout', 'soon', '--', 'true'], code: 125},
  'spawn: bad --kill-after': {args: () => ['spawn', '--timeout', '1s', '--kill-after', 'x', '--', 'true'], code: 125},
  'spawn: bad --signal': {args: () => ['spawn', '--signal', 'NOPE', '--', 'true'], code: 125},
  'spawn: no command': {args: () => ['spawn'], code: 125},
  'spawn: --env without =': {args: () => ['spawn', '--env', 'NOEQUALS', '--', 'true'], code: 125},
  'spawn: bad --leaks': {args: () => ['spawn', '--leaks', 'maybe', '--', 'true'], code: 125},
  'spawn: bad --leak-grace': {args: () => ['spawn', '--leak-grace', 'x', '--', 'true'], code: 125},
  'spawn: bad --report': {args: () => ['spawn', '--report', 'xml', '--', 'true'], code: 125},
  'spawn: missing --cwd': {args: () => ['spawn', '--cwd', '/no/such/dir', '--', 'true'], code: 125},
  // diff
  'diff: no snapshot': {args: () => ['diff'], code: 2},
  'diff: missing file': {args: () => ['diff', path.join(dir, 'missing.json')], code: 2},
  'diff: truncated JSON': {args: () => ['diff', file('cut.json', '[{"pid": 1}, {"pid": ')], code: 2},
  'diff: CSV with a bad number': {args: () => ['diff', file('bad.csv', 'pid,rssBytes\n1,lots\n')], code: 2},
  'diff: binary file': {args: () => ['diff', file('bin.json', binary)], code: 2},
  'diff: bad --where': {args: () => ['diff', file('ok.json', '[]'), '--where', 'pid >> 1'], code: 2},
  'unknown command': {args: () => ['frobnicate'], code: 2},
}

describe('bad input sweep', function () {
  this.timeout(30_000)
  let pid: number
  // The root hooks kill what a test started after each test: a fresh sleeper for each case.
  beforeEach(() => {
    pid = startSleeper().pid!
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  it(`covers at least 60 invalid invocations (${Object.keys(cases).length})`, () => {
    assert.ok(Object.keys(cases).length >= 60)
  })

  for (const [title, c] of Object.entries(cases)) {
    it(title, async () => {
      const r = await runCli(c.args(pid), {input: c.input?.(pid)})
      assert.equal(r.code, c.code, `exit ${r.code}: ${r.stderr}`)
      assert.equal(r.stdout, '')
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr)
      assert.doesNotMatch(r.stderr, /\n\s+at |Error: .*\n/)
      if (c.stderr) assert.match(r.stderr, c.stderr)
      assert.ok(isAlive(pid), 'nothing was signalled')
    })
  }
})
