// The fast path against oclif, over the whole flag surface of the six process commands. Command
// lines are generated from the specs themselves: every flag in every form (long, short, `=`,
// negated, repeated, comma lists, quoted pieces, values that look like flags, a missing value, a
// value not among the options), flags that exclude each other, positional arguments, `--`,
// unknown flags and help. Two claims are checked:
// 1. parsing: whatever the fast parser takes, oclif parses to the same flags, args and argv (and
//    oclif must accept it); the common forms must be taken (else the fast path silently decays);
// 2. running: the same command line through bin/launch.js (what bin/run.js calls) on both paths,
//    against the fixture /proc, gives the same stdout, stderr and exit code. Every flag runs once
//    with a valid value and once in a refused form.

import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {Parser} from '@oclif/core'

import {oclifArgs, oclifFlags} from '../../src/base-command.js'
import {prepareArgv, unguardFlags} from '../../src/cli/argv.js'
import {fastParse} from '../../src/cli/parse.js'
import type {CommandSpec, FlagSpec} from '../../src/cli/spec.js'
import {spec as diff} from '../../src/cli/diff.js'
import {spec as kill} from '../../src/cli/kill.js'
import {spec as list} from '../../src/cli/list.js'
import {spec as spawnSpec} from '../../src/cli/spawn.js'
import {spec as tree} from '../../src/cli/tree.js'
import {spec as wait} from '../../src/cli/wait.js'
import {FIXTURE_PASSWD, FIXTURE_PROCFS} from '../helpers/cli.js'

const SPECS = [list, tree, kill, wait, spawnSpec, diff]

/** Values to try for an option flag: valid ones first. */
function valuesFor(name: string, f: Extract<FlagSpec, {type: 'option'}>): string[] {
  if (f.options) return [f.options[0], f.options.at(-1)!, 'bogus', '']
  const sample: Record<string, string> = {
    columns: 'pid,name',
    depth: '1',
    'kill-after': '1s',
    'leak-grace': '10ms',
    limit: '2',
    max: '5',
    name: 'init',
    pid: '1',
    ppid: '0',
    sample: '10ms',
    session: '1',
    signal: 'KILL',
    sort: '-pid',
    then: 'TERM,10ms,KILL',
    timeout: '1s',
    watch: '1s',
    where: 'pid > 1',
  }
  const base = sample[name] ?? 'x'
  const list = [base, '-x', '', ' spaced ']
  if (f.delimiter) list.push('1,2', ' 1 , 2 ', '"1",\'2\'', 'a\\,b', ',')
  return list
}

/** Command lines for one spec, as a user would type them (before prepareArgv). */
export function commandLines(spec: CommandSpec): string[][] {
  const lines: string[][] = [[], ['1'], ['1', '2'], ['-'], ['--'], ['--', '1', '--json'], ['-5'], ['--bogus'], ['--help'], ['1', '--help'], ['--', '--help'], ['-qj'], ['--no-json']]
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.hidden) continue
    if (f.type === 'boolean') {
      lines.push([`--${name}`], [`--${name}`, '1'], [`--${name}`, `--${name}`], [`--${name}=true`], [`--no-${name}`])
      if (f.char) lines.push([`-${f.char}`], [`-${f.char}`, '1'])
      continue
    }

    for (const v of valuesFor(name, f)) {
      lines.push([`--${name}`, v], [`--${name}=${v}`], [`--${name}`, v, '1'])
      if (f.char) lines.push([`-${f.char}`, v], [`-${f.char}${v}`], [`-${f.char}=${v}`])
    }

    const v = valuesFor(name, f)[0]
    lines.push([`--${name}`], ['1', `--${name}`], [`--${name}`, v, `--${name}`, v], [`--${name}`, '--', v], [`--${name}`, '--json'])
    for (const other of f.exclusive ?? []) lines.push([`--${name}`, v, `--${other}`, spec.flags[other].type === 'boolean' ? '1' : valuesFor(other, spec.flags[other] as never)[0]])
  }

  if (spec.id === 'kill') lines.push(['-9', '1'], ['-KILL', '1'], ['-s', '9', '1'], ['-SIGINT', '1'], ['-l'], ['-0', '1'])
  if (spec.id === 'spawn') lines.push(['--', 'true'], ['-q', '--', 'sh', '-c', 'exit 3'], ['--timeout', '1s', '--', 'echo', '--', '--help'], ['true'], ['-q', 'true', '--json'])
  if (spec.id === 'diff') return [...lines.map((l) => ['before.json', ...l]), ['a.json', 'b.json'], ['a.json', 'b.json', 'c.json']]
  return lines
}

