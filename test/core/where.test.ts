import {strict as assert} from 'node:assert'

import {emptyRecord, type ProcessInfo} from '../../src/core/process-info.js'
import {UsageError} from '../../src/core/errors.js'
import {compileWhere} from '../../src/core/where.js'

function rec(fields: Partial<ProcessInfo>): ProcessInfo {
  return {...emptyRecord(fields.pid ?? 1), ...fields}
}

const node = rec({argv: ['node', 'server.js'], command: 'node server.js', elapsedMs: 600_000, name: 'node', pid: 10, rssBytes: 150e6, state: 'S', user: 'alice'})
const bash = rec({command: 'bash', elapsedMs: 1000, name: 'bash', pid: 20, rssBytes: 4e6, state: 'R', user: 'root'})
const ghost = rec({name: 'ghost', pid: 30})

function matches(expr: string): number[] {
  const {test} = compileWhere(expr)
  return [node, bash, ghost].filter((r) => test(r as unknown as Record<string, unknown>)).map((r) => r.pid)
}

function syntaxError(expr: string): string {
  try {
    compileWhere(expr)
  } catch (error) {
    assert.ok(error instanceof UsageError, `not a usage error: ${error}`)
    assert.ok(!error.message.includes('\n'))
    return error.message
  }

  assert.fail(`no error for ${expr}`)
}

describe('--where', () => {
  it('compares strings and numbers', () => {
    assert.deepEqual(matches('name == "node"'), [10])
    assert.deepEqual(matches("name != 'node'"), [20, 30])
    assert.deepEqual(matches('pid >= 20'), [20, 30])
    assert.deepEqual(matches('pid < 20'), [10])
    assert.deepEqual(matches('pid <= 20 and pid > 10'), [20])
  })

  it('takes size and duration units', () => {
    assert.deepEqual(matches('rssBytes > 100MB'), [10])
    assert.deepEqual(matches('rss > 3.9MB and rss < 5MiB'), [20])
    assert.deepEqual(matches('elapsedMs > 5m'), [10])
    assert.deepEqual(matches('elapsed <= 1s'), [20])
    assert.deepEqual(matches('rssBytes > 1GB'), [])
  })

  it('matches regexes and substrings with ~ and !~', () => {
    assert.deepEqual(matches('command ~ /server\\.js$/'), [10])
    assert.deepEqual(matches('command ~ /SERVER/i'), [10])
    assert.deepEqual(matches('command ~ "bas"'), [20])
    assert.deepEqual(matches('command !~ /node/'), [20, 30])
    assert.deepEqual(matches('argv ~ /node server/'), [10])
  })

  it('combines with and, or, not, && || ! and parentheses, with and binding tighter', () => {
    assert.deepEqual(matches('name == "bash" or name == "node" and user == "root"'), [20])
    assert.deepEqual(matches('(name == "bash" or name == "node") and user == "root"'), [20])
    assert.deepEqual(matches('not name == "node"'), [20, 30])
    assert.deepEqual(matches('!(pid == 10) && (pid == 20 || pid == 30)'), [20, 30])
    assert.deepEqual(matches('NOT state == "R" AND pid < 30'), [10])
  })

  it('treats null as unknown: only == null, != null and !~ are true', () => {
    assert.deepEqual(matches('rssBytes == null'), [30])
    assert.deepEqual(matches('rssBytes != null'), [10, 20])
    assert.deepEqual(matches('rssBytes < 1GB'), [10, 20])
    assert.deepEqual(matches('user ~ /./'), [10, 20])
    assert.deepEqual(matches('user !~ /root/'), [10, 30])
  })

  it('accepts column aliases and reports the fields it needs', () => {
    assert.deepEqual([...compileWhere('cpu > 1 and cmd ~ /x/').needs].sort(), ['command', 'cpuPercent'])
  })

  it('points at the column of a syntax error', () => {
    assert.match(syntaxError('name == '), /at column 9/)
    assert.match(syntaxError('rss > 5MB and ('), /at column 16/)
    assert.match(syntaxError('nosuch == 1'), /unknown field 'nosuch'.* at column 1/)
    assert.match(syntaxError('pid == 1 pid'), /unexpected 'pid' at column 10/)
    assert.match(syntaxError('name = = "x"'), /at column 8/)
    assert.match(syntaxError('(pid == 1'), /expected '\)'.* at column 10/)
    assert.match(syntaxError('name == "abc'), /unterminated string at column 9/)
    assert.match(syntaxError('command ~ /(/'), /invalid regex.* at column 11/)
    assert.match(syntaxError('rss > 5XB'), /'5XB' is not a size.* at column 7/)
    assert.match(syntaxError('pid # 1'), /unexpected character '#' at column 5/)
    assert.match(syntaxError(''), /empty expression/)
    assert.match(syntaxError('pid'), /expected an operator/)
    assert.match(syntaxError('1 == 2'), /needs a field/)
    assert.match(syntaxError('rssBytes > "big"'), /is a number/)
    assert.match(syntaxError('name ~ pid'), /needs a regular expression on its right/)
    assert.match(syntaxError('name == /x/'), /needs '~'/)
  })
})

