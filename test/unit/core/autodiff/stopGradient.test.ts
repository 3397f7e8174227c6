// stopGradient: same values, zero derivatives of every order.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../../../../src/core/autodiff';
import { TEST_BACKENDS, readTidy, useBackend } from '../../helpers/backends';

const X = [0.5, -1.5, 2];
const V = [1, 0.5, -2];

for (const backend of TEST_BACKENDS) {
  describe(`stopGradient (${backend})`, () => {
    test('setup', async () => {
      await useBackend(backend);
    });

    test('returns the same values and blocks first and second derivatives', async () => {
      const [value, grad, hv] = await readTidy(() => {
        const x = tf.tensor1d(X);
        const v = tf.tensor1d(V);
        // f(x) = Σ x ⊙ sg(x)²: ∇f = sg(x)² = x² (not 3x²), and ∇f is constant, so H v = 0.
        const f = (t: tf.Tensor): tf.Tensor => tf.sum(tf.mul(t, tf.square(stopGradient(t))));
        const g = tf.grad(f);
        return [stopGradient(x), g(x), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(g(t), v)))(x)];
      });
      assert.deepEqual(value, X);
      assert.deepEqual(grad, X.map((x) => Math.fround(x * x)));
      assert.deepEqual(hv, [0, 0, 0]);
    });
  });
}
