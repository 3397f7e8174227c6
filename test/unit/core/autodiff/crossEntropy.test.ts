// crossEntropy against float64 references: values at logits up to ±100 for both label forms and
// every reduction, the Hessian in the logits, the mixed derivative in soft labels, and its errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '../../../../src/core/autodiff';
import type { CrossEntropyReduction } from '../../../../src/core/autodiff';
import { assertAllClose } from '../../helpers/assertClose';
import { TEST_BACKENDS, readTidy, useBackend } from '../../helpers/backends';
import { logSumExp64, rowsOf, softmax64, softmaxHessianTimes } from './float64Reference';

const CLASSES = 4;
const LOGITS = [100, 99, -100, 60.5, -100, -99.5, -101, -130, 3, -2, 0.5, 1];
const LABELS = [2, 1, 3];
const SOFT = [0.2, 0, 0.5, 0.3, 1, 0, 0, 0, 0.1, 0.4, 0.7, 0.2];
const V = [0.5, -1, 0.25, 2, -0.75, 0.3, 1, -0.2, 0.6, -0.9, 0.1, 0.4];
const EXAMPLES = LABELS.length;

function oneHot(labels: readonly number[]): number[] {
  return labels.flatMap((l) => Array.from({ length: CLASSES }, (_, k) => (k === l ? 1 : 0)));
}

/** Per-example losses −Σ_k t_k (z_k − lse(z)) in float64. */
function losses64(targets: readonly number[]): number[] {
  const ts = rowsOf(targets, CLASSES);
  return rowsOf(LOGITS, CLASSES).map((z, b) => -ts[b]!.reduce((s, t, k) => s + t * (z[k]! - logSumExp64(z)), 0));
}

function reduce64(losses: number[], reduction: CrossEntropyReduction): number[] {
  const sum = losses.reduce((s, l) => s + l, 0);
  return reduction === 'none' ? losses : [reduction === 'sum' ? sum : sum / losses.length];
}

