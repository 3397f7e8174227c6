// The per-kernel timer of `bench:compare --profile`: counts calls by kernel and input shapes, keeps
// results unchanged, and restores the kernels it wrapped.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../../../src/runtime/backend';
import { startKernelTimer } from '../../../../src/runtime/kernels/kernelTimer';

describe('startKernelTimer', () => {
  before(() => selectBackend('wasm'));

  it('times each kernel by input shapes and transposes, and stop() restores the kernels', async () => {
    const original = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    const timer = startKernelTimer('wasm');
    const a = tf.ones([3, 4]);
    const b = tf.ones([3, 2]);
    const c = tf.matMul(a, b, true, false);
    const d = tf.matMul(a, b, true, false);
    assert.deepEqual(Array.from(await c.data()), [3, 3, 3, 3, 3, 3, 3, 3]);
    const row = timer.table().find((r) => r.kernel === 'BatchMatMul');
    assert.ok(row, 'BatchMatMul was timed');
    assert.equal(row.calls, 2);
    assert.equal(row.signature, '[3,4]·[3,2] tA=true tB=false');
    assert.ok(row.totalMs >= 0);
    timer.reset();
    assert.equal(timer.table().length, 0);
    timer.stop();
    assert.equal(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc, original);
    tf.dispose([a, b, c, d]);
  });
});
