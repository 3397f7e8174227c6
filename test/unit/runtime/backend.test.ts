// Backend selection on the machine running the tests. The tensorflow and webgpu cases assert the
// "unavailable" messages only where tfjs-node is absent / Dawn finds no adapter, so the file also
// passes on a machine that has them.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { type BackendInfo, type BackendName, backendRecord, parseBackendName, selectBackend } from '../../../src/runtime/backend';
import { cleanDawnOutput, probeWebgpuAdapter } from '../../../src/runtime/probeWebgpuAdapter';

const nodeRequire = createRequire(__filename);
const VALID = 'Valid backends: auto, tensorflow, webgpu, wasm, cpu.';

function installed(pkg: string): boolean {
  try {
    nodeRequire.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

let adapterPresent: boolean | undefined;
/** Whether Dawn finds an adapter here, asked the same way selectBackend asks. */
async function hasWebgpuAdapter(): Promise<boolean> {
  if (adapterPresent === undefined) {
    adapterPresent = installed('webgpu') && (await probeWebgpuAdapter(pathToFileURL(nodeRequire.resolve('webgpu')).href)).adapter !== null;
  }
  return adapterPresent;
}

/** [[1, 2], [3, 4]]² = [[7, 10], [15, 22]] on the active backend; read with data() (webgpu-safe). */
async function checkMatMul(): Promise<void> {
  const before = tf.memory().numTensors;
  const a = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const c = tf.matMul(a, a);
  assert.deepEqual(Array.from(await c.data()), [7, 10, 15, 22]);
  tf.dispose([a, c]);
  assert.equal(tf.memory().numTensors, before);
}

void describe('parseBackendName', () => {
  void it('accepts every valid name, case-insensitively', () => {
    for (const name of ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']) assert.equal(parseBackendName(name), name);
    assert.equal(parseBackendName(' WASM '), 'wasm');
  });

  void it('rejects an unknown name and lists the choices', () => {
    assert.throws(() => parseBackendName('gpu'), { message: `Unknown backend 'gpu'. ${VALID}` });
  });
});

void describe('selectBackend', () => {
  void it('cpu: selects, computes a matmul, and hides the tfjs-node banner', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
    try {
      const info = await selectBackend('cpu');
      assert.equal(info.name, 'cpu');
      assert.equal(tf.getBackend(), 'cpu');
      assert.match(info.detail, /tfjs-backend-cpu 4\.22\.0/);
      assert.deepEqual(info.skipped, []);
      // cpu has no facts beyond its version.
      assert.deepEqual(Object.keys(info).sort(), ['detail', 'name', 'requested', 'skipped']);
      await checkMatMul();
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(warnings.filter((w) => w.includes('looks like you are running TensorFlow.js')), []);
    // The banner is silenced with PROD raised for one write only; later warnings still show.
    assert.equal(tf.env().getBool('PROD'), false);
  });

  void it('wasm: selects (threaded where there are cores), computes a matmul', async () => {
    const info = await selectBackend('wasm');
    assert.equal(info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(info.detail, /tfjs-backend-wasm 4\.22\.0, (simd|no simd), (single-threaded|\d+ threads)/);
    // The same facts as fields: the threads that run and SIMD, as the detail words them.
    assert.equal(info.threads, getThreadsCount());
    assert.match(info.detail, info.threads! > 1 ? new RegExp(`, ${info.threads} threads`) : /, single-threaded/);
    assert.equal(info.simd, !info.detail.includes('no simd'));
    assert.equal(info.threadsFailed, undefined);
    await checkMatMul();
  });

  void it('auto: skips tensorflow (not installed) and webgpu (no adapter) with reasons, picks the next', async () => {
    const info = await selectBackend('auto');
    assert.equal(info.requested, 'auto');
    assert.equal(tf.getBackend(), info.name);
    if (!installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu')) {
      assert.equal(info.skipped[0]?.name, 'tensorflow');
      assert.match(info.skipped[0]?.reason ?? '', /neither is installed/);
    }
    if (info.name !== 'tensorflow' && !(await hasWebgpuAdapter())) {
      assert.equal(info.name, 'wasm');
      assert.deepEqual(
        info.skipped.map((s) => s.name),
        ['tensorflow', 'webgpu'],
      );
      assert.match(info.skipped[1]?.reason ?? '', /^(found no WebGPU adapter|needs the webgpu package)/);
    }
    await checkMatMul();
  });

  void it('tensorflow: says which package to install when neither tfjs-node build is present', async (t) => {
    if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) {
      t.skip('tfjs-node is installed here');
      return;
    }
    await assert.rejects(selectBackend('tensorflow'), {
      name: 'BackendUnavailableError',
      message:
        "backend 'tensorflow' needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, and neither is installed " +
        `(npm install @tensorflow/tfjs-node). ${VALID}`,
    });
  });

  void it('webgpu: says no adapter was found, and why, on a machine without a GPU', async (t) => {
    if (await hasWebgpuAdapter()) {
      t.skip('this machine has a WebGPU adapter');
      return;
    }
    const err: unknown = await selectBackend('webgpu').then(
      () => assert.fail('webgpu should not initialize without an adapter'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error);
    assert.match(err.message, /^backend 'webgpu' (found no WebGPU adapter \(.+\)|needs the webgpu package)/);
    assert.ok(err.message.endsWith(VALID), err.message);
  });

  void it('rejects an unknown name and lists the choices', async () => {
    await assert.rejects(selectBackend('gpu' as BackendName), { message: `Unknown backend 'gpu'. ${VALID}` });
  });
});

void describe('backendRecord', () => {
  void it('keeps every fact but requested, and skipped only when something was skipped', () => {
    const info: BackendInfo = { requested: 'auto', name: 'wasm', detail: 'd', threads: 2, simd: true, skipped: [{ name: 'webgpu', reason: 'r', adapter: 'a', software: 's' }] };
    assert.deepEqual(backendRecord(info), { name: 'wasm', detail: 'd', threads: 2, simd: true, skipped: [{ name: 'webgpu', reason: 'r', adapter: 'a', software: 's' }] });
    assert.deepEqual(backendRecord({ ...info, requested: 'wasm', skipped: [] }), { name: 'wasm', detail: 'd', threads: 2, simd: true });
  });
});

void describe('cleanDawnOutput', () => {
  void it('keeps Dawn messages and drops C++ source locations', () => {
    const stderr =
      "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory\n" +
      '    at operator() (/home/runner/work/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)\n\n';
    assert.equal(cleanDawnOutput(stderr), "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory");
  });
});
