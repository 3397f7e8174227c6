// Re-run and the problem file: today's file when unchanged, a question when it changed (kept copy or
// today's file) or is gone (the kept copy), a failure only when neither exists.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relativeImportsOf, rerunDecision } from '../../../../src/extension/commands/rerunDecision';
import { sha256Of } from '../../../../src/store/runSource';

const KEPT = "import { defineProblem } from 'bilevel-lab';\nimport { data } from './data';\nexport default defineProblem({});\n";
const record = { source: { file: 'source/lake.bilevel.ts', sha256: sha256Of(KEPT) } };

describe('rerunDecision', () => {
  it('runs the file as it is when it did not change', () => {
    assert.deepEqual(rerunDecision({ record, keptText: KEPT, currentText: KEPT }), { action: 'run', source: 'current' });
  });

  it('asks when the file changed, recorded source first, naming the relative imports the copy lacks', () => {
    assert.deepEqual(rerunDecision({ record, keptText: KEPT, currentText: KEPT + '// edited\n' }), {
      action: 'ask',
      reason: 'changed',
      choices: ['recorded', 'current'],
      relativeImports: ['./data'],
    });
  });

  it('offers the recorded source when the file is gone, and fails only without a copy', () => {
    assert.deepEqual(rerunDecision({ record, keptText: KEPT, currentText: undefined }), { action: 'ask', reason: 'gone', choices: ['recorded'], relativeImports: ['./data'] });
    const failed = rerunDecision({ record: {}, keptText: undefined, currentText: undefined });
    assert.equal(failed.action, 'fail');
  });

  it('runs today\u2019s file for a run that kept no source (a run older than the field)', () => {
    assert.deepEqual(rerunDecision({ record: {}, keptText: undefined, currentText: 'x' }), { action: 'run', source: 'current' });
  });

  it('takes an explicit choice where that source exists', () => {
    assert.deepEqual(rerunDecision({ record, keptText: KEPT, currentText: 'changed' }, 'recorded'), { action: 'run', source: 'recorded' });
    assert.deepEqual(rerunDecision({ record, keptText: KEPT, currentText: 'changed' }, 'current'), { action: 'run', source: 'current' });
    assert.equal(rerunDecision({ record, keptText: KEPT, currentText: undefined }, 'current').action, 'ask', 'no current file to run');
  });
});

describe('relativeImportsOf', () => {
  it('finds static, dynamic and require imports that start with ./ or ../, once each', () => {
    const text = "import a from './a';\nimport { b } from \"../lib/b\";\nimport './side';\nconst c = await import('./c');\nconst d = require('./a');\nimport tf from '@tensorflow/tfjs-core';\n";
    assert.deepEqual(relativeImportsOf(text), ['./a', '../lib/b', './side', './c']);
  });
});
