// The import arrows of ARCHITECTURE.md are lint errors when crossed: the repository's own
// eslint.config.mjs lints small fixtures placed (virtually) in each folder, and every forbidden
// arrow must come back as a `layers/allowed-imports` error naming the folder, while allowed arrows
// stay clean. ESLint is loaded from node_modules at run time (not bundled).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

// Bundled to dist-test/unit/lint/, so the repository root is three folders up.
const ROOT = path.resolve(__dirname, '../../..');

interface LintMessage {
  readonly ruleId: string | null;
  readonly message: string;
}
interface EslintApi {
  lintText(code: string, options: { filePath: string }): Promise<{ messages: LintMessage[] }[]>;
}

let eslint: EslintApi;

/** The layer-rule messages for `code` placed at `file` (relative to the repository root). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  const messages = result!.messages;
  const parsing = messages.find((m) => m.ruleId === null);
  assert.equal(parsing, undefined, `the fixture for ${file} should parse: ${parsing?.message}`);
  return messages.filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => m.message);
}

describe('import arrows (eslint.layers.mjs through eslint.config.mjs)', () => {
  before(() => {
    const { ESLint } = createRequire(path.join(ROOT, 'package.json'))('eslint') as { ESLint: new (options: object) => EslintApi };
    eslint = new ESLint({
      cwd: ROOT,
      overrideConfigFile: path.join(ROOT, 'eslint.config.mjs'),
      // The fixtures are not files of the TypeScript project: lint them without type information.
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } }, rules: { '@typescript-eslint/no-floating-promises': 'off' } },
    });
  });

  const forbidden: readonly (readonly [string, string, RegExp])[] = [
    ['src/core/fixture.ts', "import { RunStore } from '../store/runStore';\nexport const x = RunStore;\n", /src\/core may not import '\.\.\/store\/runStore'/],
    ['src/core/methods/fixture.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /src\/core may not import 'node:fs'/],
    ['src/core/fixture.ts', "import { isFinished } from '../protocol/metrics';\nexport const x = isFinished;\n", /src\/core may not import '\.\.\/protocol\/metrics'/],
    ['src/protocol/fixture.ts', "import { messageOf } from '../common/messageOf';\nexport const x = messageOf;\n", /src\/protocol may not import/],
    ['src/extension/views/fixture.ts', "import { METHODS } from '../../core';\nexport const x = METHODS;\n", /src\/extension may not import '\.\.\/\.\.\/core'/],
    ['src/extension/fixture.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n", /src\/extension may not import '@tensorflow\/tfjs-core'/],
    ['src/extension/fixture.ts', "import { compileProblemFile } from '../problemFiles/compileProblemFile';\nexport const x = compileProblemFile;\n", /src\/extension may not import/],
    ['webview/fixture.ts', "import { RunStore } from '../src/store/runStore';\nexport const x = RunStore;\n", /webview may not import/],
    ['src/worker/fixture.ts', "import { runCli } from '../cli/runCli';\nexport const x = runCli;\n", /src\/worker may not import '\.\.\/cli\/runCli'/],
    ['src/store/fixture.ts', "import { METHODS } from '../core';\nexport const x = METHODS;\n", /src\/store may not import/],
    ['src/common/fixture.ts', "import type { RunStatus } from '../protocol/metrics';\nexport type X = RunStatus;\n", /src\/common may not import/],
    ['src/runtime/fixture.ts', "import { recordRun } from '../runner/recordRun';\nexport const x = recordRun;\n", /src\/runtime may not import/],
    // Sweeps stay pure data: no node, no store, no CLI, no tfjs.
    ['src/sweep/fixture.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /src\/sweep may not import 'node:fs'/],
    ['src/sweep/fixture.ts', "import { RunStore } from '../store/runStore';\nexport const x = RunStore;\n", /src\/sweep may not import '\.\.\/store\/runStore'/],
    ['src/sweep/fixture.ts', "import { parseDecimal } from '../cli/parseDecimal';\nexport const x = parseDecimal;\n", /src\/sweep may not import '\.\.\/cli\/parseDecimal'/],
    ['src/sweep/fixture.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n", /src\/sweep may not import '@tensorflow\/tfjs-core'/],
    // The extension takes src/sweep's pure files only: the core catalog (and so tfjs) stays out.
    ['src/extension/commands/fixture.ts', "import { CORE_CATALOG } from '../../sweep/coreCatalog';\nexport const x = CORE_CATALOG;\n", /src\/extension may not import '\.\.\/\.\.\/sweep\/coreCatalog'/],
  ];
  for (const [file, code, expected] of forbidden) {
    it(`rejects ${file.split('/').slice(0, -1).join('/')} → ${/from '([^']+)'/.exec(code)![1]}`, async () => {
      const errors = await layerErrors(file, code);
      assert.equal(errors.length, 1, `one error expected, got ${JSON.stringify(errors)}`);
      assert.match(errors[0]!, expected);
      assert.match(errors[0]!, /ARCHITECTURE\.md/);
    });
  }

  it('allows the arrows ARCHITECTURE.md draws', async () => {
    const allowed: readonly (readonly [string, string])[] = [
      ['src/core/fixture.ts', "import type { RunStatus } from '../protocol/metrics';\nimport * as tf from '@tensorflow/tfjs-core';\nexport type X = RunStatus;\nexport const t = tf;\n"],
      [
        'src/extension/commands/fixture.ts',
        "import { parseSeeds } from '../../sweep/parseSeeds';\nimport { parseSetFlag } from '../../sweep/parseSetFlag';\nimport { expandSweep } from '../../sweep/expandSweep';\nimport { formatRunsJsonl, makeSweepRecord } from '../../sweep/sweepRecord';\nimport { SweepError } from '../../sweep/sweepError';\nimport type { SweepCatalog } from '../../sweep/sweepCatalog';\nexport const x = [parseSeeds, parseSetFlag, expandSweep, formatRunsJsonl, makeSweepRecord, SweepError];\nexport type C = SweepCatalog;\n",
      ],
      ['src/extension/fixture.ts', "import { findProblemLocations } from '../problemFiles/findProblemLocations';\nimport { RunStore } from '../store/runStore';\nimport * as vscode from 'vscode';\nexport const x = [findProblemLocations, RunStore, vscode];\n"],
      ['src/cli/fixture.ts', "import { recordRun } from '../runner/recordRun';\nimport { METHODS } from '../core';\nexport const x = [recordRun, METHODS];\n"],
      ['src/worker/fixture.ts', "import { recordRun } from '../runner/recordRun';\nimport { selectBackend } from '../runtime/backend';\nexport const x = [recordRun, selectBackend];\n"],
      ['src/sweep/fixture.ts', "import { didYouMean } from '../common/suggest';\nimport type { ExperimentSpec } from '../protocol/experiment';\nimport { RUN_OPTIONS } from '../core/methods/runOptions';\nexport const x = [didYouMean, RUN_OPTIONS];\nexport type E = ExperimentSpec;\n"],
      ['webview/fixture.ts', "import { METRICS } from '../src/protocol/metricCatalog';\nimport { formatNumber } from '../src/common/format';\nexport const x = [METRICS, formatNumber];\n"],
    ];
    for (const [file, code] of allowed) assert.deepEqual(await layerErrors(file, code), [], file);
  });
});
