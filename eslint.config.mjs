// Lint: typescript-eslint strict + type-aware promise checks, and the import arrows of ARCHITECTURE.md
// (eslint.layers.mjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint.layers.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'dist-*/**', 'node_modules/**', '.bilevel/**', '**/*.mjs', 'bin/**', 'test/integration/fixtures/**', 'test/fixtures/**', '.lead-out/**', 'e2e/artifacts/**', '.device/**'] },
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
  // Every arrow of ARCHITECTURE.md, as an allow-list per folder (eslint.layers.mjs).
  {
    files: ['src/**/*.ts', 'webview/**/*.ts', 'bench/**/*.ts'],
    plugins: { layers: layersPlugin(import.meta.dirname) },
    rules: { 'layers/allowed-imports': 'error' },
  },
);
