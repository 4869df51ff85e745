#!/usr/bin/env node
// The cost of wrapping a command: proc spawn -- true against timeout 10 true and node -e 0.
//   node bench/spawn.mjs [runs=21]
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {report, timeCommands} from './harness.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(process.argv[2] ?? 21)
const proc = [process.execPath, path.join(root, 'bin/run.js')]
const results = timeCommands(
  [
    {cmd: ['true'], name: 'true'},
    {cmd: ['timeout', '10', 'true'], name: 'timeout 10 true'},
    {cmd: [process.execPath, '-e', '0'], name: 'node -e 0'},
    {cmd: [...proc, 'spawn', '-q', '--', 'true'], name: 'proc spawn -q -- true'},
    {cmd: [...proc, 'spawn', '-q', '--timeout', '10s', '--', 'true'], name: 'proc spawn -q --timeout 10s -- true'},
  ],
  runs,
)
report('wrapper overhead', results, 'node -e 0')
