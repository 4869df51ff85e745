// Run many proc command lines in one Node process, each on both paths (fast, then oclif with
// PROC_OCLIF=1), through bin/launch.js exactly as bin/run.js calls it; capture what each writes to
// stdout and stderr and the exit code it sets. Starting two processes per command line would
// take minutes for the differential test's few hundred lines.
// Usage: node batch-driver.mjs LINES.json RESULTS.json
import {readFileSync, writeFileSync} from 'node:fs'
import {Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const {main} = await import(new URL('../../bin/launch.js', import.meta.url).href)
const lines = JSON.parse(readFileSync(process.argv[2], 'utf8'))

// oclif adds a drain listener to stdout on every run.
process.stdout.setMaxListeners(0)
process.stderr.setMaxListeners(0)
const out = {stderr: '', stdout: ''}
const realWrite = {stderr: process.stderr.write.bind(process.stderr), stdout: process.stdout.write.bind(process.stdout)}
for (const name of ['stdout', 'stderr']) {
  process[name].write = (chunk, encoding, callback) => {
    out[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const done = typeof encoding === 'function' ? encoding : callback
    if (typeof done === 'function') process.nextTick(done)
    return true
  }
}

async function runOne(line, oclif) {
  out.stdout = ''
  out.stderr = ''
  process.exitCode = undefined
  process.env.PROC_OCLIF = oclif ? '1' : '0'
  // Every run gets an empty, ended stdin of its own (a command with no targets reads it).
  Object.defineProperty(process, 'stdin', {configurable: true, value: Readable.from([]), writable: true})
  await main(line, root)
  const result = {code: process.exitCode ?? 0, stderr: out.stderr, stdout: out.stdout}
  process.exitCode = undefined
  return result
}

const results = []
for (const line of lines) results.push({fast: await runOne(line, false), line, oclif: await runOne(line, true)})
writeFileSync(process.argv[3], JSON.stringify(results))
realWrite.stderr('')
process.exitCode = 0
