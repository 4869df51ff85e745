// Each command knows its own columns: --columns, --sort, --where and --columns help offer what the
// command's records carry, and a column of another command is a usage error, never a column of -.

import {strict as assert} from 'node:assert'

import {runCli} from '../helpers/cli.js'

const ids = (help: string) => help.split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean)

describe('columns by command', () => {
  it('--columns help lists what this command prints', async () => {
    const list = ids((await runCli(['list', '--columns', 'help'])).stdout)
    const kill = ids((await runCli(['kill', '--columns', 'help'])).stdout)
    const diff = ids((await runCli(['diff', '--columns', 'help'])).stdout)
    const wait = ids((await runCli(['wait', '--columns', 'help'])).stdout)
    for (const c of ['pid', 'command', 'rssBytes']) for (const l of [list, kill, diff, wait]) assert.ok(l.includes(c), c)
    assert.ok(!list.includes('status') && !list.includes('change') && !list.includes('exitStatus') && !list.includes('depth'))
    assert.ok(kill.includes('status') && kill.includes('checkedBy') && !kill.includes('change') && !kill.includes('exitedAfterMs'))
    assert.ok(wait.includes('status') && wait.includes('exitedAfterMs') && !wait.includes('checkedBy'))
    assert.ok(diff.includes('change') && !diff.includes('status'))
  })

  it('--columns help lists what the source can give, and counts the rest', async () => {
    const procfs = ids((await runCli(['list', '--columns', 'help'])).stdout)
    const ps = await runCli(['list', '--columns', 'help', '--source', 'ps'])
    assert.ok(procfs.includes('cwd') && procfs.includes('ports'))
    assert.ok(!ids(ps.stdout).includes('cwd') && !ids(ps.stdout).includes('ports') && ids(ps.stdout).includes('wchan'))
    assert.match(ps.stdout, /\n\(\d+ more column\(s\) need fields the ps source cannot give\)\n$/)
  })

  it("another command's column is a usage error that names its command", async () => {
    for (const args of [
      ['list', '--columns', 'pid,change'],
      ['list', '--sort', 'change'],
      ['tree', '--columns', 'pid,status'],
      ['list', '--where', 'exitStatus == 0'],
    ]) {
      const r = await runCli(args)
      assert.equal(r.code, 2, args.join(' '))
      assert.equal(r.stderr.trim().split('\n').length, 1)
    }

    const r = await runCli(['list', '--columns', 'pid,change'])
    assert.match(r.stderr, /'change' is a column of proc diff, proc list --watch, proc tree --watch only/)
    const ok = await runCli(['diff', '--help'])
    assert.equal(ok.code, 0)
  })
})
