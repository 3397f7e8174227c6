// patchWebgpuLog on webgpu (SwiftShader unless VK_ICD_FILENAMES names a driver): log(±0) = −∞ and
// log(NaN) = NaN in the shader, where SwiftShader's own log gave −88.0297 and 89.128; ordinary
// values as accurate as WGSL's log; small tensors still on the CPU handed off as tfjs does.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { patchWebgpuLog } from '../../../../src/runtime/webgpu/patchWebgpuLog';
import { assertAllClose } from '../../helpers/assertClose';
import { readTidy, useBackend } from '../../helpers/backends';

const SPECIAL = [0, -0, NaN, -1, -Infinity, Infinity];
const SPECIAL_LOG = [-Infinity, -Infinity, NaN, NaN, NaN, Infinity];
const ORDINARY = [1.17549435e-38, 1e-30, 0.5, 1, 3, 1e30];
// WGSL promises 3 ulp outside [0.5, 2] and 2⁻²¹ absolute inside; cpu's Math.log in float32 is the reference.
const TOL = { rtol: 1e-6, atol: 1e-6 };

/** The values of fn's tensor, its kernels run on the GPU (cpuForward false) or, for small inputs still on the CPU, there (true). */
async function readWith(cpuForward: boolean, fn: () => tf.Tensor): Promise<number[]> {
  tf.env().set('WEBGPU_CPU_FORWARD', cpuForward);
  try {
    const [y] = await readTidy(() => [fn()]);
    return y!;
  } finally {
    tf.env().set('WEBGPU_CPU_FORWARD', true);
  }
}

function patchedLog(values: number[], cpuForward: boolean): Promise<number[]> {
  return readWith(cpuForward, () => tf.log(tf.tensor1d(values)));
}

describe('patchWebgpuLog (webgpu)', () => {
  before(async () => {
    await useBackend('webgpu');
    patchWebgpuLog();
  });

  test('is idempotent: a second call keeps the registered kernel', () => {
    const kernel = tf.getKernel('Log', 'webgpu')!.kernelFunc;
    patchWebgpuLog();
    assert.equal(tf.getKernel('Log', 'webgpu')!.kernelFunc, kernel);
  });

  test('on the GPU: log(±0) = −∞, log(NaN) = log(x < 0) = NaN, log(∞) = ∞', async () => {
    assert.deepEqual(await patchedLog(SPECIAL, false), SPECIAL_LOG);
  });

  test('on the GPU: ordinary values match Math.log', async () => {
    assertAllClose(await patchedLog(ORDINARY, false), ORDINARY.map(Math.log), TOL, 'log');
  });

  test('small tensors on the CPU are handed off: the same special values, ordinary values exact in float32', async () => {
    assert.deepEqual(await patchedLog(SPECIAL, true), SPECIAL_LOG);
    assert.deepEqual(await patchedLog(ORDINARY, true), ORDINARY.map((x) => Math.fround(Math.log(Math.fround(x)))));
  });

  test('leaves no tensor or GPU buffer behind on either path', async () => {
    const before = tf.memory();
    await patchedLog(ORDINARY, false);
    await patchedLog(ORDINARY, true);
    assert.equal(tf.memory().numTensors, before.numTensors);
    assert.equal(tf.memory().numBytes, before.numBytes);
  });
});
