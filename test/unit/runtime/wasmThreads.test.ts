// The threaded wasm build in Node (src/runtime/wasmThreads.ts): it starts with the thread count asked
// for, computes what the single-threaded build computes, and never keeps Node alive. Its own file:
// a process initializes the wasm backend once.
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { defaultWasmThreads, parseWasmThreads, selectBackend } from '../../../src/runtime/backend';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** a·b in float64 on plain arrays, the reference the kernels are held to. */
function matMul64(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) out[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
  return out;
}

void describe('threaded wasm in Node', () => {
  void it('starts the pool with the threads asked for and multiplies like float64 (plain and transposed)', async () => {
    const info = await selectBackend('wasm', { wasmThreads: 2 });
    assert.equal(tf.getBackend(), 'wasm');
    // Node 20+ has wasm SIMD, which the threaded build needs.
    assert.match(info.detail, /simd, 2 threads, binaries/);
    assert.equal(getThreadsCount(), 2);
    // Big enough that XNNPACK splits the product across both threads.
    const [m, k, n] = [512, 300, 40];
    const a = tf.randomUniform([m, k], -1, 1, 'float32', 1);
    const b = tf.randomUniform([k, n], -1, 1, 'float32', 2);
    const want = matMul64(await a.data<'float32'>(), await b.data<'float32'>(), m, k, n);
    const at = tf.transpose(a);
    for (const got of [tf.matMul(a, b), tf.matMul(at, b, true, false)]) {
      const values = await got.data();
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(values[i]! - want[i]!));
      // float32 sums of 300 products of magnitude ≤ 1: rounding stays far below 1e-4.
      assert.ok(worst < 1e-4, `max |error| ${worst}`);
      got.dispose();
    }
    tf.dispose([a, b, at]);
  });

  void it('leaves Node free to exit: a CLI run on 2 threads ends by itself', () => {
    const bin = path.join(ROOT, 'bin', 'bilevel.js');
    assert.ok(existsSync(path.join(ROOT, 'dist', 'cli.js')), `dist/cli.js is missing under ${ROOT}; run \`npm run build\` first (npm test does).`);
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-threads-'));
    try {
      const r = spawnSync(process.execPath, [bin, 'run', '--problem', 'toy-nonconvex', '--method', 'rhg', '--iterations', '3', '--backend', 'wasm'], {
        cwd,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, BILEVEL_WASM_THREADS: '2' },
      });
      assert.equal(r.error, undefined, `the run did not end within 60 s: ${String(r.error)}`);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /tfjs-backend-wasm [\d.]+, simd, 2 threads/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  void it('reads BILEVEL_WASM_THREADS, else one thread per core (at most 8), and names bad values', () => {
    assert.equal(defaultWasmThreads({ BILEVEL_WASM_THREADS: '3' }), 3);
    assert.equal(defaultWasmThreads({}), Math.min(os.availableParallelism(), 8));
    assert.throws(() => defaultWasmThreads({ BILEVEL_WASM_THREADS: 'many' }), {
      message: "BILEVEL_WASM_THREADS must be a whole number of threads from 1 to 8, got 'many'",
    });
    assert.throws(() => parseWasmThreads('0', '--wasm-threads'), /--wasm-threads must be a whole number of threads from 1 to 8, got '0'/);
    assert.throws(() => parseWasmThreads('9', '--wasm-threads'), /from 1 to 8/);
  });
});
