#!/usr/bin/env node
// Development: rebuild dist/ from src/ with esbuild (a fraction of a second, no type check),
// then run it. `npm run build` also type-checks and regenerates oclif.manifest.json, which new
// commands and flags need.
import {execFileSync} from 'node:child_process'

execFileSync(process.execPath, [new URL('../scripts/build.mjs', import.meta.url).pathname], {stdio: 'inherit'})
const {execute} = await import('../dist/index.js')
await execute({dir: import.meta.url})
