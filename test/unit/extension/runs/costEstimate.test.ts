// The time estimate before a comparison or a preset: per-iteration time after the warm-up,
// extrapolated to the planned iterations, summed over methods run one after another; the question
// is asked only above the threshold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costQuestion, estimateCost, estimateMethod, msPerIteration, shouldConfirm, type ProbeSample } from '../../../../src/extension/runs/costEstimate';

const rec = (iteration: number, time: number | undefined, ms = 10): ProbeSample['records'][number] => ({ iteration, forwardMs: ms / 2, backwardMs: ms / 2, ...(time !== undefined ? { time } : {}) });

describe('msPerIteration', () => {
  it('measures the wall-clock gap after the first (warm-up) record', () => {
    // Iteration 0 took 900 ms (warm-up); 1 and 2 took 100 ms each.
    assert.equal(msPerIteration([rec(0, 1900), rec(1, 2000), rec(2, 2100)]), 100);
  });

  it('falls back to the median forward + backward time of the records after the first without times', () => {
    assert.equal(msPerIteration([rec(0, undefined, 500), rec(1, undefined, 10), rec(2, undefined, 30), rec(3, undefined, 20)]), 20);
    assert.equal(msPerIteration([rec(0, undefined, 40)]), 40, 'the only record when there is one');
    assert.equal(msPerIteration([]), undefined);
  });
});

describe('estimateMethod / estimateCost', () => {
  it('adds the measured start and first iteration to the extrapolated rest', () => {
    const sample: ProbeSample = { method: 'rhg', plannedIterations: 301, startMs: 2000, records: [rec(0, 1000), rec(1, 1100), rec(2, 1200)] };
    const m = estimateMethod(sample);
    assert.equal(m.msPerIteration, 100);
    // 2 s to the end of iteration 0, then 300 iterations of 100 ms.
    assert.equal(m.totalMs, 2000 + 300 * 100);
  });

  it('sums the methods (they run one after another) and asks only above the threshold', () => {
    const a: ProbeSample = { method: 'rhg', plannedIterations: 1001, startMs: 1000, records: [rec(0, 0), rec(1, 360), rec(2, 720)] };
    const b: ProbeSample = { method: 'cg', plannedIterations: 1001, startMs: 1000, records: [rec(0, 0), rec(1, 300), rec(2, 600)] };
    const estimate = estimateCost([a, b], 3);
    assert.equal(estimate.totalMs, 1000 + 1000 * 360 + 1000 + 1000 * 300);
    assert.equal(shouldConfirm(estimate, 60), true);
    assert.equal(shouldConfirm(estimate, 3600), false);
    assert.equal(shouldConfirm(estimate, 0), false, '0 never asks');
    assert.equal(costQuestion(estimate), 'Expected about 11 min 02 s (rhg 6 min 01 s, cg 5 min 01 s; from a 3-iteration probe, one method at a time). Start?');
  });

  it('does not ask for a short comparison', () => {
    const quick: ProbeSample = { method: 'rhg', plannedIterations: 100, startMs: 800, records: [rec(0, 0), rec(1, 5), rec(2, 10)] };
    const estimate = estimateCost([quick, { ...quick, method: 'cg' }], 3);
    assert.equal(estimate.totalMs, 2 * (800 + 99 * 5));
    assert.equal(shouldConfirm(estimate, 60), false);
  });
});
