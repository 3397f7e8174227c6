// Printing of held-out evaluations (RunSummary.evals) by `run` and `compare`: value ± ci95 cells,
// the run summary's evaluation lines and compare's evaluation table with baselines placed under the
// metric they belong to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEvalTable } from '../../../src/cli/commands/compareCommand';
import { formatRunSummary } from '../../../src/cli/commands/runCommand';
import { evalNames, evalTable, formatEvalLines } from '../../../src/cli/evalSummary';
import type { RunResult } from '../../../src/cli/executeRun';
import { formatNumber } from '../../../src/cli/formatTable';
import { formatEvalValue } from '../../../src/protocol/chartData';

/** Evals as hyperclean reports them: accuracy with its CI, F1, and two constant baselines. */
const HYPERCLEAN = {
  'test.accuracy': 0.8812,
  'test.accuracy.ci95': 0.0063,
  f1: 71.25,
  'baseline.noisy.accuracy': 0.8123,
  'baseline.clean.accuracy': 0.9034,
};

function result(method: string, evals?: Record<string, number>): RunResult {
  return {
    method,
    // Only the evals matter here; resolved options are branded (src/core/methods/options.ts).
    options: { iterations: 30 } as unknown as RunResult['options'],
    status: 'completed',
    runId: `run-${method}`,
    runDir: `/tmp/runs/run-${method}`,
    final: { x: {}, y: {}, upperLoss: 0.25, hypergradNorm: 0.01, iterations: 30, msPerIteration: 12, peakTensors: 40, peakBytes: 2048, ...(evals ? { evals, evalIteration: 29 } : {}) },
    warnings: [],
    stats: [],
  };
}

describe('evaluation output', () => {
  it('formats a value with its 95% half-width when name.ci95 exists, and — when missing', () => {
    assert.equal(formatEvalValue(HYPERCLEAN, 'test.accuracy', formatNumber), '0.8812 ± 0.0063');
    assert.equal(formatEvalValue(HYPERCLEAN, 'f1', formatNumber), '71.25');
    assert.equal(formatEvalValue(HYPERCLEAN, 'test.mse', formatNumber), '—');
    assert.equal(formatEvalValue(undefined, 'f1', formatNumber), '—');
  });

  it('lists metrics sorted, then baselines, and folds .ci95 into its metric', () => {
    assert.deepEqual(evalNames(HYPERCLEAN), ['f1', 'test.accuracy', 'baseline.clean.accuracy', 'baseline.noisy.accuracy']);
    assert.deepEqual(formatEvalLines(HYPERCLEAN, formatNumber), [
      'f1                       71.25',
      'test.accuracy            0.8812 ± 0.0063',
      'baseline.clean.accuracy  0.9034',
      'baseline.noisy.accuracy  0.8123',
    ]);
    assert.deepEqual(formatEvalLines(undefined, formatNumber), []);
  });

  it('run prints an evaluation block with the iteration it was measured at; none without evals', () => {
    const text = formatRunSummary('toy', result('rhg', HYPERCLEAN), 'cpu', 'my-preset');
    assert.match(text, /^rhg on toy \(preset my-preset\): completed/);
    assert.match(text, /\n {2}evaluation {7}at iteration 29\n {4}f1 {23}71\.25\n {4}test\.accuracy {12}0\.8812 ± 0\.0063\n/);
    assert.match(text, /baseline\.noisy\.accuracy {2}0\.8123/);
    const plain = formatRunSummary('toy', result('rhg'), 'cpu');
    assert.doesNotMatch(plain, /evaluation|preset/);
  });

  it('compare gets a table of methods × metrics with the baselines as rows under their metric', () => {
    const t = evalTable([{ method: 'rhg', evals: HYPERCLEAN }, { method: 'cg', evals: { ...HYPERCLEAN, 'test.accuracy': 0.85, 'test.accuracy.ci95': 0.01, f1: 60 } }], formatNumber);
    assert.ok(t);
    assert.deepEqual(t.headers, ['method', 'f1', 'test.accuracy']);
    assert.deepEqual(t.rows, [
      ['rhg', '71.25', '0.8812 ± 0.0063'],
      ['cg', '60', '0.85 ± 0.01'],
      ['baseline.clean', '', '0.9034'],
      ['baseline.noisy', '', '0.8123'],
    ]);
  });

  it('a baseline that belongs to no metric gets its own column, with its ci95', () => {
    const t = evalTable([{ method: 'ufom', evals: { 'test.mseBeforeAdapt': 3.7, 'baseline.randomInit.mse': 3.776, 'baseline.randomInit.mse.ci95': 0.33 } }], formatNumber);
    assert.ok(t);
    assert.deepEqual(t.headers, ['method', 'test.mseBeforeAdapt', 'baseline.randomInit.mse']);
    assert.deepEqual(t.rows, [
      ['ufom', '3.7', ''],
      ['baseline.randomInit', '', '3.776 ± 0.33'],
    ]);
  });

  it('no table when no method has evals; a method without evals gets dashes', () => {
    assert.equal(evalTable([{ method: 'rhg' }, { method: 'cg', evals: {} }], formatNumber), undefined);
    assert.equal(formatEvalTable([result('rhg'), result('cg')]), undefined);
    const text = formatEvalTable([result('rhg', HYPERCLEAN), result('fom')]);
    assert.ok(text);
    const lines = text.split('\n');
    assert.match(lines[0]!, /^method +f1 +test\.accuracy$/);
    assert.match(lines[3]!, /^fom +— +—$/);
    assert.equal(lines.length, 2 + 2 + 2);
  });
});
