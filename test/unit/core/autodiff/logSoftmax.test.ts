// logSoftmax and softmax against float64 references, at logits up to ±100, with their Hessians.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, softmax } from '../../../../src/core/autodiff';
import { assertAllClose } from '../../helpers/assertClose';
import { TEST_BACKENDS, readTidy, useBackend } from '../../helpers/backends';
import { logSumExp64, rowsOf, softmax64, softmaxHessianTimes } from './float64Reference';

const X = [100, 99, -100, 60.5, -100, -99.5, -101, -130, 3, -2, 0.5, 1];
const V = [0.5, -1, 0.25, 2, -0.75, 0.3, 1, -0.2, 0.6, -0.9, 0.1, 0.4];
const W = [1, -0.5, 2, 0.3, 0.7, 0.2, -1.1, 0.4, -0.3, 0.9, 0.6, -0.8];

function transpose(rows: number[][]): number[][] {
  return rows[0]!.map((_, c) => rows.map((r) => r[c]!));
}

for (const backend of TEST_BACKENDS) {
  describe(`logSoftmax and softmax (${backend})`, () => {
    test('setup', async () => {
      await useBackend(backend);
    });

    test('match float64 on the last axis and on axis 0, for logits up to ±100', async () => {
      const rows = rowsOf(X, 4);
      const logP = rows.map((r) => r.map((z) => z - logSumExp64(r)));
      const logPColumns = transpose(transpose(rows).map((c) => c.map((z) => z - logSumExp64(c))));
      const [logSoftmaxLast, logSoftmax0, softmaxLast, softmax0] = await readTidy(() => {
        const x = tf.tensor2d(X, [3, 4]);
        return [logSoftmax(x), logSoftmax(x, 0), softmax(x), softmax(x, 0)];
      });
      assertAllClose(logSoftmaxLast!, logP.flat(), { rtol: 1e-6, atol: 2e-5 }, 'logSoftmax');
      assertAllClose(logSoftmax0!, logPColumns.flat(), { rtol: 1e-6, atol: 2e-5 }, 'logSoftmax axis 0');
      assertAllClose(softmaxLast!, rows.map(softmax64).flat(), { rtol: 1e-4, atol: 1e-7 }, 'softmax');
      assertAllClose(softmax0!, logPColumns.flat().map(Math.exp), { rtol: 1e-4, atol: 1e-7 }, 'softmax axis 0');
      assert.ok(logSoftmaxLast!.every(Number.isFinite), 'logSoftmax is finite');
    });

    test('H v of Σ w ⊙ logSoftmax(z) is −(Σ w)(diag p − p pᵀ) v per row, for logits up to ±100', async () => {
      const [hv] = await readTidy(() => {
        const w = tf.tensor2d(W, [3, 4]);
        const v = tf.tensor2d(V, [3, 4]);
        const g = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(logSoftmax(z), w)));
        return [tf.grad((z: tf.Tensor) => tf.sum(tf.mul(g(z), v)))(tf.tensor2d(X, [3, 4]))];
      });
      const ws = rowsOf(W, 4);
      const vs = rowsOf(V, 4);
      const exact = rowsOf(X, 4).flatMap((r, i) => {
        const sumW = ws[i]!.reduce((s, wi) => s + wi, 0);
        return softmaxHessianTimes(softmax64(r), vs[i]!).map((h) => -sumW * h);
      });
      assertAllClose(hv!, exact, { rtol: 1e-4, atol: 1e-6 }, 'H v');
    });

    test('H v of Σ w ⊙ softmax(z) matches nested finite differences of exp(logSoftmax)', async () => {
      // Two independent routes to the same Hessian: the Softmax kernel with the re-registered
      // gradient (last axis) and exp(logSoftmax) (axis 0 of the transpose).
      const [a, b] = await readTidy(() => {
        const x = tf.tensor2d(X.map((z) => z / 50), [3, 4]);
        const w = tf.tensor2d(W, [3, 4]);
        const v = tf.tensor2d(V, [3, 4]);
        const hvp = (f: (z: tf.Tensor) => tf.Tensor): tf.Tensor => {
          const g = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(f(z), w)));
          return tf.grad((z: tf.Tensor) => tf.sum(tf.mul(g(z), v)))(x);
        };
        return [hvp((z) => softmax(z)), hvp((z) => tf.transpose(softmax(tf.transpose(z), 0)))];
      });
      assertAllClose(a!, b!, { rtol: 1e-4, atol: 1e-6 }, 'H v');
    });
  });
}
