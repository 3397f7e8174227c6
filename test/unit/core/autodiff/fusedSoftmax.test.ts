// The fused softmax kernels on webgpu (SwiftShader unless VK_ICD_FILENAMES names a driver) against
// the generic ops they replace (setFusedSoftmax(false): the path every other backend takes, itself
// checked against finite differences in hvpOpTable.test.ts) and against central finite differences
// of their own lower-order derivatives: values, gradients, Hessian-vector products, the mixed
// derivative in the per-example weights (the hyper-cleaning structure) and a third derivative.
// Rows include logits of ±80 and labels outside [0, classes), whose loss and derivatives are 0.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MAX_FUSED_SOFTMAX_CLASSES, SOFTMAX_KERNELS } from '../../../../src/common/softmaxKernelNames';
import { crossEntropy, softmax } from '../../../../src/core/autodiff';
import { fusedSoftmaxApplies, setFusedSoftmax } from '../../../../src/core/autodiff/fusedSoftmax';
import { createRng } from '../../../../src/core/rng';
import { assertAllClose } from '../../helpers/assertClose';
import { readTidy, useBackend } from '../../helpers/backends';

const ROWS = 6;
const CLASSES = 5;
const LABELS = [0, 4, 2, -1, 5, 3];
// Fused and generic ops round differently (one Exp per thread against separate kernels): float32
// agreement, a few ulp of the largest terms.
const SAME = { rtol: 2e-5, atol: 2e-6 };
// Central differences with step H on float32 values of size ~1: truncation H²·f‴ ≈ 1e-4 relative,
// rounding 1e-7/H ≈ 1e-5.
const H = 1e-2;
const FD = { rtol: 2e-3, atol: 5e-4 };

interface Data {
  z: tf.Tensor2D;
  labels: tf.Tensor1D;
  w: tf.Tensor1D;
  u: tf.Tensor2D;
  v: tf.Tensor2D;
}

let d: Data;

/** Σᵢ wᵢ·CE(zᵢ, labelᵢ): the weighted lower-level loss of data hyper-cleaning. */
function loss(z: tf.Tensor, w: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(w, crossEntropy(z, d.labels, { reduction: 'none' })));
}

/** ∇_z loss. */
function gradient(z: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.grad((x: tf.Tensor) => loss(x, w))(z);
}

/** ⟨u, ∇²_z loss · v⟩ as a function of (z, w): its derivatives are third and mixed derivatives. */
function uHv(z: tf.Tensor, w: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(d.u, tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gradient(x, w), d.v)))(z)));
}

/** The values of `fn`'s tensors with the fused kernels and with generic ops. */
async function fusedAndGeneric(fn: () => tf.Tensor[]): Promise<[number[][], number[][]]> {
  const fused = await readTidy(fn);
  const before = setFusedSoftmax(false);
  try {
    return [fused, await readTidy(fn)];
  } finally {
    setFusedSoftmax(before);
  }
}

/** (f(x + H·dir) − f(x − H·dir)) / 2H for a tensor-valued f, on the fused kernels. */
async function centralDifference(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, dir: tf.Tensor): Promise<number[]> {
  const [diff] = await readTidy(() => [tf.div(tf.sub(f(tf.add(x, tf.mul(H, dir))), f(tf.sub(x, tf.mul(H, dir)))), 2 * H)]);
  return diff!;
}

