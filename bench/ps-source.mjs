#!/usr/bin/env node
// The ps source (macOS and the BSDs; --source ps here) against ps itself with the same keywords,
// on a crowd of processes: what proc adds to ps's own time is its start and its parsing.
//   node bench/ps-source.mjs [processes=5000] [runs=15]
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {countProcesses, startCrowd} from './crowd.mjs'
import {report, timeCommands} from './harness.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const n = Number(process.argv[2] ?? 5000)
const runs = Number(process.argv[3] ?? 15)
const proc = [process.execPath, path.join(root, 'bin/run.js')]
// The keywords src/core/sources/ps/parse.ts asks for on Linux, and the second call for names.
const keywords = 'pid=,ppid=,pgid=,sess=,uid=,ruid=,gid=,rgid=,stat=,nice=,pri=,tty=,rss=,vsz=,%cpu=,%mem=,time=,etime=,lstart=,wchan=,args='
const both = `ps -axww -o ${keywords} >/dev/null; ps -ax -o pid=,comm=`
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'))
env.LC_ALL = 'C'

const crowd = await startCrowd(n)
try {
  const results = timeCommands(
    [
      {cmd: ['sh', '-c', both], env, name: 'ps -axww -o (21 keywords); ps -ax -o pid=,comm='},
      {cmd: ['ps', '-axww', '-o', keywords], env, name: 'ps -axww -o (21 keywords)'},
      {cmd: [...proc, 'list', '--source', 'ps', '--json'], env, name: 'proc list --source ps --json'},
      {cmd: [...proc, 'list', '--source', 'ps'], env, name: 'proc list --source ps'},
      {cmd: [...proc, 'list', '--json'], env, name: 'proc list --json (procfs)'},
      {cmd: [process.execPath, '-e', '0'], env, name: 'node -e 0'},
    ],
    runs,
  )
  report(`${countProcesses()} processes, NODE_EXTRA_CA_CERTS unset`, results, 'ps -axww -o (21 keywords); ps -ax -o pid=,comm=')
} finally {
  crowd.stop()
}
