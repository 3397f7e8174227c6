// When the threaded wasm build does not start (here: a start timeout shorter than any start), the
// single-threaded build runs instead and the backend line says why. Its own file: a process
// initializes the wasm backend once.
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectBackend } from '../../../src/runtime/backend';

void describe('threaded wasm that fails to start', () => {
  void it('falls back to the single-threaded build, says why, and computes', async () => {
    const info = await selectBackend('wasm', { wasmThreads: 2, wasmThreadsTimeoutMs: 1 });
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(info.detail, /simd, single-threaded; 2 threads failed \(the pool did not start within 1 ms\), so single-threaded, binaries/);
    assert.equal(getThreadsCount(), 1);
    assert.deepEqual([info.threads, info.threadsFailed], [1, '2 threads failed (the pool did not start within 1 ms)']);
    // The shims are gone once the start is over.
    assert.equal((globalThis as { Worker?: unknown }).Worker, undefined);
    const c = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
    assert.deepEqual(Array.from(await c.data()), [19, 22, 43, 50]);
  });
});
