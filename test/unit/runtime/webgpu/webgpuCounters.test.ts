// startWebgpuCounters on webgpu (SwiftShader unless VK_ICD_FILENAMES names a driver): the counts of
// small computations worked out by hand from tfjs-backend-webgpu 4.22's backend_webgpu.js and
// buffer_manager.js, and stop() restoring every wrapped method, the pipeline cache and the kernels.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { startWebgpuCounters } from '../../../../src/runtime/webgpu/webgpuCounters';
import type { WebgpuCounts } from '../../../../src/runtime/webgpu/webgpuCounters';
import { useBackend } from '../../helpers/backends';

// Rank 4 keeps the Add shader key (ranks, dtypes, broadcasting) apart from anything compiled before.
const SHAPE = [1, 1, 2, 4];
const A = [1, 2, 3, 4, 5, 6, 7, 8];
const B = [8, 7, 6, 5, 4, 3, 2, 1];
const BYTES = 4 * A.length;

/** Counts of `fn` alone: counters started just before it and stopped after. */
async function count(fn: () => Promise<unknown>): Promise<WebgpuCounts> {
  const counters = startWebgpuCounters();
  try {
    await fn();
    return counters.snapshot();
  } finally {
    counters.stop();
  }
}

/** a + b of two fresh CPU tensors, read back, everything disposed: returns the sum's values. */
async function addAndRead(): Promise<number[]> {
  const a = tf.tensor(A, SHAPE);
  const b = tf.tensor(B, SHAPE);
  const c = tf.add(a, b);
  try {
    return Array.from(await c.data());
  } finally {
    tf.dispose([a, b, c]);
  }
}

describe('startWebgpuCounters (webgpu)', () => {
  let cpuForward: boolean;
  before(async () => {
    await useBackend('webgpu');
    cpuForward = tf.env().getBool('WEBGPU_CPU_FORWARD');
    // Small tensors with CPU values would otherwise run on the CPU, with no upload or dispatch.
    tf.env().set('WEBGPU_CPU_FORWARD', false);
  });
  after(() => tf.env().set('WEBGPU_CPU_FORWARD', cpuForward));

  test('a + b then data(): 1 kernel, 2 uploads, 1 dispatch, 1 new pipeline, 1 download of 32 bytes after 1 submit', async () => {
    let sum: number[] = [];
    const c = await count(async () => {
      sum = await addAndRead();
    });
    assert.deepEqual(sum, A.map(() => 9));
    assert.deepEqual(
      { kernels: c.kernels, byKernel: c.byKernel, uploads: c.uploads, uploadBytes: c.uploadBytes, dispatches: c.dispatches, newPipelines: c.newPipelines, byProgram: c.byProgram, submits: c.submits, downloads: c.downloads, downloadBytes: c.downloadBytes, syncReads: c.syncReads },
      // The dispatch waits in the command encoder (batches of 15); the download submits it with its copy.
      { kernels: 1, byKernel: { Add: 1 }, uploads: 2, uploadBytes: 2 * BYTES, dispatches: 1, newPipelines: 1, byProgram: { BinaryOpProgram: { dispatches: 1, newPipelines: 1 } }, submits: 1, downloads: 1, downloadBytes: BYTES, syncReads: 0 },
    );
  });

  test('the same computation again compiles nothing and reuses the buffers the first one freed', async () => {
    await addAndRead();
    const c = await count(addAndRead);
    assert.equal(c.newPipelines, 0);
    assert.deepEqual(c.byProgram, { BinaryOpProgram: { dispatches: 1, newPipelines: 0 } });
    // Reused: the output, a's and b's storage buffers (freed by the dispose), the uniform buffer and
    // the download's staging buffer (freed at the last submit). Created: a's and b's upload staging
    // buffers, since a reused storage buffer is no longer mapped and staging buffers are never reused.
    assert.deepEqual({ buffersReused: c.buffersReused, buffersCreated: c.buffersCreated }, { buffersReused: 5, buffersCreated: 2 });
  });

  test('a kernel forwarded to the CPU counts as a kernel with no upload or dispatch', async () => {
    tf.env().set('WEBGPU_CPU_FORWARD', true);
    try {
      const c = await count(async () => {
        const [a, b] = [tf.tensor1d([1, 2]), tf.tensor1d([3, 4])];
        const s = tf.add(a, b);
        assert.deepEqual(Array.from(await s.data()), [4, 6]);
        tf.dispose([a, b, s]);
      });
      assert.deepEqual({ kernels: c.kernels, uploads: c.uploads, dispatches: c.dispatches, downloads: c.downloads }, { kernels: 1, uploads: 0, dispatches: 0, downloads: 0 });
    } finally {
      tf.env().set('WEBGPU_CPU_FORWARD', false);
    }
  });

  test('a second read of the same tensor downloads nothing (its values stay cached on the CPU)', async () => {
    const a = tf.tensor(A, SHAPE);
    const s = tf.add(a, a);
    try {
      await s.data();
      const c = await count(async () => {
        assert.deepEqual(Array.from(await s.data()), A.map((x) => 2 * x));
      });
      assert.deepEqual({ downloads: c.downloads, submits: c.submits }, { downloads: 0, submits: 0 });
    } finally {
      tf.dispose([a, s]);
    }
  });

  test('reset() zeroes the counts and snapshot() is a copy', async () => {
    const counters = startWebgpuCounters();
    try {
      await addAndRead();
      const first = counters.snapshot();
      first.byProgram['BinaryOpProgram']!.dispatches = 99;
      assert.equal(counters.snapshot().byProgram['BinaryOpProgram']!.dispatches, 1);
      counters.reset();
      assert.deepEqual(counters.snapshot(), { kernels: 0, dispatches: 0, submits: 0, downloads: 0, downloadBytes: 0, syncReads: 0, uploads: 0, uploadBytes: 0, newPipelines: 0, buffersCreated: 0, buffersReused: 0, byKernel: {}, byProgram: {} });
    } finally {
      counters.stop();
    }
  });

  test('stop() restores the methods, the pipeline cache and the kernels, and counts nothing more', async () => {
    const backend = tf.findBackend('webgpu') as unknown as Record<string, unknown> & { bufferManager: object; pipelineCache: object };
    const methods = ['runWebGPUProgram', 'recordAndSubmit', 'submitQueue', 'getBufferData', 'readSync', 'uploadToGPU'];
    const cache = backend.pipelineCache;
    const add = tf.getKernel('Add', 'webgpu')!.kernelFunc;
    const counters = startWebgpuCounters();
    assert.notEqual(tf.getKernel('Add', 'webgpu')!.kernelFunc, add);
    assert.notEqual(backend.pipelineCache, cache);
    counters.stop();
    for (const m of methods) assert.equal(Object.prototype.hasOwnProperty.call(backend, m), false, m);
    assert.equal(Object.prototype.hasOwnProperty.call(backend.bufferManager, 'acquireBuffer'), false);
    assert.equal(backend.pipelineCache, cache);
    assert.equal(tf.getKernel('Add', 'webgpu')!.kernelFunc, add);
    await addAndRead();
    assert.equal(counters.snapshot().kernels, 0);
  });
});
