// The registry patch itself: what it installs, that it is idempotent and self-healing, that it
// keeps tfjs's first derivatives, and that tfjs's own gradients really were wrong under nesting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's own gradient configs (the ones this module overrides), for the comparisons below.
import { eluGradConfig as tfjsElu } from '@tensorflow/tfjs-core/dist/gradients/Elu_grad';
import { expGradConfig as tfjsExp } from '@tensorflow/tfjs-core/dist/gradients/Exp_grad';
import { maxPoolGradConfig as tfjsMaxPool } from '@tensorflow/tfjs-core/dist/gradients/MaxPool_grad';
import { powGradConfig as tfjsPow } from '@tensorflow/tfjs-core/dist/gradients/Pow_grad';
import { seluGradConfig as tfjsSelu } from '@tensorflow/tfjs-core/dist/gradients/Selu_grad';
import { sigmoidGradConfig as tfjsSigmoid } from '@tensorflow/tfjs-core/dist/gradients/Sigmoid_grad';
import { softmaxGradConfig as tfjsSoftmax } from '@tensorflow/tfjs-core/dist/gradients/Softmax_grad';
import { tanhGradConfig as tfjsTanh } from '@tensorflow/tfjs-core/dist/gradients/Tanh_grad';
import { registerSecondOrderGradients, SECOND_ORDER_GRADIENTS, SECOND_ORDER_SAFE_KERNELS } from '../../../../src/core/autodiff';
import { assertAllClose } from '../../helpers/assertClose';
import { TEST_BACKENDS, readTidy, useBackend } from '../../helpers/backends';

/** Runs `body` with tfjs's own gradient for a kernel installed, then restores ours. */
function withTfjsGradient<T>(config: tf.GradConfig, body: () => T): T {
  tf.registerGradient(config);
  try {
    return body();
  } finally {
    registerSecondOrderGradients();
  }
}

const X = [-2.5, -1.2, -0.3, 0.4, 1.1, 2.7];
const V = [0.6, -1, 0.3, 0.9, -0.4, 0.2];

/** H v of Σ log(1 + exp(x)) by nested tf.grad, with the gradients registered when it is called. */
function softplusHvp(): tf.Tensor {
  const f = (x: tf.Tensor): tf.Tensor => tf.sum(tf.log(tf.add(1, tf.exp(x))));
  const v = tf.tensor1d(V);
  return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.grad(f)(x), v)))(tf.tensor1d(X));
}

/** The same H v in closed form: softplus'' = σ(1 − σ). */
const SOFTPLUS_HVP = X.map((x, i) => {
  const s = 1 / (1 + Math.exp(-x));
  return s * (1 - s) * V[i]!;
});

for (const backend of TEST_BACKENDS) {
  describe(`registerSecondOrderGradients (${backend})`, () => {
    test('setup', async () => {
      await useBackend(backend);
      registerSecondOrderGradients();
    });

    test('installs every config and leaves a gradient for every safe kernel', () => {
      for (const config of SECOND_ORDER_GRADIENTS) assert.equal(tf.getGradient(config.kernelName), config, config.kernelName);
      for (const kernel of SECOND_ORDER_SAFE_KERNELS) assert.ok(tf.getGradient(kernel) != null, `no gradient for ${kernel}`);
    });

    test('is idempotent and re-installs a config that was overridden', () => {
      registerSecondOrderGradients();
      const ours = tf.getGradient(tf.Exp);
      tf.registerGradient(tfjsExp);
      assert.equal(tf.getGradient(tf.Exp), tfjsExp);
      registerSecondOrderGradients();
      assert.equal(tf.getGradient(tf.Exp), ours);
    });

    test("regression: with tfjs's Exp gradient, H v through log(1 + exp(x)) is wrong; with ours it is right", async () => {
      // The tensors are computed under each registration; reading them afterwards changes nothing.
      const [before, after] = await readTidy(() => [withTfjsGradient(tfjsExp, softplusHvp), softplusHvp()]);
      // The outer tape cannot see the saved exp(x) depend on x, so a term of the Hessian is lost.
      const error = Math.max(...before!.map((h, i) => Math.abs(h - SOFTPLUS_HVP[i]!)));
      assert.ok(error > 0.1, `tfjs's Exp gradient unexpectedly gave the right H v (max error ${error})`);
      assertAllClose(after!, SOFTPLUS_HVP, { rtol: 1e-5, atol: 1e-6 }, 'H v');
    });

    test("regression: with tfjs's Sigmoid and Tanh gradients, nested tf.grad throws", () => {
      for (const [config, op] of [[tfjsSigmoid, tf.sigmoid], [tfjsTanh, tf.tanh]] as const) {
        assert.throws(() => withTfjsGradient(config, () => tf.tidy(() => {
          const g = tf.grad((x: tf.Tensor) => tf.sum(op(x)));
          tf.grad((x: tf.Tensor) => tf.sum(g(x)))(tf.tensor1d(X));
        })), /Cannot compute gradient/);
      }
    });

    test("first derivatives equal tfjs's own wherever tfjs's are correct", async () => {
      const x = [[-2.5, -1.2, -0.3], [0.4, 1.1, 2.7]];
      const positive = [[0.5, 1.2, 2], [0.7, 1.5, 0.9]];
      const dy = [[0.3, -1, 0.5], [2, 0.1, -0.7]];
      const weighted = (t: tf.Tensor): tf.Tensor => tf.sum(tf.mul(t, tf.tensor2d(dy)));
      const cases: [tf.GradConfig, number[][], (t: tf.Tensor) => tf.Tensor][] = [
        [tfjsExp, x, (t) => weighted(tf.exp(t))],
        [tfjsSigmoid, x, (t) => weighted(tf.sigmoid(t))],
        [tfjsTanh, x, (t) => weighted(tf.tanh(t))],
        [tfjsElu, x, (t) => weighted(tf.elu(t))],
        [tfjsSelu, x, (t) => weighted(tf.selu(t))],
        [tfjsSoftmax, x, (t) => weighted(tf.softmax(t))],
        [tfjsPow, x, (t) => weighted(tf.pow(tf.tensor2d(positive), t))],
        [tfjsPow, positive, (t) => weighted(tf.pow(t, tf.tensor2d(x)))],
      ];
      // MaxPool with tied maxima (three 1s in the first window): both gradients send dy to the first
      // maximum in row-major order. Only on cpu: wasm's MaxPoolGrad kernel, which tfjs's gradient
      // runs, drops dy for windows whose maximum is negative, and webgpu's sends dy to the last of
      // tied maxima (here [0, 0, 0, 0, 2, −3] against ours [2, −3, 0, 0, 0, 0]).
      if (backend === 'cpu') {
        const pooled = (t: tf.Tensor): tf.Tensor => tf.maxPool(tf.reshape(t, [1, 2, 3, 1]) as tf.Tensor4D, 2, 1, 'valid');
        cases.push([tfjsMaxPool, [[1, 1, 0], [0.5, 1, 1]], (t) => tf.sum(tf.mul(pooled(t), tf.tensor4d([2, -3], [1, 1, 2, 1])))]);
      }
      // Both gradients of every case, theirs computed under their registration, all read at once.
      const values = await readTidy(() =>
        cases.flatMap(([config, input, f]) => {
          const grad = (): tf.Tensor => tf.grad(f)(tf.tensor2d(input));
          return [grad(), withTfjsGradient(config, grad)];
        }),
      );
      cases.forEach(([config], i) => {
        assertAllClose(values[2 * i]!, values[2 * i + 1]!, { rtol: 1e-6, atol: 1e-7 }, config.kernelName);
      });
    });
  });
}
