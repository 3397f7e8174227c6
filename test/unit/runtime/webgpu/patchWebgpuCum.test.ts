// patchWebgpuCum on webgpu (SwiftShader unless VK_ICD_FILENAMES names a driver): tfjs's cumulative
// shader bakes the scanned length into its code but was cached without it, so a reverse scan of
// length 3 after one of length 2 ran the length-2 shader ([[1,2,3],[4,5,6]] → [[3,2,3],[9,5,6]]).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { patchWebgpuCum } from '../../../../src/runtime/webgpu/patchWebgpuCum';
import { readTidy, useBackend } from '../../helpers/backends';

const X = [1, 2, 3, 4, 5, 6];

describe('patchWebgpuCum (webgpu)', () => {
  before(async () => {
    await useBackend('webgpu');
    patchWebgpuCum();
  });

  test('scans of lengths 2, then 3, then 5, forward and reverse, inclusive and exclusive, by hand', async () => {
    // Order matters: each scan compiles (or reuses) a shader before the next length asks for one.
    const [axis0Rev, axis1Rev, axis0ExRev, axis1ExRev, axis1, long] = await readTidy(() => {
      const x = tf.tensor2d(X, [2, 3]);
      return [
        tf.cumsum(x, 0, false, true),
        tf.cumsum(x, 1, false, true),
        tf.cumsum(x, 0, true, true),
        tf.cumsum(x, 1, true, true),
        tf.cumsum(x, 1),
        tf.cumsum(tf.tensor1d([1, 2, 3, 4, 5]), 0, false, true),
      ];
    });
    assert.deepEqual(axis0Rev, [5, 7, 9, 4, 5, 6]);
    assert.deepEqual(axis1Rev, [6, 5, 3, 15, 11, 6]);
    assert.deepEqual(axis0ExRev, [4, 5, 6, 0, 0, 0]);
    assert.deepEqual(axis1ExRev, [5, 3, 0, 11, 6, 0]);
    assert.deepEqual(axis1, [1, 3, 6, 4, 9, 15]);
    assert.deepEqual(long, [15, 14, 12, 9, 5]);
  });

  test('cumprod takes the same path: reverse and exclusive over lengths 2 and 3', async () => {
    const [axis0Rev, axis1Rev, axis1ExRev] = await readTidy(() => {
      const x = tf.tensor2d(X, [2, 3]);
      return [tf.cumprod(x, 0, false, true), tf.cumprod(x, 1, false, true), tf.cumprod(x, 1, true, true)];
    });
    assert.deepEqual(axis0Rev, [4, 10, 18, 4, 5, 6]);
    assert.deepEqual(axis1Rev, [6, 6, 3, 120, 30, 6]);
    assert.deepEqual(axis1ExRev, [6, 3, 1, 30, 6, 1]);
  });

  test('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await readTidy(() => [tf.cumsum(tf.tensor2d(X, [3, 2]), 0, true, true)]);
    assert.equal(tf.memory().numTensors, before);
  });
});
