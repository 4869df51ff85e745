// `npm run readme`: oclif's generated command reference, with one repair. oclif readme pastes
// the reference in with String.prototype.replace, which reads `$$` as `$`: an example such as
// `proc tree $$ --json` came out as `proc tree $ --json`. Each example that holds `$$` is put
// back as the commands' own help shows it.
import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const cwd = process.cwd()
const oclif = path.join(path.dirname(fileURLToPath(import.meta.url)), '../node_modules/oclif/bin/run.js')
execFileSync(process.execPath, [oclif, 'readme', '--no-aliases', '--no-source-links'], {cwd, stdio: 'inherit'})

const manifest = JSON.parse(readFileSync(path.join(cwd, 'oclif.manifest.json'), 'utf8'))
const bin = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8')).oclif.bin
let readme = readFileSync(path.join(cwd, 'README.md'), 'utf8')
for (const command of Object.values(manifest.commands)) {
  for (const example of command.examples ?? []) {
    const text = (typeof example === 'string' ? example : example.command).replaceAll('<%= config.bin %>', bin).replaceAll('<%= command.id %>', command.id)
    // split and join: replaceAll would read the $$ of the replacement as $ too.
    if (text.includes('$$')) readme = readme.split(text.replaceAll('$$', '$')).join(text)
  }
}

writeFileSync(path.join(cwd, 'README.md'), readme)
