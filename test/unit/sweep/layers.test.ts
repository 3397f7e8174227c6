// The import arrows of src/sweep (eslint.layers.mjs): common, protocol and core only, so sweeps stay
// pure data. Lints small fixtures placed (virtually) in src/sweep with the repository's own config.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

// Bundled to <out>/unit/sweep/, so the repository root is three folders up.
const ROOT = path.resolve(__dirname, '../../..');

interface EslintApi {
  lintText(code: string, options: { filePath: string }): Promise<{ messages: { ruleId: string | null; message: string }[] }[]>;
}
let eslint: EslintApi;

async function layerErrors(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, 'src/sweep/fixture.ts') });
  const parsing = result!.messages.find((m) => m.ruleId === null);
  assert.equal(parsing, undefined, `the fixture should parse: ${parsing?.message}`);
  return result!.messages.filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => m.message);
}

describe('src/sweep import arrows', () => {
  before(() => {
    const { ESLint } = createRequire(path.join(ROOT, 'package.json'))('eslint') as { ESLint: new (options: object) => EslintApi };
    eslint = new ESLint({
      cwd: ROOT,
      overrideConfigFile: path.join(ROOT, 'eslint.config.mjs'),
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } }, rules: { '@typescript-eslint/no-floating-promises': 'off' } },
    });
  });

  it('rejects node, the store, the CLI and tfjs', async () => {
    for (const [code, specifier] of [
      ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'node:fs'],
      ["import { RunStore } from '../store/runStore';\nexport const x = RunStore;\n", '../store/runStore'],
      ["import { parseDecimal } from '../cli/parseDecimal';\nexport const x = parseDecimal;\n", '../cli/parseDecimal'],
      ["import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n", '@tensorflow/tfjs-core'],
    ] as const) {
      const errors = await layerErrors(code);
      assert.equal(errors.length, 1, `${specifier}: ${JSON.stringify(errors)}`);
      assert.match(errors[0]!, new RegExp(`src/sweep may not import '${specifier.replace(/[./]/g, '\\$&')}'`));
    }
  });

  it('allows common, protocol and core', async () => {
    const code =
      "import { didYouMean } from '../common/suggest';\nimport type { ExperimentSpec } from '../protocol/experiment';\nimport { RUN_OPTIONS } from '../core/methods/runOptions';\nexport const x = [didYouMean, RUN_OPTIONS];\nexport type E = ExperimentSpec;\n";
    assert.deepEqual(await layerErrors(code), []);
  });
});
