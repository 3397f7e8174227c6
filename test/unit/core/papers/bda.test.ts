// BDA (docs/methods.md §3): hypergradient against a float64 oracle and central differences, its statistics,
// and convergence to the optimistic solution of the non-singleton toy where RHG fails (docs/methods.md §9a).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkHypergradient, createBuiltinProblem, runProblem } from '../../../../src/core';
import type { IterationRecord } from '../../../../src/core';
import { assertAllClose } from '../../helpers/assertClose';
import { TEST_BACKENDS, useBackend } from '../../helpers/backends';
import { bdaOracle, hypergradientOf, outerLoopOracle, settlingIteration } from './paperOracles';

const geometric = (a0: number, g: number) => (k: number) => a0 * g ** k;
const harmonic = (a0: number) => (k: number) => a0 / (k + 1);

for (const backend of TEST_BACKENDS) {
  describe(`BDA hypergradient on ${backend}`, () => {
    test('setup', () => useBackend(backend));

    test('matches the float64 forward-mode derivative of φ_K on toy-nonsingleton (rtol 1e-5)', async () => {
      // Float32 round-off over K ≤ 15 contracting linear steps stays near 1e-7 relative; 1e-5 leaves margin.
      const cases = [
        { x: 0.3, K: 10, s: 0.5, opts: {}, alpha: geometric(0.5, 0.9) },
        { x: -0.7, K: 15, s: 0.3, opts: { alphaSchedule: 'harmonic', alpha0: 0.9 }, alpha: harmonic(0.9) },
        { x: 1.4, K: 8, s: 0.4, opts: { upperStepSize: 0.2, lowerStepSize: 0.6, alpha0: 0.3, alphaDecay: 0.8 }, alpha: geometric(0.3, 0.8) },
      ];
      for (const { x, K, s, opts, alpha } of cases) {
        const { gx } = await hypergradientOf('toy-nonsingleton', { n: 3 }, 'bda', { lowerSteps: K, lowerLr: s, ...opts }, x);
        const su = (opts as { upperStepSize?: number }).upperStepSize ?? s;
        const sl = (opts as { lowerStepSize?: number }).lowerStepSize ?? s;
        const expected = bdaOracle(x, 0, 0, K, su, sl, alpha).g[0];
        assertAllClose(gx, [expected, expected, expected], { rtol: 1e-5, atol: 1e-6 }, `x=${x} K=${K}`);
      }
    });

    test('check: central differences of BDA’s own φ_K agree to 1e-3 (toy-quadratic, toy-nonsingleton, clamped toy-nonconvex)', async () => {
      const cases: [string, Record<string, unknown>, Record<string, unknown>, Record<string, number>][] = [
        ['toy-quadratic', { n: 5 }, { lowerSteps: 20, lowerLr: 0.5 }, { x: 0.4 }],
        ['toy-nonsingleton', { n: 4 }, { lowerSteps: 10, lowerLr: 0.5, alphaSchedule: 'harmonic' }, { x: 0.3 }],
        // s = 0.05 keeps the clamp inactive near x = 3; the FD then sees a smooth φ_K.
        ['toy-nonconvex', { x0: 3, y0: 0 }, { lowerSteps: 20, lowerLr: 0.05 }, { x: 3 }],
      ];
      for (const [id, params, options, x] of cases) {
        const result = await checkHypergradient(createBuiltinProblem(id, params), 'bda', { options, x });
        assert.ok(result.exactForApproximateProblem);
        assert.ok(result.maxRelativeError <= 1e-3, `${id}: FD relative error ${result.maxRelativeError.toExponential(2)} (${JSON.stringify(result.directions)})`);
        // RHG differentiates a different φ_K (no F in the lower steps), so it must differ.
        assert.ok(result.relativeErrorVsRhg > 1e-3, `${id}: BDA equals RHG (${result.relativeErrorVsRhg})`);
      }
    });

    test('stats: bda.alpha = α_{K−1} and bda.termRatio at y_{K−1} match float64; upperTrace has K entries', async () => {
      const [K, s] = [12, 0.5];
      const records: IterationRecord[] = [];
      await runProblem(createBuiltinProblem('toy-nonsingleton', { n: 2 }), 'bda', { iterations: 1, lowerSteps: K, lowerLr: s, traceEvery: 1 }, { onRecord: (r) => void records.push(r) });
      const stats = records[0]!.stats;
      assertAllClose([stats['bda.alpha'] as number], [0.5 * 0.9 ** (K - 1)], { rtol: 1e-12 });
      const oracle = bdaOracle(0, 0, 0, K, s, s, geometric(0.5, 0.9));
      assertAllClose([stats['bda.termRatio'] as number], [oracle.termRatio], { rtol: 1e-4 }, 'termRatio');
      assert.equal((stats['bda.upperTrace'] as number[]).length, K);
      // F(x_0, y_K) with x_0 = 0 on n = 2 coordinates.
      const FK = 2 * (0.5 * oracle.y2 ** 2 + 0.5 * (oracle.y1 - 1) ** 2);
      assertAllClose([(stats['bda.upperTrace'] as number[])[K - 1]!], [FK], { rtol: 1e-5 }, 'F(x, y_K)');
    });
  });
}

describe('BDA convergence (wasm)', () => {
  test('setup', () => useBackend('wasm'));

  test('toy-nonsingleton: BDA reaches x = e where RHG stops at ½e (docs/methods.md §9a oracle settings, 100 outer steps)', async () => {
    // Spec §9a: K = 50, s = 0.5, α_k = 0.5·0.9^k, SGD λ = 0.1 ends at x ≈ 0.995 (the K-step bias).
    // The float64 outer loop settles within 1e-2 of 1 after 50 iterations, so 100 suffice instead of 3000.
    const settings = { iterations: 100, lowerSteps: 50, lowerLr: 0.5, outerLr: 0.1 };
    const errors: number[] = [];
    const outcome = await runProblem(createBuiltinProblem('toy-nonsingleton', { n: 1 }), 'bda', settings, { onRecord: (r) => void errors.push(r.upperDistance!) });
    assert.equal(outcome.status, 'completed', outcome.message);
    const x = outcome.summary.x['x']![0]!;
    assert.ok(Math.abs(x - 1) < 1e-2, `x = ${x}`);
    const expected = outerLoopOracle('bda', { x0: 0, z0: 0, K: 50, s: 0.5, lr: 0.1, iterations: 100, alpha: geometric(0.5, 0.9) });
    // The float32 run follows the float64 loop (a contraction) to round-off.
    assert.ok(Math.abs(x - expected[100]!) < 1e-4, `x = ${x}, float64 loop ${expected[100]}`);
    const settled = settlingIteration(errors, 1e-2);
    assert.ok(settled !== undefined && settled <= 60, `settled at ${settled}`);
  });
});
