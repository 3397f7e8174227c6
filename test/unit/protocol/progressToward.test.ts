// The progress rule the CLI's bar and the live panel share (src/protocol/progressToward.ts): the
// position toward whichever limit ends the run first, and the time left at the pace after the first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IterationRecord } from '../../../src/protocol/metrics';
import { estimateRemainingMs, progressToward } from '../../../src/protocol/progressToward';

describe('progressToward and estimateRemainingMs', () => {
  it('estimates from the iterations after the first', () => {
    assert.equal(estimateRemainingMs({ done: 1, at: 0 }, { done: 1, at: 0 }, 10), undefined);
    assert.equal(estimateRemainingMs({ done: 1, at: 1000 }, { done: 3, at: 1200 }, 10), 700);
    assert.equal(estimateRemainingMs({ done: 1, at: 1000 }, { done: 10, at: 2000 }, 10), 0);
  });

  it('progressToward picks the limit nearer its end, the budget on a tie', () => {
    const at = (iteration: number, calls: number): Pick<IterationRecord, 'iteration' | 'gradientEvals' | 'hvpEvals'> => ({ iteration, gradientEvals: calls - 1, hvpEvals: 1 });
    assert.deepEqual(progressToward(at(4, 100), { iterations: 10, maxOracleCalls: 0 }), { unit: 'iterations', done: 5, total: 10, iterations: 5 });
    assert.deepEqual(progressToward(at(4, 100), { iterations: 10, maxOracleCalls: 400 }), { unit: 'iterations', done: 5, total: 10, iterations: 5 }, '50% of the iterations, 25% of the budget');
    assert.deepEqual(progressToward(at(4, 300), { iterations: 10, maxOracleCalls: 400 }), { unit: 'oracle calls', done: 300, total: 400, iterations: 5 }, '75% of the budget');
    assert.deepEqual(progressToward(at(4, 200), { iterations: 10, maxOracleCalls: 400 }).unit, 'oracle calls', 'both at 50%');
    assert.deepEqual(progressToward({ iteration: 4, gradientEvals: Number.NaN, hvpEvals: 0 }, { iterations: 10, maxOracleCalls: 400 }).unit, 'iterations', 'no counters: iterations');
  });

  it('reports the last iteration overshooting the budget as it is', () => {
    // The run stops after the iteration that reaches the budget, which may spend more than is left.
    assert.deepEqual(progressToward({ iteration: 20, gradientEvals: 420, hvpEvals: 0 }, { iterations: 40, maxOracleCalls: 400 }), { unit: 'oracle calls', done: 420, total: 400, iterations: 21 });
  });
});