/** oclif's parse of a prepared command line, as the command class gets it, or its error. */
async function oclifParse(spec: CommandSpec, argv: string[]): Promise<{error: string} | {value: unknown}> {
  try {
    const out = await Parser.parse(argv, {args: oclifArgs(spec), context: {} as never, flags: oclifFlags(spec) as never, strict: spec.strict ?? true})
    return {value: {args: out.args, argv: out.argv, flags: unguardFlags(out.flags)}}
  } catch (error) {
    return {error: (error as Error).message}
  }
}

/** What the fast path must take: the forms people type. */
const MUST_TAKE: Array<[CommandSpec, string[]]> = [
  [list, []],
  [list, ['--name', 'node', '--sort', '-rss', '--limit', '5']],
  [list, ['-c', 'pid,name', '--json', '1', '2']],
  [list, ['--where', 'pid > 1', '--format', 'csv', '--no-header']],
  [list, ['--pid', '1,2', '--user', 'root']],
  [tree, ['1', '--no-compact', '--ascii']],
  [kill, ['-9', '1', '--dry-run']],
  [kill, ['-s', 'INT', '--tree', '-n', '1']],
  [kill, ['--then', 'INT,2s,KILL', '1']],
  [wait, ['1', '2', '--any', '-t', '5s']],
  [spawnSpec, ['--timeout', '5s', '-k', '1s', '--', 'make', '--help']],
  [spawnSpec, ['-q', '--', 'true']],
  [diff, ['before.json', '--exited']],
]

describe('the fast path parses exactly as oclif does', () => {
  for (const spec of SPECS) {
    it(`${spec.id}: every command line it takes, oclif parses the same`, async () => {
      let taken = 0
      const lines = commandLines(spec)
      for (const env of [{}, {PROC_PROCFS: '/x'}]) {
        for (const line of lines) {
          const prepared = prepareArgv(spec, line)
          const fast = fastParse(spec, prepared.argv, env)
          if (fast === undefined) continue
          taken++
          const saved = process.env.PROC_PROCFS
          if ('PROC_PROCFS' in env) process.env.PROC_PROCFS = env.PROC_PROCFS
          else delete process.env.PROC_PROCFS
          try {
            const slow = await oclifParse(spec, prepared.argv)
            assert.ok('value' in slow, `${spec.id} ${JSON.stringify(line)}: the fast path took it, oclif refused: ${'error' in slow ? slow.error : ''}`)
            assert.deepEqual(fast, slow.value, `${spec.id} ${JSON.stringify(line)}`)
          } finally {
            if (saved === undefined) delete process.env.PROC_PROCFS
            else process.env.PROC_PROCFS = saved
          }
        }
      }

      // Most generated lines are valid: the fast path must take a good share of them.
      assert.ok(taken > lines.length / 2, `${spec.id}: the fast path took only ${taken} of ${lines.length * 2}`)
    })
  }

  it('takes the command lines people type', () => {
    for (const [spec, line] of MUST_TAKE) {
      assert.ok(fastParse(spec, prepareArgv(spec, line).argv, {}), `${spec.id} ${line.join(' ')}`)
    }
  })

  it('a repeatable flag takes one value, never the words after it (both paths)', async () => {
    const prepared = prepareArgv(list, ['--name', 'init', '1'])
    const fast = fastParse(list, prepared.argv, {})!
    assert.deepEqual([fast.flags.name, fast.argv], [['init'], ['1']])
    const slow = (await oclifParse(list, prepared.argv)) as {value: {argv: string[]; flags: {name: string[]}}}
    assert.deepEqual([slow.value.flags.name, slow.value.argv], [['init'], ['1']])
  })
})

/**
 * The run set: every flag once with a valid value and once in a refused form (a value not among
 * the options, a missing value, `--flag=x` on a boolean), and the general lines. Safe to run for
 * real: kill only as a dry run, wait only briefly, spawn only `true`; the fixture procfs never
 * claims that a pid exists, so nothing real is ever signalled.
 */
