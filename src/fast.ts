// The fast path: run list, tree, kill, wait, spawn and diff without loading oclif, which costs
// more than everything else proc does at start-up (bench/RESULTS.md). It takes a command line
// only when src/cli/parse.ts can parse it exactly as oclif would; otherwise, and for help,
// completion and anything unknown, bin/launch.js hands the command line to oclif. The build
// makes this one CommonJS file, dist/fast.cjs, compiled with a V8 code cache (bin/launch.js).
// PROC_OCLIF=1 always takes oclif's path (the differential test compares the two).

import {prepareArgv} from './cli/argv.js'
import {runAction} from './cli/context.js'
import {fastParse} from './cli/parse.js'
import type {CommandModule} from './cli/spec.js'
import {writeErr} from './output/stdio.js'

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  diff: () => import('./cli/diff.js'),
  kill: () => import('./cli/kill.js'),
  list: () => import('./cli/list.js'),
  spawn: () => import('./cli/spawn.js'),
  tree: () => import('./cli/tree.js'),
  wait: () => import('./cli/wait.js'),
}

/** oclif shows help for `--help` anywhere before a `--`. */
function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false
    if (a === '--help') return true
  }

  return false
}

/**
 * `-h` is `--help`, as most tools take it (no command of proc has a flag -h): `proc -h`,
 * `proc list -h`. Not after `--`, and for spawn not once its command has begun (`proc spawn ls -h`).
 */
export function helpWords(argv: readonly string[]): string[] {
  const out = [...argv]
  for (let i = 0; i < out.length; i++) {
    const a = out[i]
    if (a === '--') break
    if (a === '-h') out[i] = '--help'
    else if (i > 0 && argv[0] === 'spawn' && !a.startsWith('-')) break
  }

  return out
}

/** Run the command line if the fast path can; false when oclif must. */
export async function runFast(argv: string[], root: string): Promise<boolean> {
  const load = Object.hasOwn(COMMANDS, argv[0] ?? '') ? COMMANDS[argv[0]] : undefined
  if (!load || process.env.PROC_OCLIF === '1' || wantsHelp(argv)) return false
  const {action, spec} = await load()
  const {argv: words, rest} = prepareArgv(spec, argv.slice(1))
  const parsed = fastParse(spec, words)
  if (!parsed) return false
  await runAction(spec, action, {...parsed, rest}, root)
  return true
}

/** What an error that escaped every command means: oclif's exit, or proc could not start. */
export function cannotStart(error: Error & {code?: string; oclif?: {exit?: number}}): void {
  const exit = error?.oclif?.exit
  if (typeof exit === 'number' && /^EEXIT/.test(error.message ?? '')) {
    process.exitCode = exit
    return
  }

  const why = error?.code === 'EMFILE' ? 'too many open files (raise ulimit -n)' : (error?.code ?? error?.message ?? String(error))
  writeErr(`proc: cannot start: ${String(why).split('\n')[0]}\n`)
  process.exitCode = 3
}
