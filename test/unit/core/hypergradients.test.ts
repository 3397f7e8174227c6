// Each hypergradient operator against an oracle that needs no finite differences: float64 closed
// forms of the unrolled toys (docs/methods.md §13) and the closed-form ∇φ of the quadratic (docs/methods.md §9d d2).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  checkHypergradient,
  compileProblem,
  createBuiltinProblem,
  createRng,
  getMethod,
  hypergradientAt,
  quadraticHypergradient,
  quadraticInstance,
  resolveRunOptions,
  startingPoint,
} from '../../../src/core';
import { assertAllClose, relativeError } from '../helpers/assertClose';
import { TEST_BACKENDS, useBackend } from '../helpers/backends';

/** The method's hypergradient at x (flattened), from the problem's y_0. */
async function hypergradient(problemId: string, params: Record<string, unknown>, method: string, options: Record<string, unknown>, x: Record<string, number | number[]>): Promise<number[]> {
  const definition = createBuiltinProblem(problemId, params);
  const spec = getMethod(method);
  const resolved = resolveRunOptions(definition, spec, options);
  const problem = await compileProblem(definition, createRng(0));
  const xs = startingPoint(problem, x);
  const { gx } = await hypergradientAt(problem, spec, resolved, xs);
  tf.dispose(xs);
  problem.dispose();
  return gx.flat();
}

/**
 * toy-nonsingleton from y_0 = 0: y¹_K = x(1 − (1−s)^K), y² = 0, so
 * dφ_K/dx = x + (y¹_K − 1)(1 − (1−s)^M) when the last M steps are differentiated (M = K: RHG).
 */
function nonsingletonOracle(x: number, s: number, K: number, M: number): number {
  const y1 = x * (1 - (1 - s) ** K);
  return x + (y1 - 1) * (1 - (1 - s) ** M);
}

/** toy-nonconvex: forward-mode float64 derivative of F(x, y_K(x)) through K clamped ascent steps on sin(xy). */
function nonconvexOracle(x: number, y0: number, s: number, K: number): number {
  let y = y0;
  let dy = 0;
  for (let k = 0; k < K; k++) {
    const pre = y + s * x * Math.cos(x * y);
    // d/dx of y + s·x·cos(x·y(x)), chain rule through y(x).
    const dpre = dy + s * (Math.cos(x * y) - x * Math.sin(x * y) * (y + x * dy));
    const inside = pre >= -2 && pre <= 2;
    y = Math.min(2, Math.max(-2, pre));
    dy = inside ? dpre : 0;
  }
  return 1 + y + x * dy;
}

