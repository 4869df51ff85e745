// Build dist/fast.cjs.cache, the V8 code cache bin/launch.js compiles the fast path with. The
// cache is taken after running the commands people run most, so the functions they need are in
// it, not only the top level; their output is thrown away. A cache V8 rejects later (another
// Node) is ignored at start-up.
import {spawn, spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import launch from '../bin/launch.js'

const {CACHE, loadFast} = launch

const root = fileURLToPath(new URL('..', import.meta.url))
// The commands write straight to fds 1 and 2: run the warm-up in a child whose output is thrown away.
if (process.argv[2] !== '--warm') {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--warm'], {stdio: ['ignore', 'ignore', 'ignore']})
  if (child.status !== 0) throw new Error(`building the code cache failed: ${child.status ?? child.signal}`)
  process.exit(0)
}

const gone = spawnSync(process.execPath, ['-e', '0']).pid
const sleeper = spawn('sleep', ['60'], {stdio: 'ignore'})
const {exports: fast, script} = loadFast(undefined)
for (const argv of [['list'], ['list', '--json'], ['tree', String(sleeper.pid)], ['kill', '--dry-run', '--signal', 'CONT', String(sleeper.pid)], ['wait', String(gone)]]) {
  await fast.runFast(argv, root)
}

sleeper.kill('SIGKILL')
process.exitCode = 0
writeFileSync(CACHE, script.createCachedData())