function runnable(spec: CommandSpec): string[][] {
  const lines: string[][] = [[], ['1'], ['1', '2'], ['--'], ['-5'], ['--bogus'], ['--help'], ['-qj']]
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.hidden || name === 'watch') continue
    if (f.type === 'boolean') lines.push([`--${name}`], f.allowNo ? [`--no-${name}`] : [`--${name}=x`])
    else lines.push([`--${name}`, valuesFor(name, f)[0]], f.options ? [`--${name}`, 'bogus'] : ['1', `--${name}`])
  }

  if (spec.id === 'kill') return [...lines, ['-9', '1'], ['-l']].filter((l) => !l.includes('--force')).map((l) => ['kill', '--dry-run', ...l])
  if (spec.id === 'wait') return lines.map((l) => ['wait', ...l.map((w) => (w === '1' || w === '2' ? '99999' : w)), '--timeout', '10ms'])
  if (spec.id === 'diff') return [...lines.map((l) => ['diff', SNAPSHOT, ...l]), ['diff']]
  if (spec.id === 'spawn') return [...lines, ['-q', '--', 'sh', '-c', 'exit 3']].map((l) => ['spawn', ...(l.includes('--') ? l : [...l, '--', 'true'])])
  return lines.map((l) => [spec.id, ...l])
}

/**
 * What differs from run to run is masked: spawn's timings, pids and whether a sampler caught the
 * child's peak RSS (numbers, nulls and the peak-RSS clause of the summary); how long wait took to
 * see a zombie (durations, and the column widths they change).
 */
function mask(id: string, text: string): string {
  if (id === 'spawn') return text.replaceAll(/, peak [^,;]*/g, '').replaceAll(/\d[\d.]*|null|"sampled"|"cgroup"/g, 'N')
  if (id === 'wait') return text.replaceAll(/\d[\d.]*(ms|s)\b/g, 'T').replaceAll(/ +/g, ' ')
  return text
}

describe('the fast path runs exactly as oclif does', function () {
  this.timeout(120_000)
  it('every command: same stdout, stderr and exit code on both paths', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-differential-'))
    try {
      // Two drivers, one per core; each runs its lines on both paths in one process.
      const all = SPECS.flatMap((spec) => runnable(spec))
      const halves = [all.filter((_, i) => i % 2 === 0), all.filter((_, i) => i % 2 === 1)]
      const results = await Promise.all(
        halves.map(async (lines, i) => {
          writeFileSync(path.join(dir, `lines-${i}.json`), JSON.stringify(lines))
          // Each driver in a folder of its own: command lines write files (spawn --report-file x)
          // that others read (--pidfile x), and two drivers sharing one would race.
          const cwd = path.join(dir, `cwd-${i}`)
          mkdirSync(cwd)
          const run = await runNode([DRIVER, path.join(dir, `lines-${i}.json`), path.join(dir, `results-${i}.json`)], cwd, {
            PROC_PASSWD: FIXTURE_PASSWD,
            PROC_PROCFS: FIXTURE_PROCFS,
          })
          assert.equal(run.code, 0, run.stderr)
          return JSON.parse(readFileSync(path.join(dir, `results-${i}.json`), 'utf8')) as DriverResult[]
        }),
      )
      const flat = results.flat()
      assert.equal(flat.length, all.length)
      for (const {fast, line, oclif} of flat) {
        const shown = (r: DriverResult['fast']) => ({code: r.code, stderr: mask(line[0], r.stderr), stdout: mask(line[0], r.stdout)})
        assert.deepEqual(shown(fast), shown(oclif), `proc ${line.join(' ')}`)
      }
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})

interface DriverResult {
  fast: {code: number; stderr: string; stdout: string}
  line: string[]
  oclif: {code: number; stderr: string; stdout: string}
}

/** A snapshot to diff the fixture /proc against. */
const SNAPSHOT = fileURLToPath(new URL('../fixtures/snapshot.json', import.meta.url))

const DRIVER = fileURLToPath(new URL('../helpers/batch-driver.mjs', import.meta.url))

/** Run node with a script; its output and status. */
function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{code: number | null; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {cwd, env: {...process.env, NO_COLOR: '1', ...env}, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stderr}))
  })
}
