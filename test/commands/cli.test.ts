import {strict as assert} from 'node:assert'
import {execFileSync} from 'node:child_process'
import {copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {ROOT, runCli} from '../helpers/cli.js'

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
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/oclif/bin/run.js'), 'readme', '--no-aliases', '--no-source-links'], {cwd: dir, stdio: 'ignore'})
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
