import {strict as assert} from 'node:assert'
import {execFileSync, spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {runCli} from '../helpers/cli.js'

/** Ask the bash completion what it offers for a command line (the last word is being completed). */
function complete(script: string, words: string[]): string[] {
  const file = path.join(tmpdir(), `proc-completion-${process.pid}.bash`)
  writeFileSync(file, script)
  const program = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _proc; printf '%s\\n' "\${COMPREPLY[@]}"`
  return execFileSync('bash', ['-c', program], {encoding: 'utf8'}).split('\n').filter(Boolean)
}

describe('proc completion', () => {
  let bash: string
  before(async () => {
    bash = (await runCli(['completion', 'bash'])).stdout
  })

  it('completes commands, flags, columns in comma lists, sort keys and signals in bash', () => {
    assert.deepEqual(complete(bash, ['proc', 'ki']), ['kill'])
    assert.ok(complete(bash, ['proc', 'list', '--whe']).includes('--where'))
    assert.deepEqual(complete(bash, ['proc', 'list', '--columns', 'pid,pp']), ['pid,ppid'])
    assert.deepEqual(complete(bash, ['proc', 'list', '--sort', '-cpuP']), ['-cpuPercent'])
    assert.deepEqual(complete(bash, ['proc', 'kill', '--signal', 'TE']), ['TERM'])
    assert.deepEqual(complete(bash, ['proc', 'spawn', '-s', 'KI']), ['KILL'])
    assert.deepEqual(complete(bash, ['proc', 'list', '--format', 'nd']), ['ndjson'])
    assert.ok(complete(bash, ['proc', 'kill', '-c', 'sta']).includes('status'))
    assert.ok(!complete(bash, ['proc', 'list', '-c', 'sta']).includes('status'), 'list has no status column')
    // The short names the README uses, and SIG-prefixed signals.
    assert.deepEqual(complete(bash, ['proc', 'list', '--sort', '-rs']).sort(), ['-rss', '-rssBytes', '-rsz'])
    assert.ok(complete(bash, ['proc', 'list', '-c', 'pid,cp']).includes('pid,cpu'))
    assert.deepEqual(complete(bash, ['proc', 'kill', '-s', 'SIGTE']), ['SIGTERM'])
  })

  it('completes pids for kill, wait, list and tree, and process names for --name', () => {
    const pid = String(process.pid)
    for (const cmd of ['kill', 'wait', 'list', 'tree']) assert.ok(complete(bash, ['proc', cmd, pid]).includes(pid), cmd)
    assert.ok(complete(bash, ['proc', 'list', '--pid', pid]).includes(pid))
    assert.ok(complete(bash, ['proc', 'kill', '--name', 'nod']).includes('node'))
    assert.deepEqual(complete(bash, ['proc', 'spawn', pid]), [], 'spawn takes a command, not a pid')
  })

  it('prints zsh (on bashcompinit) and fish scripts', async () => {
    const zsh = (await runCli(['completion', 'zsh'])).stdout
    assert.match(zsh, /bashcompinit/)
    assert.match(zsh, /complete -o default -F _proc proc/)
    const fish = (await runCli(['completion', 'fish'])).stdout
    assert.match(fish, /complete -c proc -n '__fish_seen_subcommand_from kill' -l signal -s s -x -a '.*\bTERM\b.*'/)
    assert.match(fish, /complete -c proc -n '__fish_seen_subcommand_from list' -l columns -s c -x -a '.*\bcpuPercent\b.*'/)
    if (spawnSync('fish', ['--version']).status === 0) assert.equal(spawnSync('fish', ['-n', '-c', fish]).status, 0)
    assert.equal(spawnSync('bash', ['-n', '-c', bash]).status, 0)
  })

  it('rejects an unknown shell', async () => {
    const r = await runCli(['completion', 'tcsh'])
    assert.equal(r.code, 2)
  })
})
