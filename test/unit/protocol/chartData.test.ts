// The eval-metric helpers of src/protocol/chartData.ts shared by the report and the live panel:
// which evals are charted, which baselines go on which chart, titles, labels and flat lines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baselineLabel, baselinesFor, evalMetricNames, flatLine, isBaseline, isEvalMetric } from '../../../src/protocol/chartData';
import { evalTitle } from '../../../src/protocol/metricCatalog';

const NAMES = ['test.accuracy', 'test.accuracy.ci95', 'test.accuracyOfZ', 'f1', 'baseline.noisy.accuracy', 'baseline.clean.accuracy', 'baseline.clean.accuracy.ci95', 'baseline.randomInit.mse', 'test.mse'];

describe('eval chart helpers', () => {
  it('charts metrics but not baselines or .ci95 half-widths', () => {
    assert.deepEqual(NAMES.filter(isEvalMetric), ['test.accuracy', 'test.accuracyOfZ', 'f1', 'test.mse']);
    assert.deepEqual(NAMES.filter(isBaseline), ['baseline.noisy.accuracy', 'baseline.clean.accuracy', 'baseline.randomInit.mse']);
    assert.deepEqual(evalMetricNames([{ 'test.accuracy': 1, 'test.accuracy.ci95': 0.1 }, undefined, { f1: 3, 'baseline.noisy.accuracy': 0.5 }]), ['f1', 'test.accuracy']);
  });

  it('puts a baseline on the chart whose metric has the same last name part', () => {
    assert.deepEqual(baselinesFor('test.accuracy', NAMES), ['baseline.clean.accuracy', 'baseline.noisy.accuracy']);
    assert.deepEqual(baselinesFor('test.mse', NAMES), ['baseline.randomInit.mse']);
    assert.deepEqual(baselinesFor('test.accuracyOfZ', NAMES), []);
    assert.deepEqual(baselinesFor('f1', NAMES), []);
  });

  it('titles known metrics, labels baselines by their source, and draws flat lines over a span', () => {
    assert.equal(evalTitle('test.accuracy'), 'Test accuracy (test.accuracy)');
    assert.equal(evalTitle('my.metric'), 'Evaluation: my.metric');
    assert.equal(baselineLabel('baseline.noisy.accuracy'), 'baseline: noisy');
    assert.equal(baselineLabel('baseline.accuracy'), 'baseline: accuracy');
    assert.deepEqual(flatLine(0.5, 0, 20), [{ x: 0, y: 0.5 }, { x: 20, y: 0.5 }]);
    assert.deepEqual(flatLine(0.5, 3, 3), [{ x: 3, y: 0.5 }]);
    assert.deepEqual(flatLine(Number.NaN, 0, 1), []);
  });
});
