// The oracle-call budget (`maxOracleCalls`, `--max-oracle-calls`): the outer loop stops after the
// first iteration whose cumulative gradient + HVP evaluations reach it, `iterations` stays the upper
// bound, and the summary says which of the two ended the run (docs/methods.md §1.3).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { METHODS, OptionsError, createBuiltinProblem, defineProblem, runProblem } from '../../../src/core';
import type { ProblemDefinition } from '../../../src/core';
import type { IterationRecord } from '../../../src/protocol/metrics';
import { useBackend } from '../helpers/backends';

/** The BDA toy at n = 1 (x* = 1; RHG stalls at ½). */
const nonsingleton = () => createBuiltinProblem('toy-nonsingleton', { n: 1 });

/** Runs `method` and keeps every record. */
async function run(definition: ProblemDefinition<unknown, unknown>, method: string, given: Record<string, number | string | boolean>, stopAfter?: number) {
  const records: IterationRecord[] = [];
  const out = await runProblem(definition, method, given, {
    onRecord: (r) => void records.push(r),
    ...(stopAfter !== undefined ? { shouldStop: () => records.length >= stopAfter } : {}),
  });
  return { ...out, records, calls: records.map((r) => r.gradientEvals + r.hvpEvals) };
}

describe('oracle-call budget (cpu)', () => {
  before(() => useBackend('cpu'));

  // RHG with K = 3 per outer iteration: K lower gradients + 1 gradient of F at y_K, and K reverse
  // steps of one double backward each (docs/methods.md §7): 4 + 3 = 7 calls, cumulative 7, 14, 21, 28.
  test('RHG (7 calls per iteration at K = 3): the counts by hand', async () => {
    const out = await run(nonsingleton(), 'rhg', { lowerSteps: 3, iterations: 4 });
    assert.deepEqual(out.records.map((r) => r.gradientEvals), [4, 8, 12, 16]);
    assert.deepEqual(out.records.map((r) => r.hvpEvals), [3, 6, 9, 12]);
    assert.equal(out.options.maxOracleCalls, 0, 'no budget unless one is given');
    assert.equal(out.summary.stopReason, 'iterations');
  });

  for (const [budget, iterations, calls] of [
    [20, 3, 21],
    [21, 3, 21],
    [22, 4, 28],
    [1, 1, 7],
  ] as const) {
    test(`RHG at K = 3 with a budget of ${budget} calls stops after ${iterations} iterations (${calls} calls)`, async () => {
      const out = await run(nonsingleton(), 'rhg', { lowerSteps: 3, iterations: 1000, maxOracleCalls: budget });
      assert.equal(out.status, 'completed');
      assert.equal(out.summary.stopReason, 'oracleBudget');
      assert.equal(out.summary.iterations, iterations);
      assert.equal(out.records.length, iterations);
      assert.equal(out.calls.at(-1), calls);
      assert.equal(out.options.maxOracleCalls, budget, 'the budget is part of the resolved (recorded) options');
    });
  }

  // sl-BAMM per iteration (docs/methods.md §7): 2 gradients, 1 second-order product and 1 more for
  // the adaptive multiplier step (its default): 4 calls, so a budget of 10 takes 3 iterations.
  test('sl-BAMM (4 calls per iteration) with a budget of 10 stops after 3 iterations (12 calls)', async () => {
    const free = await run(nonsingleton(), 'sl-bamm', { iterations: 3 });
    assert.deepEqual(free.records.map((r) => [r.gradientEvals, r.hvpEvals]), [[2, 2], [4, 4], [6, 6]]);
    const out = await run(nonsingleton(), 'sl-bamm', { iterations: 1000, maxOracleCalls: 10 });
    assert.deepEqual(out.calls, [4, 8, 12]);
    assert.equal(out.summary.stopReason, 'oracleBudget');
  });

  test('iterations stay the upper bound: a budget that is not reached ends on the iteration count', async () => {
    const out = await run(nonsingleton(), 'rhg', { lowerSteps: 3, iterations: 2, maxOracleCalls: 1000 });
    assert.equal(out.records.length, 2);
    assert.equal(out.summary.stopReason, 'iterations');
  });

  test('a budget reached on the last allowed iteration is reported as the budget', async () => {
    const out = await run(nonsingleton(), 'rhg', { lowerSteps: 3, iterations: 3, maxOracleCalls: 21 });
    assert.equal(out.records.length, 3);
    assert.equal(out.summary.stopReason, 'oracleBudget');
  });

  test('no budget (absent or 0) leaves the run as it was: same records, the iteration count ends it', async () => {
    const absent = await run(nonsingleton(), 'rhg', { lowerSteps: 3, iterations: 5 });
    const zero = await run(nonsingleton(), 'rhg', { lowerSteps: 3, iterations: 5, maxOracleCalls: 0 });
    const strip = (r: IterationRecord) => ({ ...r, forwardMs: 0, backwardMs: 0 });
    assert.deepEqual(zero.records.map(strip), absent.records.map(strip));
    assert.deepEqual(zero.options, absent.options);
    assert.equal(absent.records.length, 5);
    assert.equal(absent.summary.stopReason, 'iterations');
  });

  test('a cancelled run has no stop reason, even with a budget', async () => {
    const out = await run(nonsingleton(), 'rhg', { lowerSteps: 3, iterations: 1000, maxOracleCalls: 100 }, 2);
    assert.equal(out.status, 'cancelled');
    assert.equal(out.records.length, 2);
    assert.equal(out.summary.stopReason, undefined);
  });

  test('the iteration that spends the budget gets the final evaluation', async () => {
    const definition = defineProblem({ ...nonsingleton(), evaluate: ({ final }) => ({ final: final ? 1 : 0 }) });
    const out = await run(definition, 'rhg', { lowerSteps: 3, iterations: 1000, maxOracleCalls: 14, evalEvery: 0 });
    assert.deepEqual(
      out.records.map((r) => r.evals),
      [undefined, { final: 1 }],
    );
    assert.deepEqual(out.summary.evals, { final: 1 });
  });

  test('a budget that is not a whole number ≥ 0 is refused, naming the option', async () => {
    for (const bad of [-1, 2.5]) await assert.rejects(runProblem(nonsingleton(), 'rhg', { maxOracleCalls: bad }), (e: unknown) => e instanceof OptionsError && /maxOracleCalls/.test(e.message));
  });

  // Every method counts differently (per inner step, per reverse step, per task); the rule is the
  // same: with a budget of one call more than two iterations' worth, the run takes exactly three.
  for (const method of METHODS) {
    test(`${method.id}: stops after the first iteration whose cumulative calls reach the budget`, async () => {
      const problem = () => createBuiltinProblem('toy-quadratic', { n: 3 });
      const given = { lowerSteps: 4, seed: 1 };
      const free = await run(problem(), method.id, { ...given, iterations: 4 });
      assert.ok(free.calls[1]! > 0, `${method.id} counts its calls`);
      const out = await run(problem(), method.id, { ...given, iterations: 1000, maxOracleCalls: free.calls[1]! + 1 });
      assert.deepEqual(out.calls, free.calls.slice(0, 3));
      assert.equal(out.summary.stopReason, 'oracleBudget');
    });
  }
});
