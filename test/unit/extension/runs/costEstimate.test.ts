// The time estimate before a comparison or a preset: per-iteration time after the warm-up,
// extrapolated to the planned iterations, summed over methods run one after another; the question
// is asked only above the threshold; an oracle-call budget that ends a run first shortens it, and the
// question says which limit each method's estimate counts to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundPhrase, callsPerIteration, costQuestion, estimateCost, estimateMethod, expectedIterations, msPerIteration, shouldConfirm, type ProbeSample } from '../../../../src/extension/runs/costEstimate';

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

/** Record of iteration `iteration` at `time`, after `calls` oracle calls per iteration (cumulative, as the solver counts). */
const costed = (iteration: number, time: number, calls: number): ProbeSample['records'][number] => ({ ...rec(iteration, time), gradientEvals: Math.ceil(calls / 2) * (iteration + 1), hvpEvals: Math.floor(calls / 2) * (iteration + 1) });

describe('an oracle-call budget in the estimate', () => {
  it('measures the calls per iteration from the records\u2019 cumulative counters', () => {
    assert.equal(callsPerIteration([costed(0, 0, 41), costed(1, 100, 41), costed(2, 200, 41)]), 41);
    assert.equal(callsPerIteration([rec(0, 0), rec(1, 100)]), undefined, 'no counters');
    assert.equal(callsPerIteration([]), undefined);
  });

  it('takes the nearer limit: ⌈budget / calls per iteration⌉ when under the iterations, the budget on a tie', () => {
    assert.deepEqual(expectedIterations(100_000, 6000, 41), { iterations: 147, bound: 'oracleBudget' }, '146 iterations spend 5986 calls, the 147th reaches 6000');
    assert.deepEqual(expectedIterations(100, 6000, 41), { iterations: 100, bound: 'iterations' });
    assert.deepEqual(expectedIterations(100, 4100, 41), { iterations: 100, bound: 'oracleBudget' }, 'both at iteration 100');
    assert.deepEqual(expectedIterations(100, 0, 41), { iterations: 100, bound: 'iterations' }, '0: no budget');
    assert.deepEqual(expectedIterations(100, undefined, 41), { iterations: 100, bound: 'iterations' });
    assert.deepEqual(expectedIterations(100, 6000, undefined), { iterations: 100, bound: 'iterations' }, 'no counters: the iterations');
    assert.deepEqual(expectedIterations(100, 6000, 0), { iterations: 100, bound: 'iterations' }, 'a method that calls no oracle never spends a budget');
  });

  it('extrapolates a budgeted run to the iterations the budget allows, not its 100 000 iterations', () => {
    // RHG at K = 20: 41 calls and 100 ms per iteration after a 2 s start; budget 6000 → 147 iterations.
    const sample: ProbeSample = { method: 'rhg', plannedIterations: 100_000, maxOracleCalls: 6000, startMs: 2000, records: [costed(0, 1000, 41), costed(1, 1100, 41), costed(2, 1200, 41)] };
    const m = estimateMethod(sample);
    assert.equal(m.iterations, 147);
    assert.equal(m.bound, 'oracleBudget');
    assert.equal(m.callsPerIteration, 41);
    assert.equal(m.totalMs, 2000 + 146 * 100);
    assert.equal(boundPhrase(m), '147 iterations to the 6000-call budget');
    // The same method without the budget would be asked about for 100 000 iterations.
    assert.equal(estimateMethod({ ...sample, maxOracleCalls: 0 }).totalMs, 2000 + 99_999 * 100);
  });

  it('says in the question which limit each method counts to', () => {
    // At 6000 calls: RHG (41 a step) stops after 147 iterations, sl-BAMM (4 a step) would need 1500
    // and its 1000 iterations end it first; a method run without a budget reads as before.
    const rhg: ProbeSample = { method: 'rhg', plannedIterations: 100_000, maxOracleCalls: 6000, startMs: 1000, records: [costed(0, 0, 41), costed(1, 1000, 41), costed(2, 2000, 41)] };
    const bamm: ProbeSample = { method: 'sl-bamm', plannedIterations: 1000, maxOracleCalls: 6000, startMs: 1000, records: [costed(0, 0, 4), costed(1, 100, 4)] };
    const cg: ProbeSample = { method: 'cg', plannedIterations: 101, startMs: 1000, records: [costed(0, 0, 30), costed(1, 600, 30)] };
    const estimate = estimateCost([rhg, bamm, cg], 3);
    assert.deepEqual(estimate.methods.map((m) => [m.iterations, m.bound]), [[147, 'oracleBudget'], [1000, 'iterations'], [101, 'iterations']]);
    // 148 s + 100.9 s + 61 s = 308.9 s, shown as 5 min 09 s.
    assert.equal(estimate.totalMs, 1000 + 146 * 1000 + 1000 + 999 * 100 + 1000 + 100 * 600);
    assert.equal(
      costQuestion(estimate),
      'Expected about 5 min 09 s (rhg 2 min 27 s [147 iterations to the 6000-call budget], sl-bamm 1 min 41 s [1000 iterations, within the 6000-call budget], cg 1 min 01 s; from a 3-iteration probe, one method at a time). Start?',
    );
  });

  it('says when a budgeted run\u2019s records carry no counters to place it on the budget', () => {
    const m = estimateMethod({ method: 'rhg', plannedIterations: 50, maxOracleCalls: 100, startMs: 0, records: [rec(0, 0), rec(1, 10)] });
    assert.equal(m.bound, 'iterations');
    assert.equal(boundPhrase(m), '50 iterations, calls per iteration unknown');
  });
});
