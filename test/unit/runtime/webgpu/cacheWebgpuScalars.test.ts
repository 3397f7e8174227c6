// cacheWebgpuScalars on webgpu (SwiftShader unless VK_ICD_FILENAMES names a driver): a constant
// the loop writes again shares the first one's GPU data, so it is uploaded once; values, disposal
// and tf.memory() behave as without the cache; −0, NaN payloads and dtypes stay apart; the cache
// holds at most DEFAULT_SCALAR_CACHE_SIZE values.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { cacheWebgpuScalars, DEFAULT_SCALAR_CACHE_SIZE } from '../../../../src/runtime/webgpu/cacheWebgpuScalars';
import type { WebgpuScalarCache } from '../../../../src/runtime/webgpu/cacheWebgpuScalars';
import { startWebgpuCounters } from '../../../../src/runtime/webgpu/webgpuCounters';
import { read, readTidy, useBackend } from '../../helpers/backends';

let cache: WebgpuScalarCache;

describe('cacheWebgpuScalars (webgpu)', () => {
  before(async () => {
    await useBackend('webgpu');
    cache = cacheWebgpuScalars(tf.backend());
    // Results on the GPU, not handed off to the CPU for small inputs, so uploads happen.
    tf.env().set('WEBGPU_CPU_FORWARD', false);
  });
  after(() => tf.env().set('WEBGPU_CPU_FORWARD', true));

  test('is installed when webgpu starts, once per backend', () => {
    assert.equal(cacheWebgpuScalars(tf.backend()), cache);
  });

  test('a repeated constant shares one data buffer and is uploaded once', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const [first] = await readTidy(() => [tf.mul(x, 0.123)]);
    const counters = startWebgpuCounters();
    try {
      const a = tf.scalar(0.123);
      const b = tf.scalar(0.123);
      assert.equal(a.dataId, b.dataId);
      const [second] = await readTidy(() => [tf.mul(x, 0.123)]);
      assert.deepEqual(second, first);
      assert.equal(counters.snapshot().uploads, 0, 'the constant is on the GPU already');
      tf.dispose([a, b]);
    } finally {
      counters.stop();
      x.dispose();
    }
  });

  test('disposing one sharer leaves the others their value, and tf.memory() counts tensors as before', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const a = tf.scalar(4.5);
    const b = tf.scalar(4.5);
    assert.equal(tf.memory().numTensors, tensorsBefore + 2);
    a.dispose();
    assert.deepEqual(await read(b), [4.5]);
    b.dispose();
    assert.equal(tf.memory().numTensors, tensorsBefore);
    const c = tf.scalar(4.5);
    assert.deepEqual(await read(tf.add(c, 1)), [5.5]);
    c.dispose();
  });

  test('keeps dtype, shape, −0 and NaN apart', async () => {
    const pairs: [tf.Tensor, tf.Tensor][] = [
      [tf.scalar(0), tf.scalar(-0)],
      [tf.scalar(3, 'float32'), tf.scalar(3, 'int32')],
      [tf.scalar(1), tf.tensor1d([1])],
      [tf.scalar(1, 'bool'), tf.scalar(1, 'int32')],
    ];
    for (const [a, b] of pairs) assert.notEqual(a.dataId, b.dataId, `${a.dtype}[${a.shape}] vs ${b.dtype}[${b.shape}]`);
    assert.ok(Object.is((await read(tf.div(1, pairs[0]![1]!)))[0], -Infinity), '1 / −0 = −∞');
    const nan = tf.scalar(NaN);
    assert.ok(Number.isNaN((await read(tf.add(nan, 1)))[0]));
    tf.dispose([...pairs.flat(), nan]);
  });

  test('tensors with more than one element are not shared', () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([1, 2]);
    assert.notEqual(a.dataId, b.dataId);
    tf.dispose([a, b]);
  });

  test(`holds at most ${DEFAULT_SCALAR_CACHE_SIZE} values, evicting the least recently written`, () => {
    const first = tf.scalar(1e-7);
    first.dispose();
    for (let i = 0; i < DEFAULT_SCALAR_CACHE_SIZE; i++) tf.scalar(1000 + i).dispose();
    assert.equal(cache.stats().size, DEFAULT_SCALAR_CACHE_SIZE);
    const misses = cache.stats().misses;
    tf.scalar(1e-7).dispose();
    assert.equal(cache.stats().misses, misses + 1, 'the oldest value was evicted');
    tf.scalar(1000 + DEFAULT_SCALAR_CACHE_SIZE - 1).dispose();
    assert.equal(cache.stats().misses, misses + 1, 'a recent one was kept');
  });
});
