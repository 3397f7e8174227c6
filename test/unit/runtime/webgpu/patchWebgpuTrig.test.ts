// patchWebgpuTrig on webgpu (SwiftShader unless VK_ICD_FILENAMES names a driver): sin and cos within
// 5e-7 of float64 over [−100, 100], every quadrant of the reduction; tfjs's own shaders (WGSL's sin
// and cos, allowed 2⁻¹¹ of error) were off by up to 5e-5 on SwiftShader.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { patchWebgpuTrig } from '../../../../src/runtime/webgpu/patchWebgpuTrig';
import { assertAllClose } from '../../helpers/assertClose';
import { readTidy, useBackend } from '../../helpers/backends';

// 4001 points from −100 to 100 (step 0.05), as float32 values: the reference is float64 at the same inputs.
const X = Array.from({ length: 4001 }, (_, i) => Math.fround(-100 + i * 0.05));
// About 4 ulp of a result near 1, plus the reduction's rounding of r for |k| ≤ 64.
const TOL = { rtol: 0, atol: 5e-7 };

describe('patchWebgpuTrig (webgpu)', () => {
  before(async () => {
    await useBackend('webgpu');
    patchWebgpuTrig();
  });

  test('sin and cos match float64 to 5e-7 on [−100, 100]', async () => {
    const [sin, cos] = await readTidy(() => {
      const x = tf.tensor1d(X);
      return [tf.sin(x), tf.cos(x)];
    });
    assertAllClose(sin!, X.map(Math.sin), TOL, 'sin');
    assertAllClose(cos!, X.map(Math.cos), TOL, 'cos');
  });

  test('exact at the quadrant boundaries and at 0, odd and even as the functions are', async () => {
    const points = [0, Math.PI / 4, Math.PI / 2, Math.PI, (3 * Math.PI) / 2, 2 * Math.PI].map(Math.fround);
    const both = [...points, ...points.map((p) => -p)];
    const [sin, cos] = await readTidy(() => [tf.sin(tf.tensor1d(both)), tf.cos(tf.tensor1d(both))]);
    assertAllClose(sin!, both.map(Math.sin), TOL, 'sin');
    assertAllClose(cos!, both.map(Math.cos), TOL, 'cos');
    for (let i = 0; i < points.length; i++) {
      // === rather than Object.is: the sign of a zero result is not part of the claim.
      assert.ok(sin![i + points.length] === -sin![i]!, `sin(−x) = −sin(x) at ${points[i]}`);
      assert.ok(cos![i + points.length] === cos![i], `cos(−x) = cos(x) at ${points[i]}`);
    }
  });

  test('is idempotent and leaves no tensors behind', async () => {
    const kernel = tf.getKernel('Sin', 'webgpu')!.kernelFunc;
    patchWebgpuTrig();
    assert.equal(tf.getKernel('Sin', 'webgpu')!.kernelFunc, kernel);
    const before = tf.memory().numTensors;
    await readTidy(() => [tf.sin(tf.tensor1d([1, 2, 3]))]);
    assert.equal(tf.memory().numTensors, before);
  });
});
