import {strict as assert} from 'node:assert'
import {execFileSync} from 'node:child_process'
import {copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {UsageError} from '../../src/core/errors.js'
import {MAX_PATTERN, parseRegex} from '../../src/core/patterns.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {startSleeper} from '../helpers/processes.js'

describe('the proc CLI', () => {
  it('prints its version', async () => {
    const {code, stdout} = await runCli(['--version'])
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    assert.equal(code, 0)
    assert.match(stdout, new RegExp(`^proc/${pkg.version.replaceAll('.', '\\.')} `))
  })

  it('prints help with the commands, and list help with examples', async () => {
    const top = await runCli(['--help'])
    assert.match(top.stdout, /list\s+List processes, like ps/)
    const list = await runCli(['list', '--help'])
    assert.match(list.stdout, /EXAMPLES/)
    assert.match(list.stdout, /--where/)
  })

  it('has a command reference in README.md that matches the commands (npm run readme)', function () {
    this.timeout(60_000)
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-readme-'))
    try {
      for (const f of ['package.json', 'README.md', 'oclif.manifest.json', 'tsconfig.json']) copyFileSync(path.join(ROOT, f), path.join(dir, f))
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
      cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), {recursive: true})
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/readme.mjs')], {cwd: dir, stdio: 'ignore'})
      const section = (text: string) => text.slice(text.indexOf('<!-- commands -->'), text.indexOf('<!-- commandsstop -->'))
      const fresh = section(readFileSync(path.join(dir, 'README.md'), 'utf8'))
      assert.ok(fresh.includes('proc list'), 'the generated reference lists the commands')
      assert.equal(section(readFileSync(path.join(ROOT, 'README.md'), 'utf8')), fresh, 'README.md command reference is stale: run npm run readme')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('has a committed oclif.manifest.json that matches the commands', function () {
    this.timeout(60_000)
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-manifest-'))
    try {
      copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'))
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
      cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), {recursive: true})
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/oclif/bin/run.js'), 'manifest'], {cwd: dir, stdio: 'ignore'})
      const fresh = JSON.parse(readFileSync(path.join(dir, 'oclif.manifest.json'), 'utf8'))
      let committed: string
      try {
        committed = execFileSync('git', ['show', ':oclif.manifest.json'], {cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
      } catch {
        committed = readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')
      }

      assert.deepEqual(JSON.parse(committed), fresh, 'oclif.manifest.json is stale: run npm run build and commit it')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})

describe('flags and exit codes without traps', () => {
  it('binds a value that starts with - to its flag, as getopt does', async () => {
    for (const args of [['--sort', '-pid'], ['--sort=-pid'], ['-s', '-pid'], ['-s=-pid']]) {
      const {code, stderr, stdout} = await runCli(['list', ...args, '--limit', '2', '-c', 'pid', '--no-header'])
      assert.equal(code, 0, stderr)
      const [a, b] = stdout.trim().split('\n').map(Number)
      assert.ok(a > b, `${args.join(' ')} sorts descending`)
    }

    const self = await runCli(['list', '--match', '--json', '--include-self', '-c', 'pid', '--no-header'])
    assert.equal(self.code, 0, self.stderr)
    assert.notEqual(self.stdout.trim(), '', '--match takes --json as its pattern')
    const dashdash = await runCli(['list', '--match', '--', '--json', '--include-self', '-c', 'command', '--no-header'])
    assert.equal(dashdash.code, 0, dashdash.stderr)
    assert.match(dashdash.stdout, /list --match -- --json/, 'the pattern after -- is --json')
  })

  it('list with PIDs of which none exists exits 1, like ps -p; bad states and empty users are usage errors', async () => {
    assert.equal((await runCli(['list', '3999999'])).code, 1)
    assert.equal((await runCli(['list', '--pid', '3999999'])).code, 1)
    assert.equal((await runCli(['list', '--state', 'Q'])).code, 2)
    assert.equal((await runCli(['list', '--user', ''])).code, 2)
  })

  it('kill takes kill(1) forms: -9, -KILL, -SIGKILL, -s KILL, -L, and -0 as an existence check', async () => {
    const listed = await runCli(['kill', '-L'])
    assert.match(listed.stdout, /^ 9 KILL$/m)
    assert.match(listed.stdout, /^34 RTMIN$/m)
    for (const form of [['-0'], ['-s', '0'], ['--signal', '0']]) {
      const gone = await runCli(['kill', ...form, '4194000', '-q'])
      assert.equal(gone.code, 1, form.join(' '))
    }

    const sleeper = startSleeper()
    const alive = await runCli(['kill', '-0', String(sleeper.pid), '-q'])
    assert.equal(alive.code, 0, 'a running process exists')
    for (const form of ['-9', '-KILL', '-SIGKILL', '-RTMIN+1']) {
      const {code, stderr} = await runCli(['kill', form, '4194000', '--dry-run'])
      assert.equal(code, 1, `${form}: ${stderr}`)
      assert.match(stderr, /nothing was signalled: 1 gone/)
    }
  })

  it('a 100 KB pattern is taken (as pgrep takes one); one past 2 MiB, or a pid out of range on stdin, is a one-line usage error', async () => {
    const big = await runCli(['list', '--match', 'a'.repeat(100_000)])
    assert.equal(big.code, 0, big.stderr)
    assert.throws(() => parseRegex('a'.repeat(MAX_PATTERN + 1), '--match'), (e: Error) => e instanceof UsageError && e.message.length < 200)
    const inf = await runCli(['kill'], {input: '{"pid":1e400}\n'})
    assert.equal(inf.code, 2)
    assert.match(inf.stderr, /pid Infinity is not a process id/)
  })

  it('... | proc diff - reads a snapshot larger than a pipe buffer', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-diff-pipe-'))
    try {
      const records = Array.from({length: 2000}, (_, i) => ({command: `sleep ${i}`, name: 'sleep', pid: 4_000_000 + i, startTicks: 1}))
      const file = path.join(dir, 'big.json')
      writeFileSync(file, JSON.stringify(records))
      assert.ok(JSON.stringify(records).length > 65_536)
      const out = execFileSync('sh', ['-c', `cat ${JSON.stringify(file)} | ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin/run.js'))} diff - --exited -c change --no-header | grep -c exited`], {encoding: 'utf8'})
      assert.equal(out.trim(), '2000')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
