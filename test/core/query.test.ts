import {strict as assert} from 'node:assert'

import {parseColumns} from '../../src/columns/index.js'
import {type ProcessInfo} from '../../src/core/process-info.js'
import {eachProcess, type Query, queryProcesses} from '../../src/core/query.js'
import {buildSelection, type Selectors} from '../../src/core/select.js'
import {parseSort} from '../../src/core/sort.js'
import {ProcfsSource} from '../../src/core/sources/linux/index.js'
import {type ProcfsIo, systemIo} from '../../src/core/sources/linux/read.js'
import {FIXTURE_PASSWD, FIXTURE_PROCFS} from '../helpers/cli.js'

const NOW = Date.parse('2026-01-01T00:00:00Z')

/** The fixture tree, counting how it was read: every process at once, or one at a time. */
function source() {
  const procfs = new ProcfsSource({now: () => NOW, passwd: FIXTURE_PASSWD, root: FIXTURE_PROCFS})
  const calls = {each: 0, list: 0}
  const list = procfs.list.bind(procfs)
  const each = procfs.each.bind(procfs)
  procfs.list = (options) => {
    calls.list++
    return list(options)
  }

  procfs.each = (fields, visit) => {
    calls.each++
    each(fields, visit)
  }

  return {calls, procfs}
}

function query(sort: string, selectors: Selectors = {}, extra: Partial<Query> = {}): Query {
  return {columns: parseColumns('pid,name,cpu'), fullRecords: false, selection: buildSelection({includeSelf: true, ...selectors}), sort: parseSort(sort), ...extra}
}

async function both(q: Query) {
  const streamed = source()
  const got: ProcessInfo[] = []
  const n = await eachProcess(streamed.procfs, q, (r) => got.push(r))
  const whole = await queryProcesses(source().procfs, q)
  assert.equal(n, got.length)
  assert.deepEqual(got, whole)
  return {calls: streamed.calls, pids: got.map((r) => r.pid)}
}

describe('eachProcess hands on what queryProcesses gives', () => {
  it('as it reads, in pid order, when the order is by pid and nothing needs every record', async () => {
    for (const [q, pids] of [
      [query('pid'), [1, 2, 10, 100, 101, 102, 104, 105]],
      [query('pid', {name: ['sleep', 'bash']}), (await queryProcesses(source().procfs, query('pid', {name: ['sleep', 'bash']}))).map((r) => r.pid)],
      [query('pid', {}, {limit: 3}), [1, 2, 10]],
      [query('pid', {}, {limit: 0}), []],
      [query('pid', {}, {columns: [], fullRecords: true}), [1, 2, 10, 100, 101, 102, 104, 105]],
    ] as const) {
      const {calls, pids: got} = await both(q)
      assert.deepEqual(got, pids)
      assert.deepEqual(calls, {each: 1, list: 0})
    }
  })

  it('after reading every process, for any other order, --newest or --oldest, threads or a CPU sample', async () => {
    for (const q of [
      query('-pid'),
      query('cpu,pid'),
      query('pid', {pick: 'newest'}),
      query('pid', {pick: 'oldest'}),
      query('pid', {}, {threads: true}),
      query('pid', {}, {sampleMs: 1}),
    ]) {
      const {calls} = await both(q)
      assert.equal(calls.list, q.sampleMs ? 2 : 1)
    }

    assert.deepEqual((await both(query('-pid', {}, {limit: 2}))).pids, [105, 104])
  })

  it('fails on an unreadable /proc whatever the limit, as queryProcesses does', async () => {
    const gone = new ProcfsSource({now: () => NOW, passwd: FIXTURE_PASSWD, root: `${FIXTURE_PROCFS}/no-such-dir`})
    for (const limit of [undefined, 0, 1]) {
      await assert.rejects(eachProcess(gone, query('pid', {}, {limit}), () => {}), /cannot read/)
      await assert.rejects(queryProcesses(gone, query('pid', {}, {limit})), /cannot read/)
    }
  })

  it('stops reading at --limit when it hands on as it reads', async () => {
    const stats: string[] = []
    const io: ProcfsIo = {...systemIo, read: (p) => {
      if (/\/\d+\/stat$/.test(p)) stats.push(p)
      return systemIo.read(p)
    }}
    const procfs = new ProcfsSource({io, now: () => NOW, passwd: FIXTURE_PASSWD, root: FIXTURE_PROCFS})
    assert.equal(await eachProcess(procfs, query('pid', {}, {limit: 3}), () => {}), 3)
    assert.deepEqual(stats.map((p) => p.split('/').at(-2)), ['1', '2', '10'])
  })
})