for (const backend of TEST_BACKENDS) {
  describe(`crossEntropy (${backend})`, () => {
    test('setup', async () => {
      await useBackend(backend);
    });

    test('matches float64 for int32 labels, one-hot labels and soft labels, with every reduction', async () => {
      const reductions = ['mean', 'sum', 'none'] as const;
      const forms: [string, number[]][] = [['int32 labels', oneHot(LABELS)], ['one-hot labels', oneHot(LABELS)], ['soft labels', SOFT]];
      const cases = forms.flatMap(([what, targets]) => reductions.map((reduction) => ({ what, targets, reduction })));
      // All nine losses in the order of cases: each label form with every reduction.
      const losses = await readTidy(() => {
        const logits = tf.tensor2d(LOGITS, [EXAMPLES, CLASSES]);
        const labels = [tf.tensor1d(LABELS, 'int32'), tf.tensor2d(oneHot(LABELS), [EXAMPLES, CLASSES]), tf.tensor2d(SOFT, [EXAMPLES, CLASSES])];
        assert.deepEqual(crossEntropy(logits, labels[0]!).shape, []);
        return labels.flatMap((l) => reductions.map((reduction) => crossEntropy(logits, l, { reduction })));
      });
      cases.forEach(({ what, targets, reduction }, i) => {
        // Losses reach ~230 here; float32 logits of magnitude 100 carry ~1e-5 rounding each.
        assertAllClose(losses[i]!, reduce64(losses64(targets), reduction), { rtol: 1e-6, atol: 1e-4 }, `${what}, ${reduction}`);
      });
    });

    test('H v in the logits is (Σ t)(diag p − p pᵀ) v / examples, for logits up to ±100', async () => {
      const exact = rowsOf(LOGITS, CLASSES).flatMap((z, b) => {
        const mass = rowsOf(SOFT, CLASSES)[b]!.reduce((s, t) => s + t, 0);
        return softmaxHessianTimes(softmax64(z), rowsOf(V, CLASSES)[b]!).map((h) => (mass * h) / EXAMPLES);
      });
      const [hv] = await readTidy(() => {
        const labels = tf.tensor2d(SOFT, [EXAMPLES, CLASSES]);
        const v = tf.tensor2d(V, [EXAMPLES, CLASSES]);
        const g = tf.grad((z: tf.Tensor) => crossEntropy(z, labels));
        return [tf.grad((z: tf.Tensor) => tf.sum(tf.mul(g(z), v)))(tf.tensor2d(LOGITS, [EXAMPLES, CLASSES]))];
      });
      assertAllClose(hv!, exact, { rtol: 1e-4, atol: 1e-7 }, 'H v');
    });

    test('∂/∂labels ⟨∇_logits loss, v⟩ is (p·v − v_j) / examples: soft labels stay differentiable', async () => {
      const ps = rowsOf(LOGITS, CLASSES).map(softmax64);
      const exact = rowsOf(V, CLASSES).flatMap((v, b) => {
        const pv = ps[b]!.reduce((s, p, k) => s + p * v[k]!, 0);
        return v.map((vj) => (pv - vj) / EXAMPLES);
      });
      const [mixed] = await readTidy(() => {
        const logits = tf.tensor2d(LOGITS, [EXAMPLES, CLASSES]);
        const v = tf.tensor2d(V, [EXAMPLES, CLASSES]);
        const gradLogits = (t: tf.Tensor): tf.Tensor => tf.grad((z: tf.Tensor) => crossEntropy(z, t))(logits);
        return [tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gradLogits(t), v)))(tf.tensor2d(SOFT, [EXAMPLES, CLASSES]))];
      });
      assertAllClose(mixed!, exact, { rtol: 1e-4, atol: 1e-7 }, '∂/∂labels ⟨∇ loss, v⟩');
    });

    test('int32 labels: H v is (diag p − p pᵀ) v / examples, and the label path adds nothing', async () => {
      const exact = rowsOf(LOGITS, CLASSES).flatMap((z, b) => softmaxHessianTimes(softmax64(z), rowsOf(V, CLASSES)[b]!).map((h) => h / EXAMPLES));
      const [hv] = await readTidy(() => {
        const labels = tf.tensor1d(LABELS, 'int32');
        const v = tf.tensor2d(V, [EXAMPLES, CLASSES]);
        const g = tf.grad((z: tf.Tensor) => crossEntropy(z, labels));
        return [tf.grad((z: tf.Tensor) => tf.sum(tf.mul(g(z), v)))(tf.tensor2d(LOGITS, [EXAMPLES, CLASSES]))];
      });
      assertAllClose(hv!, exact, { rtol: 1e-4, atol: 1e-7 }, 'H v, int32 labels');
    });

    test('per-example weights (reduction none): ∂/∂w_b ⟨∇_z Σ w·loss, v⟩ = p_b·v_b − v_b[label_b], ∂/∂w of the loss is the loss', async () => {
      const W = [0.3, 1.5, -0.7];
      const ps = rowsOf(LOGITS, CLASSES).map(softmax64);
      const vs = rowsOf(V, CLASSES);
      const exactMixed = LABELS.map((label, b) => ps[b]!.reduce((s, p, k) => s + p * vs[b]![k]!, 0) - vs[b]![label]!);
      const exactH = rowsOf(LOGITS, CLASSES).flatMap((_, b) => softmaxHessianTimes(ps[b]!, vs[b]!).map((h) => W[b]! * h));
      const [mixed, hv, dw] = await readTidy(() => {
        const labels = tf.tensor1d(LABELS, 'int32');
        const logits = tf.tensor2d(LOGITS, [EXAMPLES, CLASSES]);
        const v = tf.tensor2d(V, [EXAMPLES, CLASSES]);
        const weighted = (w: tf.Tensor, z: tf.Tensor): tf.Tensor => tf.sum(tf.mul(w, crossEntropy(z, labels, { reduction: 'none' })));
        const gradZ = (w: tf.Tensor, z: tf.Tensor): tf.Tensor => tf.grad((zz: tf.Tensor) => weighted(w, zz))(z);
        const w = tf.tensor1d(W);
        return [
          tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(gradZ(ww, logits), v)))(w),
          tf.grad((z: tf.Tensor) => tf.sum(tf.mul(gradZ(w, z), v)))(logits),
          tf.grad((ww: tf.Tensor) => weighted(ww, logits))(w),
        ];
      });
      assertAllClose(mixed!, exactMixed, { rtol: 1e-4, atol: 1e-6 }, 'mixed ∂w ∂z');
      assertAllClose(hv!, exactH, { rtol: 1e-4, atol: 1e-7 }, 'H v weighted');
      assertAllClose(dw!, losses64(oneHot(LABELS)), { rtol: 1e-6, atol: 1e-4 }, '∂/∂w');
    });

    test('int32 labels, third order: ∇_z ⟨H(z) v, u⟩ matches float64 central differences of Σ p u v − (p·u)(p·v)', async () => {
      // Moderate logits: a third derivative in float32 needs well-conditioned softmaxes.
      const Z = [0.5, -1.2, 2, 0.3, -0.4, 0.1, 1.1, -2, 1.5, 0.2, -0.6, 0.9];
      const U = [1, 0.2, -0.5, 0.7, -0.3, 0.9, 0.4, -1.1, 0.25, 0.6, -0.8, 0.1];
      const quadratic = (z: number[], b: number): number => {
        const p = softmax64(z);
        const u = rowsOf(U, CLASSES)[b]!;
        const v = rowsOf(V, CLASSES)[b]!;
        const dot = (a: number[], c: number[]): number => a.reduce((s, x, k) => s + x * c[k]!, 0);
        return (p.reduce((s, pk, k) => s + pk * u[k]! * v[k]!, 0) - dot(p, u) * dot(p, v)) / EXAMPLES;
      };
      const h = 1e-5;
      const exact = rowsOf(Z, CLASSES).flatMap((z, b) =>
        z.map((_, j) => {
          const shifted = (d: number): number[] => z.map((zk, k) => (k === j ? zk + d : zk));
          return (quadratic(shifted(h), b) - quadratic(shifted(-h), b)) / (2 * h);
        }),
      );
      const [third] = await readTidy(() => {
        const labels = tf.tensor1d(LABELS, 'int32');
        const v = tf.tensor2d(V, [EXAMPLES, CLASSES]);
        const u = tf.tensor2d(U, [EXAMPLES, CLASSES]);
        const g = tf.grad((z: tf.Tensor) => crossEntropy(z, labels));
        const hv = (z: tf.Tensor): tf.Tensor => tf.grad((zz: tf.Tensor) => tf.sum(tf.mul(g(zz), v)))(z);
        return [tf.grad((z: tf.Tensor) => tf.sum(tf.mul(hv(z), u)))(tf.tensor2d(Z, [EXAMPLES, CLASSES]))];
      });
      assertAllClose(third!, exact, { rtol: 1e-3, atol: 1e-6 }, '∇⟨H v, u⟩, int32 labels');
    });

    test('int32 labels outside [0, classes) give a zero loss, gradient and Hessian row', async () => {
      const [losses, grad, hv] = await readTidy(() => {
        const logits = tf.tensor2d(LOGITS, [EXAMPLES, CLASSES]);
        const labels = tf.tensor1d([2, -1, CLASSES], 'int32');
        const g = tf.grad((z: tf.Tensor) => crossEntropy(z, labels, { reduction: 'sum' }));
        const v = tf.tensor2d(V, [EXAMPLES, CLASSES]);
        return [crossEntropy(logits, labels, { reduction: 'none' }), g(logits), tf.grad((z: tf.Tensor) => tf.sum(tf.mul(g(z), v)))(logits)];
      });
      assertAllClose(losses!, [losses64(oneHot([2, 0, 0]))[0]!, 0, 0], { rtol: 1e-6, atol: 1e-4 }, 'losses');
      assertAllClose(grad!.slice(CLASSES), new Array(2 * CLASSES).fill(0), { rtol: 0, atol: 0 }, 'gradient rows of out-of-range labels');
      assertAllClose(hv!.slice(CLASSES), new Array(2 * CLASSES).fill(0), { rtol: 0, atol: 0 }, 'Hessian rows of out-of-range labels');
    });

    test('rejects labels, logits and options that do not fit, naming the argument', () => {
      tf.tidy(() => {
        const logits = tf.tensor2d(LOGITS, [EXAMPLES, CLASSES]);
        assert.throws(() => crossEntropy(logits, tf.tensor1d([1, 2], 'int32')), /int32 labels \(class indices\) must have shape \[3\]/);
        assert.throws(() => crossEntropy(logits, tf.tensor1d([1, 2, 3])), /labels must be int32 class indices of shape \[3\] or float32 targets of shape \[3, 4\]/);
        assert.throws(() => crossEntropy(tf.tensor1d(LABELS, 'int32'), tf.tensor1d(LABELS, 'int32')), /logits must be a float32 tensor/);
        assert.throws(() => crossEntropy(logits, tf.tensor1d(LABELS, 'int32'), { reduction: 'avg' as CrossEntropyReduction }), /options.reduction must be one of mean, sum, none/);
      });
    });
  });
}