describe('--where without traps', () => {
  const at = (iso: string) => rec({pid: 40, startTime: iso})
  const one = (expr: string, r: ProcessInfo) => compileWhere(expr).test(r as unknown as Record<string, unknown>)

  it('types units by the field: sizes as the table prints them, durations only on time spans', () => {
    assert.deepEqual(matches('rss > 100M'), [10], '100M is 100 MiB, not 100 minutes')
    assert.deepEqual(matches('rss > 1m'), [10, 20], 'a size unit in any case')
    assert.deepEqual(matches('rss < 4K'), [])
    assert.deepEqual(matches('rss > 0.1G'), [10])
    assert.deepEqual(matches('rss > 150000000'), [], 'a bare number is bytes')
    assert.deepEqual(matches('elapsed > 1h30m or elapsed == 10m'), [10])
    assert.deepEqual(matches('elapsed > 999'), [10, 20], 'a bare number is milliseconds')
    assert.match(syntaxError('rss > 5m30s'), /'5m30s' is not a size/)
    assert.match(syntaxError('elapsed > 5MB'), /'5MB' is not a duration/)
    assert.match(syntaxError('elapsed > 5M'), /'5M' is not a duration/)
    assert.match(syntaxError('pid > 5k'), /'pid' is a number \(an id\): units apply to durations and sizes only/)
  })

  it('takes only field ids and lowercase aliases: headers are not fields, bare words are errors', () => {
    assert.deepEqual(matches('state == S'), [10], 'S is a state here, not the STATE header')
    assert.deepEqual(matches('state == R'), [20])
    assert.deepEqual(matches('state == sleeping'), [10])
    assert.deepEqual(matches('state != "R"'), [10])
    assert.match(syntaxError('pid == PID'), /unknown field 'PID' \(text needs quotes: "PID"/)
    assert.match(syntaxError('name == node'), /unknown field 'node' \(text needs quotes/)
    assert.match(syntaxError('RSS > 1'), /unknown field 'RSS'/)
    assert.match(syntaxError('state == s'), /compared with itself/)
  })

  it('reads ~ "..." as a regular expression, as awk does', () => {
    assert.deepEqual(matches('command ~ "no.*js"'), [10])
    assert.deepEqual(matches('command ~ "^bash$"'), [20])
    assert.match(syntaxError('command ~ "("'), /invalid regex/)
  })

  it('compares time fields as instants, never as strings or numbers', () => {
    const r = at('2026-11-25T03:30:00.000Z')
    assert.equal(one('startTime > "2026-11-25T03:27:00Z"', r), true)
    assert.equal(one('startTime > "2026-11-25T03:31:00Z"', r), false)
    assert.equal(one('startTime < "2100-01-01"', r), true)
    const local = new Date(2026, 10, 25, 3, 27).getTime()
    assert.equal(one('startTime > "2026-11-25 03:27"', at(new Date(local + 60_000).toISOString())), true)
    assert.equal(one('startTime > "2026-11-25 03:27"', at(new Date(local - 60_000).toISOString())), false)
    assert.match(syntaxError('startTime > 10m'), /is a time: compare it with a date in quotes/)
    assert.match(syntaxError('startTime > "tomorrow"'), /"tomorrow" is not a time/)
    assert.match(syntaxError('startTime > "2026-02-30"'), /is not a time/)
  })
})
