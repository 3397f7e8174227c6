// Whole runs against the known solutions of docs/methods.md §9 (fixed seeds; tolerances from the spec).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createBuiltinProblem, runProblem } from '../../../src/core';
import type { IterationRecord } from '../../../src/core';
import { useBackend } from '../helpers/backends';

describe('convergence to known solutions (wasm)', () => {
  test('setup', () => useBackend('wasm'));

  test('toy-nonsingleton: RHG ends within 1e-2 of x = 0.5, the known LLS failure (docs/methods.md §9a)', async () => {
    const outcome = await runProblem(createBuiltinProblem('toy-nonsingleton', { n: 1 }), 'rhg', { iterations: 150, lowerSteps: 20, lowerLr: 0.5, outerLr: 0.1 });
    assert.equal(outcome.status, 'completed');
    const x = outcome.summary.x['x']![0]!;
    assert.ok(Math.abs(x - 0.5) < 1e-2, `x = ${x}`);
  });

  test('toy-nonsingleton: CG is flagged (singular H_f) instead of silently returning garbage', async () => {
    const records: IterationRecord[] = [];
    const outcome = await runProblem(
      createBuiltinProblem('toy-nonsingleton', { n: 1 }),
      'cg',
      { iterations: 20, lowerSteps: 50, lowerLr: 0.5, outerLr: 0.1, cgIterations: 40 },
      { onRecord: (r) => void records.push(r) },
    );
    const flagged = records.filter((r) => r.stats['cg.flag'] !== '');
    assert.ok(outcome.status === 'diverged' || flagged.length > 0, `status ${outcome.status}, no CG flag`);
    assert.ok(outcome.status === 'diverged' || outcome.warnings.length > 0, 'the run must carry the CG warning');
    // At x_0 = 0 the system happens to be consistent (b² = y² − x = 0); once x moves it is not.
    assert.ok(flagged.every((r) => r.stats['cg.converged'] === false));
  });

  test('toy-quadratic: CG solves accurately where H_f ≻ 0 (no flag)', async () => {
    const records: IterationRecord[] = [];
    await runProblem(createBuiltinProblem('toy-quadratic', { n: 5 }), 'cg', { iterations: 3 }, { onRecord: (r) => void records.push(r) });
    for (const r of records) assert.equal(r.stats['cg.flag'], '', JSON.stringify(r.stats));
  });

  for (const method of ['rhg', 'cg', 'neumann']) {
    test(`toy-quadratic: ${method} reaches x* within 1e-3 relative`, async () => {
      const outcome = await runProblem(createBuiltinProblem('toy-quadratic', { n: 5 }), method, {});
      assert.equal(outcome.status, 'completed', outcome.message);
      const last = outcome.summary.last!;
      // upperDistance is absolute; x* has norm > 0.1 for this instance, checked below.
      const xStarNorm = Math.hypot(...createBuiltinProblem('toy-quadratic', { n: 5 }).solution!.upper!['x'] as number[]);
      assert.ok(xStarNorm > 0.1);
      assert.ok(last.upperDistance! / xStarNorm <= 1e-3, `‖x − x*‖/‖x*‖ = ${(last.upperDistance! / xStarNorm).toExponential(2)}`);
    });
  }

  test('a non-finite quantity ends the run as diverged, naming the step and the quantity', async () => {
    // s = 3 on f with curvature 1 makes y explode: |1 − 3|^K grows without bound.
    const outcome = await runProblem(createBuiltinProblem('toy-nonsingleton', { n: 1 }), 'rhg', { iterations: 50, lowerSteps: 200, lowerLr: 3 });
    assert.equal(outcome.status, 'diverged');
    assert.match(outcome.message!, /became (NaN|Infinity|-Infinity) at outer iteration 0/);
  });
});
