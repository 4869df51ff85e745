// Build dist/ with esbuild: our code and @oclif/core in shared chunks, one entry per command,
// and dist/fast.cjs, the path that runs commands without oclif. Loading one bundled chunk instead
// of ~300 CommonJS files of @oclif/core cuts start-up by about 50 ms, and not loading it at all
// (the fast path) cuts much more (bench/RESULTS.md). Type checking is tsc's job (tsc --noEmit
// runs before this).
import {build} from 'esbuild'
import {readdirSync, rmSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
process.chdir(root)

const commands = readdirSync('src/commands')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `src/commands/${f}`)

rmSync('dist', {force: true, recursive: true})
await build({
  absWorkingDir: root,
  banner: {js: "import {createRequire as __procCreateRequire} from 'node:module'; const require = __procCreateRequire(import.meta.url);"},
  bundle: true,
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints: ['src/index.ts', 'src/hooks/command-not-found.ts', ...commands],
  // Loaded lazily, only for the format or platform that needs them; ps-list finds vendored binaries next to itself.
  external: ['ps-list', 'chalk', '@json2csv/plainjs', 'typescript', 'ts-node', 'tsx'],
  format: 'esm',
  logLevel: 'warning',
  outbase: 'src',
  outdir: 'dist',
  platform: 'node',
  sourcemap: false,
  splitting: true,
  target: 'node20',
})

// The fast path as one CommonJS file: bin/launch.js compiles it with a V8 code cache
// (scripts/code-cache.mjs), where ESM chunks would each cost a trip through the module loader.
// Its dynamic imports of ESM-only packages go through the launcher's import().
const fastCjs = await build({
  absWorkingDir: root,
  bundle: true,
  entryPoints: ['src/fast.ts'],
  external: ['ps-list', 'chalk', '@json2csv/plainjs', 'typescript', 'ts-node', 'tsx'],
  format: 'cjs',
  logLevel: 'warning',
  // fastlist.ts finds its package from __filename here (the launcher passes it), import.meta.url in the chunks.
  logOverride: {'empty-import-meta': 'silent'},
  metafile: true,
  minifySyntax: true,
  minifyWhitespace: true,
  outfile: 'dist/fast.cjs',
  platform: 'node',
  sourcemap: false,
  target: 'node20',
  write: false,
})
// The fast path must never load oclif.
const oclif = Object.keys(fastCjs.metafile.inputs).find((i) => i.includes('node_modules/@oclif/'))
if (oclif) throw new Error(`the fast path loads oclif: dist/fast.cjs holds ${oclif}`)
const text = fastCjs.outputFiles[0].text.replaceAll(/\bimport\((["'][^"']+["'])\)/g, '__procImport($1)')
if (/\bimport\(/.test(text)) throw new Error('dist/fast.cjs: an import() the launcher does not route')
// bin/launch.js reads it as latin1.
const wide = /[^\0-\x7f]/.exec(text)
if (wide) throw new Error(`dist/fast.cjs must be ASCII: ${JSON.stringify(text.slice(wide.index - 40, wide.index + 40))}`)
// Inside the module wrapper bin/launch.js calls; `__procImport` is the launcher's import().
writeFileSync('dist/fast.cjs', `(function (exports, require, module, __filename, __dirname, __procImport) {${text}\n})`)
