// checkHypergradient end to end with the pass rule (src/protocol/checkRule.ts, docs/methods.md §13):
// a correct gradient with a near-zero directional derivative passes, a 10%-wrong one fails.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { checkHypergradient, createBuiltinProblem, getMethod } from '../../../../src/core';
import type { AnyMethodSpec } from '../../../../src/core';
import { directionPasses, directionsPass } from '../../../../src/protocol/checkRule';
import { TEST_BACKENDS, useBackend } from '../../helpers/backends';

const RTOL = 1e-3;

/** RHG with its hypergradient scaled by 1.1: a deliberately wrong gradient. */
const wrongRhg: AnyMethodSpec = {
  ...getMethod('rhg'),
  id: 'rhg-times-1.1',
  async hypergradient(ctx) {
    const result = await getMethod('rhg').hypergradient(ctx);
    const gx = result.gx.map((t) => tf.tidy(() => tf.mul(t, 1.1)));
    tf.dispose(result.gx);
    return { ...result, gx };
  },
};

for (const backend of TEST_BACKENDS) {
  describe(`check pass rule on ${backend}`, () => {
    test('setup', () => useBackend(backend));

    // K = 20, s = 0.5 from y_0 = 0: ∂φ_K/∂x_i = x_i(1 + b²) − b with b = 1 − 0.5^20, ≈ −0.002 at x = 0.499,
    // so every directional derivative is of order 1e-3 while φ ≈ 0.25: float32 FD noise is a few 1e-6.
    // (`bilevel check --problem toy-nonsingleton --n 4 --K 20 --inner-lr 0.5 --x 0.499 --directions 3
    // --backend wasm` measured a relative error of 2.7e-3 > rtol here: the purely relative rule failed it.)
    const nearZero = { options: { lowerSteps: 20, lowerLr: 0.5 }, x: { x: 0.499 }, directions: 3 };
    const toy = (): ReturnType<typeof createBuiltinProblem> => createBuiltinProblem('toy-nonsingleton', { n: 4 });

    test('RHG with near-zero directional derivatives passes (toy-nonsingleton, n = 4, x = 0.499)', async () => {
      const result = await checkHypergradient(toy(), 'rhg', nearZero);
      const detail = JSON.stringify(result.directions);
      assert.equal(result.directions.length, 4);
      for (const d of result.directions) {
        assert.ok(Math.abs(d.analytic) < 5e-3, detail);
        assert.ok(Number.isFinite(d.fdError) && d.fdError > 0, detail);
        assert.ok(d.fdError < 1e-4, `fdError is float32-sized: ${detail}`);
      }
      assert.ok(directionsPass(result.directions, RTOL), detail);
    });

    test('a gradient 10% off fails at the same near-zero point', async () => {
      const wrong = await checkHypergradient(toy(), wrongRhg, nearZero);
      assert.ok(!directionsPass(wrong.directions, RTOL), JSON.stringify(wrong.directions));
      assert.equal(directionPasses(wrong.directions[0]!, RTOL), false);
    });

    test('a gradient 10% off fails (toy-quadratic)', async () => {
      const definition = createBuiltinProblem('toy-quadratic', {});
      const options = { options: { lowerSteps: 10 } };
      const right = await checkHypergradient(definition, 'rhg', options);
      assert.ok(directionsPass(right.directions, RTOL), JSON.stringify(right.directions));
      const wrong = await checkHypergradient(definition, wrongRhg, options);
      assert.ok(!directionsPass(wrong.directions, RTOL), JSON.stringify(wrong.directions));
      // The g/‖g‖ direction (first) has derivative ‖g‖: 10% off is far beyond its tolerance.
      assert.equal(directionPasses(wrong.directions[0]!, RTOL), false);
    });
  });
}
