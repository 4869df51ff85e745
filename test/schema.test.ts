import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {allColumns} from '../src/columns/index.js'
import '../src/columns/diff.js'
import '../src/columns/spawn.js'
import '../src/columns/status.js'
import '../src/columns/tree.js'
import {FIXTURE_PASSWD, FIXTURE_PROCFS, ROOT, runCli} from './helpers/cli.js'
import {startSleeper} from './helpers/processes.js'

const require = createRequire(import.meta.url)
const Ajv = require('ajv') as typeof import('ajv').default
const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/record.schema.json'), 'utf8'))
const ajv = new Ajv({allErrors: true})
const validateRecord = ajv.compile(schema)
const validateReport = ajv.compile({...schema.definitions.spawnReport, definitions: schema.definitions, properties: {...schema.definitions.spawnReport.properties, leaks: {items: schema, type: 'array'}}})

function valid(records: unknown[], validate = validateRecord): void {
  assert.ok(records.length > 0, 'something to check')
  for (const r of records) assert.ok(validate(r), `${JSON.stringify(validate.errors)}\n${JSON.stringify(r).slice(0, 500)}`)
}

const json = async (args: string[], env?: NodeJS.ProcessEnv) => JSON.parse((await runCli(args, {env})).stdout)
const ndjson = async (args: string[]) =>
  (await runCli(args)).stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l))

describe('the record schema', () => {
  it('is what proc list --schema prints', async () => {
    assert.deepEqual(await json(['list', '--schema']), schema)
  })

  it('changes only on purpose: its fields are pinned here', () => {
    assert.deepEqual(Object.keys(schema.properties), [
      'pid', 'tid', 'ppid', 'pgid', 'sid', 'tty', 'state', 'name', 'exe', 'command', 'argv', 'user', 'uid', 'gid', 'startTime', 'startTicks',
      'bootId', 'host', 'elapsedMs', 'cpuTimeMs', 'cpuPercent', 'rssBytes', 'vszBytes', 'threads', 'nice', 'ports', 'memPercent', 'stat',
      'priority', 'processor', 'ruid', 'suid', 'rgid', 'sgid', 'groups', 'ruser', 'voluntaryCtxSwitches', 'involuntaryCtxSwitches',
      'minorFaults', 'majorFaults', 'wchan', 'cwd', 'env', 'cgroup', 'unit', 'container', 'readBytes', 'writeBytes', 'fds', 'pssBytes',
      'ussBytes', 'swapBytes', 'pidNs', 'netNs', 'mntNs', 'utsNs', 'ipcNs', 'userNs', 'cgroupNs', 'kernelThread', 'depth', 'matched', 'threadList', 'children', 'status', 'signal', 'step', 'found', 'checkedBy', 'exitedAfterMs', 'exitCode', 'exitSignal', 'exitCodeKnown', 'change', 'foundBy',
    ])
    assert.deepEqual(Object.keys(schema.definitions.spawnReport.properties), [
      'command', 'argv', 'pid', 'host', 'startTime', 'endTime', 'durationMs', 'exitCode', 'signal', 'timedOut', 'killedAfterTimeout',
      'cpuUserMs', 'cpuSystemMs', 'maxRssBytes', 'runPeakRssBytes', 'runPeakRssSource', 'leaks', 'leakMethods', 'bornDuringKill', 'leaksCutShort', 'error', 'exitStatus',
    ])
  })

  it('describes every column proc can print', () => {
    const known = new Set([...Object.keys(schema.properties), ...Object.keys(schema.definitions.spawnReport.properties)])
    for (const c of allColumns()) assert.ok(known.has(c.id), `column ${c.id} is not in the schema`)
  })

  it('holds for list, tree, kill, wait, diff and spawn output, JSON and NDJSON', async function () {
    this.timeout(30_000)
    const fixture = {PROC_PASSWD: FIXTURE_PASSWD, PROC_PROCFS: FIXTURE_PROCFS}
    valid(await json(['list', '--json'], fixture))
    valid(await json(['list', '--json']))
    valid(await ndjson(['list', '--format', 'ndjson', '-c', 'pid,ports,command']))
    valid(await json(['list', '--json', '--threads', '--pid', String(process.pid)]))
    valid(await json(['list', '--json', '-c', 'pid,stat,mem,priority,psr,ruid,suid,rgid,sgid,groups,ruser,vcsw,ivcsw,minflt,majflt']))
    valid(await json(['list', '--json', '-c', 'pid,wchan,cwd,env,cgroup,unit,container,readBytes,writeBytes,fds,pss,uss,swap,pidNs,netNs,mntNs,utsNs,ipcNs,userNs,cgroupNs,kthread']))
    valid(await json(['tree', '--json'], fixture))
    valid(await ndjson(['tree', '--format', 'ndjson']))
    valid(await json(['tree', String(process.pid), '--json']))
    const a = startSleeper()
    const b = startSleeper(0.2)
    await new Promise((r) => setTimeout(r, 50))
    valid(await json(['kill', String(a.pid), '--dry-run', '--tree', '--json']))
    valid(await json(['kill', String(a.pid), '--json']))
    valid(await json(['wait', String(b.pid), '--json']))
    valid(await ndjson(['wait', String(a.pid), '--format', 'ndjson']))
    const snapshot = (await runCli(['list', '--json'], {env: fixture})).stdout
    valid(JSON.parse((await runCli(['diff', '-', '--exited', '--json'], {input: snapshot})).stdout))
    const report = await runCli(['spawn', '--report', 'json', '--', 'sh', '-c', 'sleep 30 >/dev/null 2>&1 & exit 3'])
    const record = JSON.parse(report.stderr)
    valid([record], validateReport)
    assert.equal(record.leaks.length, 1)
    process.kill(record.leaks[0].pid, 'SIGKILL')
  })
})
