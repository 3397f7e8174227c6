// The webgpu wiring without a GPU: Dawn's `null` backend hands out an adapter whose kernels compute
// nothing meaningful, which is enough to check, in the bundled form, that tfjs-backend-webgpu is
// evaluated only after navigator.gpu exists (else it never registers) and that selectBackend and
// releaseBackend work end to end. A file of its own, so its useless backend never serves other tests.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { releaseBackend, selectBackend } from '../../../src/runtime/backend';

function webgpuPackageInstalled(): boolean {
  try {
    createRequire(__filename).resolve('webgpu');
    return true;
  } catch {
    return false;
  }
}

void describe('selectBackend webgpu (Dawn null adapter)', () => {
  void it('registers tfjs-backend-webgpu only after navigator.gpu is set, and runs through data()', async (t) => {
    if (!webgpuPackageInstalled()) {
      t.skip('the webgpu package is not installed');
      return;
    }
    // Loading the bundle must not have evaluated the webgpu backend yet.
    assert.equal(tf.findBackendFactory('webgpu'), null);

    const info = await selectBackend('webgpu', { dawnOptions: ['backend=null'] });
    assert.equal(info.name, 'webgpu');
    assert.equal(tf.getBackend(), 'webgpu');
    assert.match(info.detail, /^Dawn \(webgpu [\d.]+\) on null-backend; tfjs-backend-webgpu 4\.22\.0$/);
    // Dawn's null adapter is not a software rasterizer: named, not marked software.
    assert.deepEqual([info.adapter, info.software], ['null-backend', undefined]);

    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const c = tf.matMul(a, a);
    // The documented Node limitation: synchronous reads need OffscreenCanvas.
    assert.throws(() => c.dataSync(), /OffscreenCanvas is not defined/);
    // The null device computes nothing meaningful; only the shape of the answer is checked.
    assert.equal((await c.data()).length, 4);
    tf.dispose([a, c]);

    releaseBackend();
    assert.equal(tf.findBackendFactory('webgpu'), null);
    assert.equal((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu, undefined);
  });
});
