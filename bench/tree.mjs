#!/usr/bin/env node
// proc tree against pstree -p on a crowd of processes.
//   node bench/tree.mjs [processes=5000] [runs=15]
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {countProcesses, startCrowd} from './crowd.mjs'
import {report, timeCommands} from './harness.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const n = Number(process.argv[2] ?? 5000)
const runs = Number(process.argv[3] ?? 15)
const proc = [process.execPath, path.join(root, 'bin/run.js')]

const noCa = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'))
const crowd = await startCrowd(n)
process.on('SIGINT', () => {
  crowd.stop()
  process.exit(130)
})
try {
  const results = timeCommands(
    [
      {cmd: ['pstree', '-p'], name: 'pstree -p'},
      {cmd: [...proc, 'tree'], name: 'proc tree (pid, command)'},
      // This machine's NODE_EXTRA_CA_CERTS costs every Node start ~35 ms: the same, without it.
      {cmd: [...proc, 'tree'], env: noCa, name: 'proc tree (NODE_EXTRA_CA_CERTS unset)'},
      {cmd: [...proc, 'tree', '-c', 'pid,name'], name: 'proc tree -c pid,name'},
      {cmd: [...proc, 'tree', '--json'], name: 'proc tree --json'},
    ],
    runs,
  )
  report(`${countProcesses()} processes`, results, 'pstree -p')
} finally {
  crowd.stop()
}
