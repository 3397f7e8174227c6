// Lint: typescript-eslint strict + type-aware promise checks, and the import arrows of ARCHITECTURE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'dist-*/**', 'node_modules/**', '.bilevel/**', '**/*.mjs', 'bin/**', 'test/integration/fixtures/**', 'test/fixtures/**', '.lead-out/**', 'e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // node:test's describe/test return promises that the runner itself awaits.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
    },
  },
  // Invariant: core knows no vscode, node built-ins, store, worker, cli or UI.
  {
    files: ['src/core/**/*.ts'],
    rules: forbid(['vscode', 'node:*', 'fs', 'path', 'child_process', '**/store/**', '**/worker/**', '**/cli/**', '**/extension/**', 'chart.js'],
      'src/core uses tfjs-core only (ARCHITECTURE.md).'),
  },
  // Invariant: the protocol imports nothing but other protocol files.
  { files: ['src/protocol/**/*.ts'], rules: forbid(['vscode', 'node:*', '@tensorflow/*', '**/core/**', '**/store/**'], 'src/protocol imports nothing (ARCHITECTURE.md).') },
  // Invariant: the store is node fs only, no tfjs.
  { files: ['src/store/**/*.ts'], rules: forbid(['vscode', '@tensorflow/*', '**/core/**', '**/worker/**', '**/cli/**'], 'src/store is node fs only (ARCHITECTURE.md).') },
  // Invariant: the report uses protocol + node fs only.
  { files: ['src/report/**/*.ts'], rules: forbid(['vscode', '@tensorflow/*', '**/core/**', '**/worker/**', '**/cli/**'], 'src/report uses protocol and node fs only (ARCHITECTURE.md).') },
  // Invariant: the datasets use node built-ins and core's data module only (no tfjs, no other core).
  {
    files: ['src/datasets/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // A regex, as a gitignore negation cannot re-allow core/data once the core folder matches.
            { regex: String.raw`(^|/)core(?!/data(/[\w-]+)?$)(/|$)`, message: 'Of src/core, src/datasets may import only src/core/data (ARCHITECTURE.md).' },
            {
              group: ['vscode', '@tensorflow/*', 'chart.js', '**/protocol/**', '**/store/**', '**/worker/**', '**/cli/**', '**/extension/**', '**/report/**', '**/webview/**'],
              message: 'src/datasets uses node built-ins and src/core/data only (ARCHITECTURE.md).',
            },
          ],
        },
      ],
    },
  },
  // Invariant: the CLI never touches vscode.
  { files: ['src/cli/**/*.ts'], rules: forbid(['vscode', '**/extension/**'], 'src/cli never imports vscode (ARCHITECTURE.md).') },
  // Invariant: the extension host never imports core or tfjs.
  // Of src/worker, only the pure findProblemLocations may be imported (the rest pulls in tfjs).
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/core/**', '@tensorflow/*'], message: 'The extension never imports core or tfjs (ARCHITECTURE.md).' },
            { group: ['**/worker/*', '!**/worker/findProblemLocations'], message: 'Of src/worker the extension may import only findProblemLocations (ARCHITECTURE.md).' },
          ],
        },
      ],
    },
  },
  // Invariant: the webview is a browser bundle of protocol + chart.js: no vscode, no node, no core.
  {
    files: ['webview/**/*.ts'],
    rules: forbid(
      ['vscode', 'node:*', 'fs', 'path', 'os', 'crypto', 'child_process', '@tensorflow/*', '**/core/**', '**/store/**', '**/worker/**', '**/cli/**', '**/extension/**', '**/report/**'],
      'webview/ uses src/protocol and chart.js only (ARCHITECTURE.md).',
    ),
  },
);
