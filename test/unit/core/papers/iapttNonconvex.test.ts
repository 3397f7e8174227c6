// IAPTT-GM on the non-convex toy of docs/methods.md §9b with the paper's Table 4 settings (500 outer
// iterations, K = 40, s = 0.0005, λ = 0.1 for x and z): it finds x* = 11π/4, y* = −2 from four
// starts, where RHG is stuck. Own file so node:test runs it beside the other files (~90 s on wasm).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createBuiltinProblem, runProblem } from '../../../../src/core';
import { useBackend } from '../../helpers/backends';

const X_STAR = (11 * Math.PI) / 4;
const STARTS = [
  [1, 2],
  [3, 0],
  [5, 1],
  [9, -1],
] as const;

describe('toy-nonconvex, Table 4 settings (wasm)', () => {
  test('setup', () => useBackend('wasm'));

  test('IAPTT-GM ends within |x − 11π/4| ≤ 0.15 and |y_K + 2| ≤ 0.05 from all four starts; mean k* ≈ 25 of 40', async () => {
    // Measured (wasm and cpu): x = 8.726, 8.652, 8.687, 8.721 and y_K = −2, −1.987, −2, −2, matching
    // the spec's float64 re-simulation (x ∈ [8.65, 8.73]); the mean k* over the last 100 iterations is
    // 25.6 for every start (spec: ≈ 25). The spec's CI criterion asks for three starts of four.
    for (const [x0, y0] of STARTS) {
      const kStars: number[] = [];
      const outcome = await runProblem(createBuiltinProblem('toy-nonconvex', { x0, y0 }), 'iaptt-gm', {}, { onRecord: (r) => void kStars.push(r.stats['ptt.kStar'] as number) });
      assert.equal(outcome.status, 'completed', outcome.message);
      assert.equal(outcome.options.iterations, 500, 'Table 4 defaults');
      const x = outcome.summary.x['x']![0]!;
      const y = outcome.summary.y['y']![0]!;
      assert.ok(Math.abs(x - X_STAR) <= 0.15, `start (${x0}, ${y0}): x = ${x}`);
      assert.ok(Math.abs(y + 2) <= 0.05, `start (${x0}, ${y0}): y_K = ${y}`);
      const late = kStars.slice(-100);
      const mean = late.reduce((a, b) => a + b, 0) / late.length;
      assert.ok(mean >= 20 && mean <= 30, `start (${x0}, ${y0}): mean k* = ${mean}`);
    }
  });

  test('RHG (no IA, no PTT) does not: x is pushed to the bound x = 1 from three starts, and to a wrong stationary point from (9, −1)', async () => {
    // Measured: x = 1 from (1, 2), (3, 0), (5, 1) (y_K = 1.99, 0.02, 1.01) and x = 8.883, y_K = −1.159
    // from (9, −1). The spec's re-simulation: RHG stays at x = 1 for three of the four starts.
    for (const [x0, y0] of STARTS) {
      const outcome = await runProblem(createBuiltinProblem('toy-nonconvex', { x0, y0 }), 'rhg', {});
      const x = outcome.summary.x['x']![0]!;
      const y = outcome.summary.y['y']![0]!;
      if (x0 === 9) assert.ok(Math.abs(x - X_STAR) > 0.15 && Math.abs(y + 2) > 0.5, `start (9, −1): x = ${x}, y_K = ${y}`);
      else assert.ok(Math.abs(x - 1) < 1e-3 && Math.abs(y + 2) > 0.5, `start (${x0}, ${y0}): x = ${x}, y_K = ${y}`);
    }
  });
});
