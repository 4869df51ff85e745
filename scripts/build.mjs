// Build dist/ with esbuild: our code and @oclif/core in shared chunks, one entry per command,
// and dist/fast.js, the path that runs commands without oclif. Loading one bundled chunk instead
// of ~300 CommonJS files of @oclif/core cuts start-up by about 50 ms, and not loading it at all
// (the fast path) cuts much more (bench/RESULTS.md). Type checking is tsc's job (tsc --noEmit
// runs before this).
import {build} from 'esbuild'
import {readdirSync, rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
process.chdir(root)

const commands = readdirSync('src/commands')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `src/commands/${f}`)

rmSync('dist', {force: true, recursive: true})
const result = await build({
  absWorkingDir: root,
  banner: {js: "import {createRequire as __procCreateRequire} from 'node:module'; const require = __procCreateRequire(import.meta.url);"},
  bundle: true,
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints: ['src/index.ts', 'src/main.ts', 'src/fast.ts', 'src/hooks/command-not-found.ts', ...commands],
  // Loaded lazily, only for the format or platform that needs them; ps-list finds vendored binaries next to itself.
  external: ['ps-list', 'chalk', '@json2csv/plainjs', 'typescript', 'ts-node', 'tsx'],
  format: 'esm',
  logLevel: 'warning',
  metafile: true,
  outbase: 'src',
  outdir: 'dist',
  platform: 'node',
  sourcemap: false,
  splitting: true,
  target: 'node20',
})

// The fast path must never load oclif: follow every import of dist/fast.js, static and dynamic.
const outputs = result.metafile.outputs
const seen = new Set()
const queue = ['dist/fast.js']
while (queue.length > 0) {
  const file = queue.pop()
  if (seen.has(file)) continue
  seen.add(file)
  const out = outputs[file]
  const oclif = Object.keys(out.inputs).find((i) => i.includes('node_modules/@oclif/'))
  if (oclif) throw new Error(`the fast path loads oclif: ${file} holds ${oclif}`)
  for (const i of out.imports) if (!i.external) queue.push(i.path)
}
