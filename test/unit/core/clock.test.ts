// computed(): waits for a tensor by reading back one float, never the tensor, and leaks nothing.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { computed, now } from '../../../src/core/clock';
import { startWebgpuCounters } from '../../../src/runtime/webgpu/webgpuCounters';
import { readTidy, useBackend } from '../helpers/backends';

describe('clock', () => {
  test('now() is monotonic', () => {
    const a = now();
    const b = now();
    assert.ok(b >= a);
  });
});

describe('computed (webgpu)', () => {
  before(async () => {
    await useBackend('webgpu');
  });

  test('downloads 4 bytes, not the tensor, leaves the tensor alive and leaks nothing', async () => {
    const big = tf.tidy(() => tf.mul(tf.ones([300, 784]), 2));
    const tensors = tf.memory().numTensors;
    const counters = startWebgpuCounters();
    try {
      await computed(big);
      const c = counters.snapshot();
      assert.equal(c.downloads, 1);
      assert.equal(c.downloadBytes, 4, 'one float32');
    } finally {
      counters.stop();
    }
    assert.equal(tf.memory().numTensors, tensors);
    const [corner] = await readTidy(() => [tf.slice(big, [0, 0], [1, 1])]);
    assert.equal(corner![0], 2, 'the tensor is still there');
    big.dispose();
  });
});
