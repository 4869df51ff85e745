import {execFile, execFileSync} from 'node:child_process'

import {BIN} from './cli.js'

let allowed: boolean | undefined

/** Whether this machine lets the suite make a pid namespace (root, or unprivileged user namespaces). */
export function canUnshare(): boolean {
  if (allowed === undefined) {
    try {
      allowed = execFileSync('unshare', ['-p', '-f', '--mount-proc', 'sh', '-c', 'echo $$'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim() === '1'
    } catch {
      allowed = false
    }
  }

  return allowed
}

export interface NsResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Run a shell script as pid 1 of a new pid namespace with its own /proc: whatever it starts and
 * whatever proc does inside can never touch a process outside, and everything in it dies with
 * it (`extra`: more unshare flags, such as -n for a network of its own). The shell function
 * `proc` runs the built CLI. The caller skips when `canUnshare()` is false.
 */
export function inPidNamespace(script: string, timeoutMs = 30_000, shell = 'sh', extra: string[] = []): Promise<NsResult> {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`
  const proc = `proc() { ${q(process.execPath)} ${q(BIN)} "$@"; }`
  return new Promise((resolve) => {
    execFile(
      'unshare',
      ['-p', '-f', '--mount-proc', '--kill-child', ...extra, shell, '-c', `${proc}\n${script}`],
      {encoding: 'utf8', killSignal: 'SIGKILL', timeout: timeoutMs},
      (error, stdout, stderr) => {
        resolve({code: error ? ((error as {code?: number}).code ?? null) : 0, stderr, stdout})
      },
    )
  })
}
