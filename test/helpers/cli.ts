import {execFileSync, spawn} from 'node:child_process'
import {cpSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = path.join(ROOT, 'bin/run.js')
export const FIXTURE_PROCFS = path.join(ROOT, 'test/fixtures/procfs')
export const FIXTURE_PASSWD = path.join(ROOT, 'test/fixtures/passwd')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Run the built CLI as a user would, with optional stdin. */
export function runCli(args: string[], options: {env?: NodeJS.ProcessEnv; input?: string} = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {...process.env, NO_COLOR: '1', ...options.env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code, signal, stderr, stdout}))
    child.stdin.on('error', () => {})
    child.stdin.end(options.input ?? '')
  })
}

/** A CLI run still going: its stdout lines as they come, and its result at the end. */
export interface RunningCli {
  pid: number
  /** Resolves with the first stdout line that matches. */
  line(match: RegExp): Promise<string>
  done: Promise<CliResult>
}

/** Start the CLI and follow its output line by line (for streaming formats and for handshakes). */
export function startCli(args: string[], options: {env?: NodeJS.ProcessEnv; input?: string} = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {env: {...process.env, NO_COLOR: '1', ...options.env}, stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  const waiters: Array<{match: RegExp; resolve: (line: string) => void}> = []
  const check = () => {
    for (const w of [...waiters]) {
      const found = stdout.split('\n').find((l) => w.match.test(l))
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(found)
      }
    }
  }

  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d
    check()
  })
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  child.stdin.on('error', () => {})
  child.stdin.end(options.input ?? '')
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code, signal, stderr, stdout}))
  })
  return {
    done,
    line(match) {
      return new Promise((resolve, reject) => {
        waiters.push({match, resolve})
        check()
        void done.then((r) => reject(new Error(`exited (${r.code}) before printing ${match}: ${r.stdout}${r.stderr}`)))
      })
    },
    pid: child.pid!,
  }
}

/** Whether user nobody (other users) can reach and read `file`: every directory above it o+x, it o+r. */
function othersCanRead(file: string): boolean {
  try {
    if ((statSync(file).mode & 0o004) === 0) return false
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return false
      if (dir === path.dirname(dir)) return true
    }
  } catch {
    return false
  }
}

let publicRoot: string | undefined

/**
 * bin/run.js as another user (nobody) can run it. A checkout in a private folder (mktemp -d is
 * mode 700) is unreadable to nobody: then a copy of what proc needs to run (bin, dist, the
 * manifest, node_modules) goes to a world-readable folder, once a run, removed at exit.
 */
export function binForOthers(): {bin: string; root: string} {
  if (othersCanRead(BIN) && othersCanRead(path.join(ROOT, 'dist/fast.cjs')) && othersCanRead(path.join(ROOT, 'node_modules/@oclif/core/package.json'))) return {bin: BIN, root: ROOT}
  if (publicRoot === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-public-'))
    for (const part of ['bin', 'dist', 'schemas', 'package.json', 'oclif.manifest.json', 'node_modules']) cpSync(path.join(ROOT, part), path.join(dir, part), {recursive: true, verbatimSymlinks: true})
    execFileSync('chmod', ['-R', 'a+rX', dir])
    process.once('exit', () => rmSync(dir, {force: true, recursive: true}))
    publicRoot = dir
  }

  return {bin: path.join(publicRoot, 'bin/run.js'), root: publicRoot}
}
