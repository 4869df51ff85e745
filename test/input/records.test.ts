import {strict as assert} from 'node:assert'

import {UsageError} from '../../src/core/errors.js'
import {parseRecords} from '../../src/input/records.js'

function fails(input: string, message: RegExp) {
  assert.throws(
    () => parseRecords(input),
    (error: Error) => error instanceof UsageError && message.test(error.message) && !error.message.includes('\n'),
    `${JSON.stringify(input.slice(0, 60))} should fail with ${message}`,
  )
}

describe('stdin records', () => {
  it('reads a JSON array of records, nested children included', () => {
    const parsed = parseRecords('[{"pid": 10, "startTicks": 5, "bootId": "b", "name": "x", "command": "x -y"},\n {"pid": 11, "children": [{"pid": 12, "children": []}]}]')
    assert.equal(parsed.format, 'json')
    assert.deepEqual(parsed.records, [
      {bootId: 'b', command: 'x -y', host: null, name: 'x', pid: 10, startTicks: 5, startTime: null},
      {bootId: null, command: null, host: null, name: null, pid: 11, startTicks: null, startTime: null},
      {bootId: null, command: null, host: null, name: null, pid: 12, startTicks: null, startTime: null},
    ])
  })

  it('reads NDJSON', () => {
    const parsed = parseRecords('{"pid":1,"startTicks":null}\n\n{"pid":"2","startTicks":"7"}\n')
    assert.equal(parsed.format, 'ndjson')
    assert.deepEqual(parsed.records.map((r) => [r.pid, r.startTicks]), [
      [1, null],
      [2, 7],
    ])
  })

  it('reads CSV with a pid header, quoted fields and all', () => {
    const parsed = parseRecords('pid,name,command,startTicks\n10,a,"sh -c ""x, y""",99\r\n11,b,,\n')
    assert.equal(parsed.format, 'csv')
    assert.deepEqual(parsed.records, [
      {bootId: null, command: 'sh -c "x, y"', host: null, name: 'a', pid: 10, startTicks: 99, startTime: null},
      {bootId: null, command: null, host: null, name: 'b', pid: 11, startTicks: null, startTime: null},
    ])
    assert.deepEqual(parseRecords('pid\n5\n6\n').records.map((r) => r.pid), [5, 6])
  })

  it("reads proc's own table with its COMMAND (or last NAME) as evidence, and TICKS when shown", () => {
    const table = parseRecords('  PID  PPID USER %CPU COMMAND\n    1     0 root  0.1 /sbin/init splash\n12345     1 bob   0.0 sleep 60\n    7     1 bob   0.0 -\n')
    assert.equal(table.format, 'table')
    assert.deepEqual(table.records.map((r) => [r.pid, r.command]), [
      [1, '/sbin/init splash'],
      [12_345, 'sleep 60'],
      [7, null],
    ])
    const ticks = parseRecords('USER    PID  TICKS NAME\nroot      7 123456 x\n')
    assert.deepEqual(ticks.records, [{bootId: null, command: null, host: null, name: 'x', pid: 7, startTicks: 123_456, startTime: null}])
    // Escaped control characters cannot be compared with the live command: no evidence then.
    assert.equal(parseRecords('  PID COMMAND\n    9 a\\x1bb\n').records[0].command, null)
    // A HOST column (tables merged from several hosts) says where each row was read.
    const hosts = parseRecords('  PID HOST       COMMAND\n    1 web1       init\n   22 db.example sleep 60\n   23 -          x\n')
    assert.deepEqual(hosts.records.map((r) => [r.pid, r.host, r.command]), [
      [1, 'web1', 'init'],
      [22, 'db.example', 'sleep 60'],
      [23, null, 'x'],
    ])
  })

  it("refuses proc tree's table: it cannot say which rows matched, and a folded row is several processes", () => {
    assert.throws(() => parseRecords('  PID COMMAND\n    1 init\n  100 ├─ sshd\n  101 │  └─ sleep 60\n'), /does not say which rows matched.*proc tree --json/)
    assert.throws(() => parseRecords('  PID COMMAND\n    1 init\n  100 |- sshd\n'), /proc tree --json/)
    assert.throws(() => parseRecords('  PID COMMAND\n  101 3*[sleep 60]\n'), /line 2: '3\*\[sleep 60\]' is a folded row/)
  })

  it('drops the ancestors proc tree printed for context (matched: false)', () => {
    const json = JSON.stringify([{children: [{matched: true, pid: 50}], matched: false, pid: 1}])
    assert.deepEqual(parseRecords(json).records.map((r) => r.pid), [50])
    assert.deepEqual(parseRecords('pid,matched\n1,false\n50,true\n').records.map((r) => r.pid), [50])
    assert.deepEqual(parseRecords('{"pid":1,"matched":false}\n{"pid":50,"matched":true}\n').records.map((r) => r.pid), [50])
  })

  it('reads bare pids separated by any whitespace', () => {
    const parsed = parseRecords(' 10 11\n12\t13\n')
    assert.equal(parsed.format, 'pids')
    assert.deepEqual(parsed.records.map((r) => r.pid), [10, 11, 12, 13])
  })

  it('treats empty input as no records', () => {
    assert.deepEqual(parseRecords(''), {format: 'empty', records: []})
    assert.deepEqual(parseRecords(' \n\n'), {format: 'empty', records: []})
    assert.deepEqual(parseRecords('[]').records, [])
  })

  it('rejects anything it cannot read whole, with one line', () => {
    fails('garbage here', /not JSON, NDJSON, CSV/)
    fails('10 11 x', /word 3: 'x' is not a process id/)
    fails('10 0 11', /pid "0" is not a process id/)
    fails('-5', /not JSON/)
    fails('99999999', /is not a process id/)
    fails('[{"pid": 1}, {"pid": "x"}]', /JSON\[1\]: pid "x"/)
    fails('[{"pid": 1}, {"name": "x"}]', /JSON\[1\]: no pid/)
    fails('[1, 2]', /JSON\[0\]: expected an object/)
    fails('[{"pid": 1}', /invalid JSON/)
    fails('{"pid": 1}\n{"pid": 2', /NDJSON line 2: invalid JSON/)
    fails('{"pid": 1, "startTicks": "soon"}', /startTicks "soon"/)
    fails('[{"pid": 1, "children": 5}]', /children must be an array/)
    fails('pid,name\n1,a\n2\n', /CSV row 3: 1 fields/)
    fails('pid,name\n1,"a\n', /unterminated/)
    fails('pid,name\nx,a\n', /pid "x"/)
    fails('  PID COMMAND\n  abc x\n', /line 2: no pid under the PID header/)
    fails('\u0000\u0001\u0002binary', /binary data/)
  })
})
