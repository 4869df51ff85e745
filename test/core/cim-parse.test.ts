// The Windows CIM source's parser, on ConvertTo-Json output in each shape PowerShell writes
// (test/fixtures/cim/README.md says where the shapes come from), and the source's fallback.

import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'

import {CimSource} from '../../src/core/sources/cim/index.js'
import {parseCim, parseCimDate} from '../../src/core/sources/cim/parse.js'
import {fastlistPath, parseFastlist} from '../../src/core/sources/ps-list/fastlist.js'
import {PsListSource, withoutHelper} from '../../src/core/sources/ps-list/index.js'
import {FIELDS, type Field} from '../../src/core/process-info.js'

const fixture = (name: string) => readFileSync(`test/fixtures/cim/${name}`, 'utf8')
const NOW = Date.parse('2026-12-07T10:00:00Z')

describe('the CIM source (Windows PowerShell)', () => {
  it('reads 5.1 output: /Date(ms)/, nulls for protected processes, 100 ns CPU times, a trailing blank cut', () => {
    const records = parseCim(fixture('ps51-array.json'), NOW, 'win')
    assert.deepEqual(
      records.map((r) => r.pid),
      [0, 4, 2988, 4024, 16828],
    )
    const [idle, system, , shell, node] = records
    assert.equal(idle.name, 'System Idle Process')
    assert.equal(idle.startTime, null, 'the idle process has no creation date')
    assert.equal(idle.elapsedMs, null)
    assert.equal(idle.command, null)
    assert.equal(system.command, null, 'a protected process: null, never invented')
    assert.equal(system.startTime, new Date(1566855780000).toISOString())
    assert.equal(shell.command, '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"')
    assert.equal(shell.exe, 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe')
    assert.equal(shell.cpuTimeMs, 1094, '(3437500 + 7500000) x 100 ns')
    assert.equal(shell.ppid, 2988)
    assert.equal(node.command, '"C:\\Program Files\\nodejs\\node.exe" server.js --port 5173')
    assert.equal(node.rssBytes, 52428800)
    assert.equal(node.vszBytes, 1288490188800)
    assert.equal(node.threads, 11)
    assert.equal(node.host, 'win')
    assert.equal(node.elapsedMs, NOW - 1790077571033)
    // What Win32_Process has no column for stays null.
    for (const r of records) for (const f of ['state', 'user', 'uid', 'tty', 'pgid', 'argv'] as const) assert.equal(r[f], null, f)
  })

  it('reads one result, which ConvertTo-Json writes as an object, not an array', () => {
    const records = parseCim(fixture('ps51-single.json'), NOW)
    assert.equal(records.length, 1)
    assert.equal(records[0].name, 'Notepad.exe')
    assert.equal(records[0].startTime, '2026-09-22T11:46:11.033Z')
  })

  it('reads pwsh 7 output: compressed, ISO 8601 dates with offsets, UTF-8', () => {
    const [system, pwsh] = parseCim(fixture('pwsh7-compress.json'), NOW)
    assert.equal(system.startTime, '2026-12-07T07:00:00.500Z')
    assert.equal(pwsh.startTime, '2026-12-07T09:15:30.250Z')
    assert.equal(pwsh.command, 'pwsh -NoProfile -Command "Write-Output ü"')
    assert.equal(pwsh.cpuTimeMs, 1500)
  })

  it('reads DMTF dates (local time, offset in minutes), numbers as strings, and empty strings as null', () => {
    const [csrss, shell] = parseCim(fixture('dmtf.json'), NOW)
    assert.equal(shell.startTime, '2019-08-27T00:46:00.142Z', '17:46 at UTC-7')
    assert.equal(shell.pid, 4024)
    assert.equal(shell.rssBytes, 73728000)
    assert.equal(csrss.startTime, '2019-12-31T22:59:59.999Z', '23:59:59 at UTC+1')
    assert.equal(csrss.command, null)
    assert.equal(csrss.exe, null)
    assert.equal(csrss.rssBytes, null)
    assert.equal(csrss.cpuTimeMs, null)
  })

  it('dates: every form, and nothing else', () => {
    assert.equal(parseCimDate('/Date(1566855960142)/'), 1566855960142)
    assert.equal(parseCimDate('20190826174600.142320-420'), Date.parse('2019-08-27T00:46:00.142Z'))
    assert.equal(parseCimDate('2019-08-26T17:46:00.142-07:00'), Date.parse('2019-08-27T00:46:00.142Z'))
    for (const bad of [null, '', 'yesterday', 42, '2019', '/Date(x)/']) assert.equal(parseCimDate(bad), null, String(bad))
  })

  it("leaves out the helper a listing ran (a child of proc's) and what the helper started", () => {
    const r = (pid: number, ppid: number, name: string) => ({name, pid, ppid})
    const listing = [r(1, 0, 'init'), r(50, 7, 'powershell.exe'), r(51, 50, 'conhost.exe'), r(60, 1, 'powershell.exe'), r(70, 7, 'fastlist-0.3.0-x64.exe'), r(71, 70, 'conhost.exe')]
    assert.deepEqual(
      withoutHelper(listing, /^(powershell|pwsh)\.exe$/i, 7).map((x) => x.pid),
      [1, 60, 70, 71],
      "another powershell is no helper of proc's",
    )
    assert.deepEqual(
      withoutHelper(listing, /^fastlist/i, 7).map((x) => x.pid),
      [1, 50, 51, 60],
    )
  })

  it("finds ps-list's fastlist.exe, and parses its lines", () => {
    assert.match(fastlistPath() ?? '', /[\\/]ps-list[\\/]vendor[\\/]fastlist-[\d.]+-x64\.exe$/)
    assert.deepEqual(parseFastlist('32\t0\tnode.exe\r\n48\t40\twith\ttab.exe\r\nnoise\r\n'), [
      {name: 'node.exe', pid: 32, ppid: 0},
      {name: 'with\ttab.exe', pid: 48, ppid: 40},
    ])
  })

  it('refuses output that is not PowerShell JSON (an error page, nothing at all)', () => {
    assert.throws(() => parseCim('', NOW), /printed nothing/)
    assert.throws(() => parseCim('Get-CimInstance : Access denied', NOW))
  })

  it('takes fastlist for pid, ppid and name alone; falls back to it, once and with a note, when PowerShell fails', async () => {
    const calls: string[] = []
    const notes: string[] = []
    const fastlist = new PsListSource(async () => {
      calls.push('fastlist')
      return [{name: 'node.exe', pid: 10, ppid: 1}]
    })
    let powershell = async (): Promise<string> => {
      calls.push('powershell')
      return fixture('ps51-array.json')
    }
    const source = new CimSource((line) => notes.push(line), () => powershell(), fastlist)
    const basic = new Set<Field>(['pid', 'ppid', 'name', 'state', 'startTicks', 'bootId'])
    assert.deepEqual((await source.list({fields: basic})).map((r) => r.pid), [10])
    assert.equal((await source.list({fields: new Set(FIELDS)})).length, 5)
    assert.deepEqual(calls, ['fastlist', 'powershell'])
    assert.equal(notes.length, 0)

    powershell = async (): Promise<string> => {
      calls.push('powershell')
      throw new Error('powershell.exe is blocked by group policy\nat line 1')
    }
    const failing = new CimSource((line) => notes.push(line), () => powershell(), fastlist)
    calls.length = 0
    const records = await failing.list({fields: new Set(FIELDS)})
    assert.deepEqual(records.map((r) => [r.pid, r.name, r.command]), [[10, 'node.exe', null]])
    await failing.list({fields: new Set(FIELDS)})
    assert.deepEqual(calls, ['powershell', 'fastlist', 'fastlist'], 'PowerShell is tried once a run')
    assert.deepEqual(notes, ['PowerShell could not list processes (powershell.exe is blocked by group policy): listed by fastlist instead, which gives pid, ppid and name only'])
  })
})
