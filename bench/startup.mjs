#!/usr/bin/env node
// Cold start of each command against `node -e 0`, in the same environment, with this machine's
// NODE_EXTRA_CA_CERTS set (as it is here) and unset: Node parses that bundle at every start.
//   node bench/startup.mjs [runs=21]
import {spawn, spawnSync} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {countProcesses} from './crowd.mjs'
import {report, timeCommands} from './harness.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(process.argv[2] ?? 21)
const proc = [process.execPath, path.join(root, 'bin/run.js')]

// A sleeper to show and signal (CONT to a sleeping process changes nothing), and a pid that is gone.
const sleeper = spawn('sleep', ['600'], {stdio: 'ignore'})
const gone = spawnSync('true').pid
try {
  const ca = process.env.NODE_EXTRA_CA_CERTS
  const settings = ca ? [['set', process.env], ['unset', {...process.env, NODE_EXTRA_CA_CERTS: undefined}]] : [['unset', process.env]]
  for (const [label, env] of settings) {
    const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined))
    const results = timeCommands(
      [
        {cmd: [process.execPath, '-e', '0'], name: 'node -e 0'},
        {cmd: [...proc, 'list'], name: 'proc list'},
        {cmd: [...proc, 'tree', String(sleeper.pid)], name: 'proc tree PID'},
        // The whole forest: its branches are box-drawing characters.
        {cmd: [...proc, 'tree'], name: 'proc tree'},
        {cmd: [...proc, 'kill', '-s', 'CONT', String(sleeper.pid)], name: 'proc kill -s CONT PID'},
        {cmd: [...proc, 'wait', String(gone)], name: 'proc wait PID (gone)'},
        {cmd: [...proc, 'spawn', '-q', '--', 'true'], name: 'proc spawn -q -- true'},
        {cmd: [...proc, 'list', '--help'], name: 'proc list --help (oclif)'},
        {cmd: ['kill', '-s', 'CONT', String(sleeper.pid)], name: 'kill -s CONT PID'},
        {cmd: ['timeout', '5', 'true'], name: 'timeout 5 true'},
      ].map((c) => ({...c, env: clean})),
      runs,
    )
    report(`NODE_EXTRA_CA_CERTS ${label}, ${countProcesses()} processes, ${runs} runs each`, results, 'node -e 0')
  }
} finally {
  sleeper.kill('SIGKILL')
}
