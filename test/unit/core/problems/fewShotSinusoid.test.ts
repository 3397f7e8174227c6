// Few-shot sinusoid regression (MAML §5.1): a meta-learned start adapts better than a random one, the
// ℓ_q term's Hessian-vector products match finite differences, and runs leak no tensors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Solver, createBuiltinProblem, runProblem } from '../../../../src/core';
import { lqPenalty } from '../../../../src/core/problems/fewShotNetwork';
import { assertAllClose } from '../../helpers/assertClose';
import { useBackend } from '../../helpers/backends';

/**
 * Measured on wasm, seed 1, meta-batch 4, K = 5, Adam 0.01 (the problem's defaults but for T), 50
 * held-out tasks (the same tasks for the run and the baseline, so the ratio is paired), on this
 * 2-core machine:
 *   fom (maml, s = 0.01, T = 200):       test.mse 1.75 ± 0.62, baseline.randomInit.mse 4.03 ± 1.15 (ratio 0.43), 7 s
 *   ufom (maml, s = 0.01, T = 200):      test.mse 2.67 ± 0.77, baseline 4.03 ± 1.15 (ratio 0.66), 8 s
 *   iaptt-gm (head, s = 0.05, T = 400):  test.mse 1.97 ± 0.63, baseline 4.21 ± 1.31 (ratio 0.47), 18 s
 *     (T = 200 gave 2.85–3.20, ratio 0.68–0.76: the head-only start learns more slowly, hence T = 400.)
 * The assertion asks for a ratio ≤ 0.8 (a 20% lower MSE), which the worst method meets with room.
 */
const MAX_RATIO = 0.8;

describe('fewshot-sinusoid (wasm)', () => {
  test('setup', () => useBackend('wasm'));

  for (const [method, mode, iterations] of [
    ['fom', 'maml', 200],
    ['ufom', 'maml', 200],
    ['iaptt-gm', 'head', 400],
  ] as const) {
    test(`${method} (${mode}): meta-learned start beats a random init after adaptation by ≥ 20%`, async (t) => {
      const started = Date.now();
      const problem = createBuiltinProblem('fewshot-sinusoid', { mode, testTasks: 50, finalTestTasks: 50 });
      const out = await runProblem(problem, method, { iterations, seed: 1, evalEvery: 0 });
      const e = out.summary.evals!;
      t.diagnostic(
        `${method}: test.mse ${e['test.mse']!.toFixed(3)} ± ${e['test.mse.ci95']!.toFixed(3)}, before adapting ${e['test.mseBeforeAdapt']!.toFixed(3)}, ` +
          `random init ${e['baseline.randomInit.mse']!.toFixed(3)} ± ${e['baseline.randomInit.mse.ci95']!.toFixed(3)}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      assert.equal(out.status, 'completed', out.message);
      assert.ok(e['test.mse']! <= MAX_RATIO * e['baseline.randomInit.mse']!, JSON.stringify(e));
      assert.ok(e['test.mse']! < e['test.mseBeforeAdapt']!, 'adaptation lowers the query MSE');
    });
  }

  test('numTensors is flat over outer iterations with evaluations, and dispose() releases everything', async () => {
    for (const [method, mode] of [
      ['ufom', 'maml'],
      ['iaptt-gm', 'head'],
    ] as const) {
      const before = tf.memory().numTensors;
      const solver = await Solver.create(createBuiltinProblem('fewshot-sinusoid', { mode, testTasks: 3 }), method, { iterations: 100, evalEvery: 2, ...(method === 'ufom' ? { q: 1 } : {}) });
      const counts: number[] = [];
      for (let i = 0; i < 5; i++) {
        const record = await solver.step();
        assert.equal(record.evals !== undefined, i % 2 === 0);
        counts.push(record.numTensors);
      }
      // The first evaluation (t = 0) caches the baseline's per-task tensor in the data; from then on the
      // solver holds a fixed set (x, optimizer state(s), z, last y_K, data).
      assert.deepEqual(counts, new Array(5).fill(counts[0]), `${method}: counts ${counts.join(', ')}`);
      solver.dispose();
      assert.equal(tf.memory().numTensors, before, `${method}: dispose() releases everything`);
    }
  });
});

describe('ℓ_q regularizer (cpu)', () => {
  test('setup', () => useBackend('cpu'));

  test('Hessian-vector product through nested tf.grad matches central differences of the gradient (rtol 2e-2)', () => {
    const options = { weight: 0.25, q: 0.5, eps: 0.1 };
    const w = [tf.tensor2d([0.3, -0.7, 1.1, 0.2, -0.4, 0.9], [3, 2]), tf.tensor1d([0.5, -0.25])];
    const v = [tf.tensor2d([0.1, 0.4, -0.3, 0.8, 0.2, -0.6], [3, 2]), tf.tensor1d([-0.7, 0.3])];
    const grad = (ws: tf.Tensor[]): tf.Tensor[] => tf.grads((...a: tf.Tensor[]) => lqPenalty(a, options))(ws);
    const hvp = tf.grads((...a: tf.Tensor[]) => {
      const g = grad(a);
      return tf.addN(g.map((gi, i) => tf.sum(tf.mul(gi, v[i]!)))) as tf.Scalar;
    })(w);
    const h = 1e-2;
    const plus = grad(w.map((wi, i) => tf.add(wi, tf.mul(v[i]!, h))));
    const minus = grad(w.map((wi, i) => tf.sub(wi, tf.mul(v[i]!, h))));
    const fd = plus.map((p, i) => tf.div(tf.sub(p, minus[i]!), 2 * h));
    for (let i = 0; i < w.length; i++) {
      assertAllClose(Array.from(hvp[i]!.dataSync()), Array.from(fd[i]!.dataSync()), { rtol: 2e-2, atol: 1e-4 }, `tensor ${i}`);
    }
    tf.dispose([...w, ...v, ...hvp, ...plus, ...minus, ...fd]);
  });
});
