import {strict as assert} from 'node:assert'
import {chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {ROOT} from './helpers/cli.js'
import {canUnshare, inPidNamespace} from './helpers/namespace.js'

/**
 * Every example in README.md and in each command's --help runs here, inside a pid namespace of
 * its own (so `proc kill --name node` can only meet the processes this test started), with the
 * pids, files and programs it names stood in for:
 * - 4242 and 1234 are a process named node; for wait, processes that end two seconds after the
 *   wait began;
 * - node, make, webpack, vite (with --port 5173), sshd, worker and my-dev-server are running;
 * - make test, npm test, ./server, ./job.sh and ./long-job.sh are programs that succeed.
 * Each must run without a usage or internal error, and must find the processes it is after.
 */

interface Example {
  where: string
  text: string
}

function helpExamples(): Example[] {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))
  const out: Example[] = []
  for (const [id, command] of Object.entries(manifest.commands) as Array<[string, {examples?: Array<string | {command: string}>}]>) {
    for (const e of command.examples ?? []) {
      const text = (typeof e === 'string' ? e : e.command).replaceAll('<%= config.bin %>', 'proc').replaceAll('<%= command.id %>', id)
      out.push({text, where: `proc ${id} --help`})
    }
  }

  return out
}

/** Shell lines of README.md's sh blocks that run proc, without their trailing comments. */
function readmeExamples(): Example[] {
  const out: Example[] = []
  let inSh = false
  let heading = ''
  for (const [i, raw] of readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').entries()) {
    if (raw.startsWith('## ')) heading = raw
    if (raw.startsWith('```')) {
      inSh = raw === '```sh'
      continue
    }

    const line = raw.trim()
    // The table of equivalents: every `proc ...` in a row's last cell runs.
    if (!inSh && line.startsWith('|') && heading.startsWith('## From ps')) {
      const cells = line.split(/(?<!\\)\|/).filter((c) => c.trim() !== '')
      for (const m of (cells.at(-1) ?? '').matchAll(/`(proc [^`]+)`/g)) out.push({text: m[1], where: `README.md line ${i + 1}`})
      continue
    }

    if (!inSh || !/^(\.\/bin\/run\.js|proc) /.test(line)) continue
    // A comment starts at a # after blanks, outside quotes.
    let text = line
    for (const m of line.matchAll(/\s+#\s/g)) {
      const before = line.slice(0, m.index)
      if ((before.split("'").length - 1) % 2 === 0 && (before.split('"').length - 1) % 2 === 0) {
        text = before
        break
      }
    }

    out.push({text: text.trim(), where: `README.md line ${i + 1}`})
  }

  return out
}

/** The example, with stand-ins for what it names. */
function substitute(text: string): string {
  const waits = /\bproc wait\b|run\.js wait\b/.test(text)
  let t = text.replaceAll('./bin/run.js', 'proc')
  t = t.replaceAll('make test', 'true').replaceAll('npm test', 'true')
  t = t.replaceAll('~/.config/fish/completions/proc.fish', 'proc.fish').replaceAll('--cwd /tmp', '--cwd "$D"')
  t = t.replace(/\b11 12 13\b/g, '$W1 $W2 $W3')
  // Processes older than an hour: the stand-ins are seconds old.
  t = t.replace('elapsedMs > 1h', 'elapsedMs >= 0')
  t = t.replace(/\b(4242|1234)\b/g, waits ? '$W1' : '$T')
  // node_exporter's textfile directory, and a Pushgateway: a folder here, and the file must be there.
  t = t.replaceAll('/var/lib/node_exporter/textfile/', '')
  t = t.replace(/curl --data-binary @(\S+) \S+/g, 'test -s $1')
  // Commands that repeat until interrupted get two seconds.
  if (/--watch/.test(t)) t = `timeout -s INT 2 ${t}`
  // proc top without -n runs until it is stopped (batch mode here: no terminal): two seconds too.
  if (/\bproc top\b/.test(t) && !/ -n /.test(t)) t = `timeout -s TERM 2 ${t}; test $? = 124`
  return t
}

/** What every example finds running; the snapshots and short-lived targets only where used. */
function prelude(dir: string, script: string): string {
  const lines = [
    `D=${JSON.stringify(dir)}`,
    'PATH="$D:$PATH"',
    // A folder of its own: examples run four at a time and write files of the same names.
    'cd "$(mktemp -d -p "$D")" && cp "$D/server" "$D/job.sh" "$D/long-job.sh" .',
    'node 300 & T=$!',
    'webpack 300 &',
    'sh "$D/vite" --port 5173 &',
    'sshd 300 &',
    'my-dev-server 300 &',
  ]
  if (script.includes('--port 3000')) {
    // The server listens before the example runs (port 3000 is 0BB8 in /proc/net/tcp, LISTEN is 0A).
    lines.push(`${JSON.stringify(process.execPath)} -e "require('net').createServer().listen(3000)" &`)
    lines.push("for i in $(seq 1 600); do grep -q ':0BB8 [0-9A-F:]* 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null && break; sleep 0.05; done")
  }
  if (script.includes('--port 5173')) {
    // A dev server listening on 5173 (14F5 in /proc/net/tcp), as the readiness recipes wait for.
    lines.push(`${JSON.stringify(process.execPath)} -e "require('net').createServer().listen(5173)" &`)
  }
  if (script.includes('app.pid')) lines.push('echo $T > app.pid')
  if (/monday|before\.json/.test(script)) lines.push('proc list --format csv > monday.csv; cp monday.csv tuesday.csv; proc list --json > before.json')
  if (script.includes('fleet-')) lines.push('proc list --format ndjson > fleet-0900.ndjson; proc list --format ndjson > fleet-1000.ndjson')
  if (/\bwait\b/.test(script)) {
    // What the waits wait for ends two seconds after a proc wait is running: never before it looked.
    lines.push('sleep 300 & W1=$!', 'sleep 300 & W2=$!', 'sleep 300 & W3=$!', 'make 300 &', 'worker 300 &')
    lines.push(`(for i in $(seq 1 600); do pgrep -f 'run[.]js wait' >/dev/null && break; sleep 0.05; done; sleep 2; kill $W1 $W2 $W3; pkill -x make; pkill -x worker) &`)
  }
  lines.push('sleep 0.2')
  return lines.join('\n')
}

describe('every documented example runs', function () {
  this.timeout(120_000)
  let dir: string
  before(function () {
    if (!canUnshare()) this.skip()
    dir = mkdtempSync(path.join(tmpdir(), 'proc-docs-'))
    for (const name of ['node', 'make', 'webpack', 'sshd', 'worker', 'my-dev-server']) symlinkSync('/bin/sleep', path.join(dir, name))
    writeFileSync(path.join(dir, 'vite'), 'sleep 300\n')
    // proc as a program on PATH too, for timeout(1) and xargs.
    writeFileSync(path.join(dir, 'proc'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin/run.js'))} "$@"\n`)
    chmodSync(path.join(dir, 'proc'), 0o755)
    for (const name of ['server', 'job.sh', 'long-job.sh']) {
      writeFileSync(path.join(dir, name), '#!/bin/sh\nexit 0\n')
      chmodSync(path.join(dir, name), 0o755)
    }
  })
  after(() => dir && rmSync(dir, {force: true, recursive: true}))

  const examples = [...helpExamples(), ...readmeExamples()]
  const results = new Map<Example, {code: number; said: string; stderr: string}>()
  before(async function () {
    if (!canUnshare()) this.skip()
    // Four at a time: each waits on processes far more than it computes.
    const queue = [...examples]
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        const script = substitute(e.text)
        const r = await inPidNamespace(`${prelude(dir, script)}\n${script}\necho "exit=$?" >&2`, 60_000, 'bash', ['-n'])
        const code = Number(/exit=(\d+)\s*$/.exec(r.stderr)?.[1] ?? -1)
        results.set(e, {code, said: `${script}\n-> exit ${code}\n${r.stdout.slice(0, 2000)}\n${r.stderr}`, stderr: r.stderr})
      }
    }

    await Promise.all([worker(), worker(), worker(), worker()])
  })

  it('finds the examples', () => {
    assert.ok(helpExamples().length >= 30)
    assert.ok(readmeExamples().length >= 30)
  })

  for (const example of examples) {
    it(`${example.where}: ${example.text}`, () => {
      const {code, said, stderr} = results.get(example)!
      assert.ok(![2, 3, 4, 125, 126, 127, -1].includes(code), said)
      assert.doesNotMatch(stderr, /internal error|usage|unknown|invalid|expects/i, said)
      assert.doesNotMatch(stderr, /no process matched|nothing was signalled|nothing matching appeared/, said)
    })
  }
})
