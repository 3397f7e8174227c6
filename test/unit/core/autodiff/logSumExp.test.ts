// logSumExp against float64 references: values at large |x|, gradient = softmax, H v = (diag p − p pᵀ) v.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { logSumExp } from '../../../../src/core/autodiff';
import { assertAllClose } from '../../helpers/assertClose';
import { TEST_BACKENDS, readTidy, useBackend } from '../../helpers/backends';
import { logSumExp64, rowsOf, softmax64, softmaxHessianTimes } from './float64Reference';

// Logits as large as ±100 in each row, where an unshifted exp overflows float32.
const X = [100, 99, -100, 60.5, -100, -99.5, -101, -130, 3, -2, 0.5, 1];
const V = [0.5, -1, 0.25, 2, -0.75, 0.3, 1, -0.2, 0.6, -0.9, 0.1, 0.4];

for (const backend of TEST_BACKENDS) {
  describe(`logSumExp (${backend})`, () => {
    test('setup', async () => {
      await useBackend(backend);
    });

    test('matches float64 along each axis and over all axes, for logits up to ±100', async () => {
      const rows = rowsOf(X, 4);
      const columns = [0, 1, 2, 3].map((c) => rows.map((r) => r[c]!));
      // float32 logits of magnitude 100 carry ~1e-5 absolute rounding; the shift keeps it there.
      const tol = { rtol: 1e-6, atol: 2e-5 };
      const [axis1, axis0, axisLast, all] = await readTidy(() => {
        const x = tf.tensor2d(X, [3, 4]);
        assert.deepEqual(logSumExp(x, 1, true).shape, [3, 1]);
        assert.deepEqual(logSumExp(x, [0, 1]).shape, []);
        return [logSumExp(x, 1), logSumExp(x, 0), logSumExp(x, -1), logSumExp(x)];
      });
      assertAllClose(axis1!, rows.map(logSumExp64), tol, 'axis 1');
      assertAllClose(axis0!, columns.map(logSumExp64), tol, 'axis 0');
      assertAllClose(axisLast!, rows.map(logSumExp64), tol, 'axis −1');
      assertAllClose(all!, [logSumExp64(X)], tol, 'all axes');
    });

    test('is −∞ for an all −∞ slice and ignores −∞ entries elsewhere', async () => {
      const [values] = await readTidy(() => [logSumExp(tf.tensor2d([-Infinity, 0, -Infinity, -Infinity], [2, 2]), 1)]);
      assert.deepEqual(values, [0, -Infinity]);
    });

    test('its gradient is softmax and its H v is (diag p − p pᵀ) v, for logits up to ±100', async () => {
      const [grad, hv] = await readTidy(() => {
        const x = tf.tensor2d(X, [3, 4]);
        const v = tf.tensor2d(V, [3, 4]);
        const f = (t: tf.Tensor): tf.Tensor => tf.sum(logSumExp(t, 1));
        const g = tf.grad(f);
        return [g(x), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(g(t), v)))(x)];
      });
      const p = rowsOf(X, 4).map(softmax64);
      const vs = rowsOf(V, 4);
      assertAllClose(grad!, p.flat(), { rtol: 1e-4, atol: 1e-6 }, 'gradient');
      assertAllClose(hv!, p.flatMap((pr, r) => softmaxHessianTimes(pr, vs[r]!)), { rtol: 1e-4, atol: 1e-6 }, 'H v');
    });

    test('leaves no tensors behind', () => {
      const x = tf.tensor2d(X, [3, 4]);
      const before = tf.memory().numTensors;
      logSumExp(x, 1).dispose();
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
    });
  });
}
