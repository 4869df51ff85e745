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
const gone = spawnSync(process.execPath, ['-e', '0']).pid
const sleeper = spawn('sleep', ['60'], {stdio: 'ignore'})
const {exports: fast, script} = loadFast(undefined)
process.stdout.write = () => true
for (const argv of [['list'], ['list', '--json'], ['tree', String(sleeper.pid)], ['kill', '--dry-run', '--signal', 'CONT', String(sleeper.pid)], ['wait', String(gone)]]) {
  await fast.runFast(argv, root)
}

sleeper.kill('SIGKILL')
process.exitCode = 0
writeFileSync(CACHE, script.createCachedData())
