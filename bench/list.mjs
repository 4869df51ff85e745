#!/usr/bin/env node
// proc list against ps and ps-list on a crowd of processes.
//   node bench/list.mjs [processes=5000] [runs=15]
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {countProcesses, startCrowd} from './crowd.mjs'
import {report, timeCommands} from './harness.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const n = Number(process.argv[2] ?? 5000)
const runs = Number(process.argv[3] ?? 15)
const proc = [process.execPath, path.join(root, 'bin/run.js')]
const psList = [process.execPath, '--input-type=module', '-e', `import psList from 'ps-list'; process.stdout.write(JSON.stringify(await psList()))`]

const noCa = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'))
const crowd = await startCrowd(n)
const stop = () => crowd.stop()
process.on('SIGINT', () => {
  stop()
  process.exit(130)
})
try {
  const results = timeCommands(
    [
      {cmd: ['ps', '-eo', 'pid,ppid,uid,pcpu,pmem,stat,lstart,comm,args'], name: 'ps -eo pid,ppid,uid,pcpu,pmem,stat,lstart,comm,args'},
      {cmd: [...proc, 'list', '--json'], name: 'proc list --json'},
      // This machine's NODE_EXTRA_CA_CERTS costs every Node start ~35 ms: the same, without it.
      {cmd: [...proc, 'list', '--json'], env: noCa, name: 'proc list --json (NODE_EXTRA_CA_CERTS unset)'},
      {cmd: [...proc, 'list'], env: noCa, name: 'proc list (NODE_EXTRA_CA_CERTS unset)'},
      {cmd: [...proc, 'list'], name: 'proc list'},
      {cmd: [...proc, 'list', '--format', 'csv'], name: 'proc list --format csv'},
      {cmd: [...proc, 'list', '--format', 'openmetrics'], name: 'proc list --format openmetrics'},
      {cmd: [...proc, 'list', '--format', 'openmetrics', '--group-by', 'user'], name: 'proc list --format openmetrics --group-by user'},
      {cmd: psList, name: 'node + ps-list'},
      // pgrep's use: pids of a name.
      {cmd: ['pgrep', 'sleep'], name: 'pgrep sleep'},
      {cmd: [...proc, 'list', '--name', 'sleep', '--format', 'pids'], name: 'proc list --name sleep --format pids'},
    ],
    runs,
  )
  report(`${countProcesses()} processes`, results, 'ps -eo pid,ppid,uid,pcpu,pmem,stat,lstart,comm,args')
  const procJson = results.find((r) => r.name === 'proc list --json').median
  const psl = results.find((r) => r.name === 'node + ps-list').median
  console.log(`\nps-list / proc list --json: ${(psl / procJson).toFixed(2)}x`)
} finally {
  stop()
}
