// ESLint: typescript-eslint's recommended rules, and the import boundaries of the layers
// (ARCHITECTURE.md). npm test runs it (npm run lint).
import tseslint from 'typescript-eslint'

/** A platform's code is reached only through the source registry (src/core/sources/index.ts). */
const platformCode = {message: 'a platform lives in its source folder: use openSource() and the capabilities it declares (src/core/sources/source.ts)', regex: 'sources/(linux|ps-list|ps|cim)(/|$)'}

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'bench/**', 'scripts/**', 'bin/**', 'test/fixtures/**']},
  {
    extends: [tseslint.configs.recommended],
    files: ['src/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/core/sources/**'],
    rules: {'no-restricted-imports': ['error', {patterns: [platformCode]}]},
  },
  {
    // The core knows nothing of the command line, of output formats or of reading stdin.
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/sources/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            platformCode,
            {message: 'core never imports the command line, output or input layers', regex: '^\\.\\./(cli|commands|output|input|hooks)/'},
          ],
        },
      ],
    },
  },
  {
    // Tests may read a platform's parsers and sources directly.
    files: ['test/**/*.ts'],
    rules: {'@typescript-eslint/no-explicit-any': 'off'},
  },
)