for (const backend of TEST_BACKENDS) {
  describe(`hypergradients on ${backend}`, () => {
    test('setup', () => useBackend(backend));

    test('RHG and T-RHG (M = K) match the float64 unrolled derivative on toy-nonsingleton (rtol 1e-5)', async () => {
      const [x, s, K] = [0.3, 0.5, 10];
      for (const [method, opts] of [['rhg', {}], ['t-rhg', { truncation: K }]] as const) {
        const g = await hypergradient('toy-nonsingleton', { n: 5 }, method, { lowerSteps: K, lowerLr: s, ...opts }, { x });
        assertAllClose(g, new Array(5).fill(nonsingletonOracle(x, s, K, K)), { rtol: 1e-5, atol: 1e-6 }, method);
      }
    });

    test('T-RHG with M < K matches its own definition (y_{K−M} constant) on toy-nonsingleton', async () => {
      const [x, s, K, M] = [0.7, 0.3, 12, 3];
      const g = await hypergradient('toy-nonsingleton', { n: 2 }, 't-rhg', { lowerSteps: K, lowerLr: s, truncation: M }, { x });
      assertAllClose(g, [nonsingletonOracle(x, s, K, M), nonsingletonOracle(x, s, K, M)], { rtol: 1e-5, atol: 1e-6 });
      assert.ok(Math.abs(g[0]! - nonsingletonOracle(x, s, K, K)) > 1e-2, 'truncation must change the estimate here');
    });

    test('FOM is the direct term ∇_xF(x, y_K) only (= x − y² = x on toy-nonsingleton)', async () => {
      const g = await hypergradient('toy-nonsingleton', { n: 3 }, 'fom', { lowerSteps: 10, lowerLr: 0.5 }, { x: [0.2, -0.4, 1.5] });
      assertAllClose(g, [0.2, -0.4, 1.5], { rtol: 1e-6, atol: 1e-7 });
    });

    test('RHG matches the float64 derivative through the clamped non-convex dynamics (toy-nonconvex)', async () => {
      for (const [x, y0, s, K] of [
        [1, 2, 0.0005, 40],
        [3, 0, 0.05, 20],
        [5, 1, 0.1, 15],
      ] as const) {
        const g = await hypergradient('toy-nonconvex', { x0: x, y0 }, 'rhg', { lowerSteps: K, lowerLr: s }, { x });
        assertAllClose(g, [nonconvexOracle(x, y0, s, K)], { rtol: 1e-4, atol: 1e-5 }, `x=${x} y0=${y0}`);
      }
    });

    test('RHG (large K), CG and Neumann agree with the closed-form ∇φ on toy-quadratic (relative 1e-3)', async () => {
      const n = 5;
      const q = quadraticInstance(n, 0, false);
      const x = [0.3, -0.2, 0.8, 0.1, 0.5];
      const exact = quadraticHypergradient(q, x);
      // A's eigenvalues lie in [1, 2], so s = 0.5 contracts by ≤ 0.5 per step: K = 60 is exact in float32.
      const common = { lowerSteps: 60, lowerLr: 0.5 };
      for (const [method, opts] of [
        ['rhg', {}],
        ['cg', { cgIterations: 40 }],
        ['neumann', { neumannTerms: 60 }],
      ] as const) {
        const g = await hypergradient('toy-quadratic', { n }, method, { ...common, ...opts }, { x });
        const err = relativeError(g, exact);
        assert.ok(err <= 1e-3, `${method}: relative error ${err.toExponential(2)} > 1e-3 vs closed form`);
      }
    });

    test('check: RHG and T-RHG (M = K) agree with central FD of φ_K to 1e-3 on the three toys', async () => {
      const cases: [string, Record<string, unknown>, Record<string, unknown>, Record<string, number>][] = [
        ['toy-quadratic', { n: 5 }, { lowerSteps: 20, lowerLr: 0.5 }, { x: 0.4 }],
        ['toy-nonsingleton', { n: 4 }, { lowerSteps: 10, lowerLr: 0.5 }, { x: 0.3 }],
        ['toy-nonconvex', { x0: 3, y0: 0 }, { lowerSteps: 20, lowerLr: 0.05 }, { x: 3 }],
      ];
      for (const [id, params, options, x] of cases) {
        for (const [method, extra] of [['rhg', {}], ['t-rhg', { truncation: options.lowerSteps }]] as const) {
          const result = await checkHypergradient(createBuiltinProblem(id, params), method, { options: { ...options, ...extra }, x });
          assert.ok(result.exactForApproximateProblem);
          assert.ok(result.maxRelativeError <= 1e-3, `${id}/${method}: FD relative error ${result.maxRelativeError.toExponential(2)} (${JSON.stringify(result.directions)})`);
          assert.ok(result.relativeErrorVsRhg <= 1e-5, `${id}/${method}: differs from RHG by ${result.relativeErrorVsRhg}`);
        }
      }
    });

    test('check reports approximate methods against RHG and FD (T-RHG with M < K, FOM)', async () => {
      const definition = createBuiltinProblem('toy-nonsingleton', { n: 2 });
      const result = await checkHypergradient(definition, 't-rhg', { options: { lowerSteps: 10, lowerLr: 0.3, truncation: 2 }, x: { x: 0.2 } });
      assert.equal(result.exactForApproximateProblem, false);
      const exact = nonsingletonOracle(0.2, 0.3, 10, 10);
      const truncated = nonsingletonOracle(0.2, 0.3, 10, 2);
      assert.ok(Math.abs(result.relativeErrorVsRhg - Math.abs(truncated - exact) / Math.abs(exact)) < 1e-4);
      assert.ok(result.maxRelativeError > 1e-2, 'FD of φ_K must expose the truncation bias');
    });
  });
}