describe('fused softmax kernels (webgpu)', () => {
  before(async () => {
    await useBackend('webgpu');
    const rng = createRng(7);
    const values = (n: number, scale: number): number[] => Array.from({ length: n }, () => scale * (2 * rng.uniform() - 1));
    const logits = values(ROWS * CLASSES, 3);
    // Row 1 spans ±80: exp overflows without the shift.
    for (let k = 0; k < CLASSES; k++) logits[CLASSES + k] = k % 2 === 0 ? 80 - k : -80 + k;
    d = {
      z: tf.keep(tf.tensor2d(logits, [ROWS, CLASSES])),
      labels: tf.keep(tf.tensor1d(LABELS, 'int32')),
      w: tf.keep(tf.tensor1d(values(ROWS, 1).map((x) => 0.5 + 0.5 * x))),
      u: tf.keep(tf.tensor2d(values(ROWS * CLASSES, 1), [ROWS, CLASSES])),
      v: tf.keep(tf.tensor2d(values(ROWS * CLASSES, 1), [ROWS, CLASSES])),
    };
  });

  test('crossEntropy takes the fused kernels on webgpu, up to MAX_FUSED_SOFTMAX_CLASSES classes, and not when turned off', async () => {
    // One profile at a time: tfjs keeps a single active profile.
    const kernels = async (fn: () => tf.Tensor): Promise<string[]> => (await tf.profile(() => fn())).kernelNames;
    assert.ok(fusedSoftmaxApplies(d.z));
    const small = await kernels(() => crossEntropy(d.z, d.labels));
    assert.ok(small.includes(SOFTMAX_KERNELS.crossEntropy), small.join(' '));
    assert.ok(!small.includes('OneHot'), 'no one-hot targets on the fused path');
    const large = await kernels(() => crossEntropy(tf.zeros([2, MAX_FUSED_SOFTMAX_CLASSES + 1]), tf.tensor1d([0, 1], 'int32')));
    assert.ok(!large.includes(SOFTMAX_KERNELS.crossEntropy), 'too many classes: generic ops');
    const before = setFusedSoftmax(false);
    try {
      assert.equal(fusedSoftmaxApplies(d.z), false);
      assert.ok(!(await kernels(() => crossEntropy(d.z, d.labels))).includes(SOFTMAX_KERNELS.crossEntropy), 'turned off: generic ops');
    } finally {
      setFusedSoftmax(before);
    }
  });

  test('losses match generic ops, out-of-range labels give 0', async () => {
    const [[fused], [generic]] = await fusedAndGeneric(() => [crossEntropy(d.z, d.labels, { reduction: 'none' })]);
    assertAllClose(fused!, generic!, SAME, 'loss');
    assert.equal(fused![3], 0);
    assert.equal(fused![4], 0);
    assert.ok(fused!.every(Number.isFinite), `finite at ±80: ${fused!.join(', ')}`);
  });

  test('gradient matches generic ops and central differences of the loss', async () => {
    const [[fused], [generic]] = await fusedAndGeneric(() => [gradient(d.z, d.w)]);
    assertAllClose(fused!, generic!, SAME, '∇_z loss');
    const [directional] = await readTidy(() => [tf.sum(tf.mul(gradient(d.z, d.w), d.v))]);
    const fd = await centralDifference((x) => loss(x, d.w), d.z, d.v);
    assertAllClose(directional!, fd, FD, '⟨∇_z loss, v⟩');
    // Rows with a label out of range have no loss, so no gradient.
    for (const row of [3, 4]) assert.deepEqual(fused!.slice(row * CLASSES, (row + 1) * CLASSES), Array(CLASSES).fill(0));
  });

  test('Hessian-vector product matches generic ops and central differences of the gradient', async () => {
    const hvp = (): tf.Tensor => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gradient(x, d.w), d.v)))(d.z);
    const [[fused], [generic]] = await fusedAndGeneric(() => [hvp()]);
    assertAllClose(fused!, generic!, SAME, '∇²_z loss · v');
    assertAllClose(fused!, await centralDifference((x) => gradient(x, d.w), d.z, d.v), FD, 'H v against differences');
  });

  test('mixed derivative in the per-example weights matches generic ops and central differences', async () => {
    const mixed = (): tf.Tensor => tf.grad((w: tf.Tensor) => tf.sum(tf.mul(gradient(d.z, w), d.v)))(d.w);
    const [[fused], [generic]] = await fusedAndGeneric(() => [mixed()]);
    assertAllClose(fused!, generic!, SAME, '∂_w ⟨∇_z loss, v⟩');
    const e0 = tf.tensor1d(Array.from({ length: ROWS }, (_, i) => (i === 0 ? 1 : 0)));
    const fd = await centralDifference((w) => tf.sum(tf.mul(gradient(d.z, w), d.v)), d.w, e0);
    e0.dispose();
    assertAllClose([fused![0]!], fd, FD, '∂_w0 against differences');
  });

  test('third derivatives (of ⟨u, H v⟩ in the logits and the weights) match generic ops and central differences', async () => {
    const third = (): tf.Tensor[] => {
      const g = tf.grads((z: tf.Tensor, w: tf.Tensor) => uHv(z, w));
      return g([d.z, d.w]);
    };
    const [fused, generic] = await fusedAndGeneric(third);
    assertAllClose(fused[0]!, generic[0]!, SAME, '∂_z ⟨u, H v⟩');
    assertAllClose(fused[1]!, generic[1]!, SAME, '∂_w ⟨u, H v⟩');
    const [directional] = await readTidy(() => [tf.sum(tf.mul(third()[0]!, d.v))]);
    assertAllClose(directional!, await centralDifference((x) => uHv(x, d.w), d.z, d.v), FD, '⟨∂_z ⟨u, H v⟩, v⟩ against differences');
  });

  test('the softmax kernel and its derivatives (the Jacobian-product kernel) match the generic softmax to third order', async () => {
    const viaKernel = (z: tf.Tensor): tf.Tensor => tf.engine().runKernel(SOFTMAX_KERNELS.softmax, { logits: z }) as tf.Tensor;
    const chain = (sm: (z: tf.Tensor) => tf.Tensor): tf.Tensor[] => {
      const f = (z: tf.Tensor): tf.Scalar => tf.sum(tf.mul(d.u, sm(z)));
      const g = (z: tf.Tensor): tf.Tensor => tf.grad(f)(z);
      const h = (z: tf.Tensor): tf.Tensor => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(g(x), d.v)))(z);
      const t = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(h(x), d.v)))(d.z);
      return [sm(d.z), g(d.z), h(d.z), t];
    };
    const fused = await readTidy(() => chain(viaKernel));
    const generic = await readTidy(() => chain((z) => softmax(z)));
    ['softmax', 'gradient', 'Hessian product', 'third derivative'].forEach((what, i) => assertAllClose(fused[i]!, generic[i]!, SAME, what));
  });
});
