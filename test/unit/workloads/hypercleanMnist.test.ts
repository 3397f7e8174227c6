// Issue 5 acceptance, data hyper-cleaning on real MNIST digits (docs/methods.md §9f), at a size CI affords:
// 1000/500/1000 train/validation/test digits, 50% of training labels corrupted to a different label.
// The settings differ from the paper preset (`--preset iaptt-hyperclean`: 4000/2000/4000, K = 50,
// inner 0.03, Adam 0.01, T = 300) only to fit CI: a larger inner step (0.8; training on the ideal
// weights at that step is stable and gives the clean baseline) and outer step (Adam 0.1) reach in
// 50 outer iterations what the preset reaches in a few hundred. IAPTT-GM's z follows its code (SGD
// 0.03). Baselines run the same K inner steps with weights σ(x_0) = 0.5 on every sample (unweighted)
// and with the ideal weights (1 clean, 0 corrupted). Measured values are in the README.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createBuiltinProblem, runProblem } from '../../../src/core';
import type { IterationRecord } from '../../../src/core';
import { registerNodeDatasets } from '../../../src/datasets/registerNodeDatasets';
import { useBackend } from '../helpers/backends';

const SIZE = { train: 1000, validation: 500, test: 1000 };
const OPTIONS = { iterations: 50, lowerSteps: 40, lowerLr: 0.8, outerLr: 0.1, outerOptimizer: 'adam', evalEvery: 10, seed: 0 };
/** IAPTT-GM's z as in its hyper-cleaning code (docs/methods.md §9f): SGD 0.03. */
const IA_OPTIONS = { startOptimizer: 'sgd', startLr: 0.03 };

async function run(method: string, params: Record<string, unknown>, options: Record<string, unknown> = OPTIONS) {
  const records: IterationRecord[] = [];
  const t0 = Date.now();
  const out = await runProblem(createBuiltinProblem('hyperclean-mnist', { ...SIZE, ...params }), method, options as never, { onRecord: (r) => void records.push(r) });
  assert.equal(out.status, 'completed', out.message);
  const evals = out.summary.evals!;
  assert.ok(evals, 'the run has final evaluation metrics');
  return { evals, records, seconds: (Date.now() - t0) / 1000 };
}

const show = (e: Readonly<Record<string, number>>): string =>
  `acc ${e['test.accuracy']!.toFixed(1)} (noisy ${e['baseline.noisy.accuracy']!.toFixed(1)}, clean ${e['baseline.clean.accuracy']!.toFixed(1)}), F1 ${e['f1']!.toFixed(1)}`;

describe('hyperclean-mnist on wasm', () => {
  before(async () => {
    await useBackend('wasm');
    registerNodeDatasets();
  });

  test('evaluates at t = 0, every evalEvery and at the last iteration; F1 starts at 2·0.5/(1.5)·100 with all weights 0.5', async () => {
    const { records } = await run('fom', {}, { ...OPTIONS, iterations: 5, evalEvery: 2 });
    assert.deepEqual(records.filter((r) => r.evals).map((r) => r.iteration), [0, 2, 4]);
    const first = records[0]!.evals!;
    // x = 0 predicts every sample clean: P = 0.5 (exactly half are clean), R = 1, F1 = 2/3.
    assert.ok(Math.abs(first['f1']! - 200 / 3) < 0.01, `F1 at x = 0: ${first['f1']}`);
    assert.ok(Math.abs(first['precision']! - 50) < 0.01 && Math.abs(first['recall']! - 100) < 0.01);
    for (const r of records.filter((x) => x.evals)) {
      assert.equal(r.evals!['baseline.noisy.accuracy'], first['baseline.noisy.accuracy'], 'baselines are computed once');
    }
  });

  // Measured (seed 0): see README "Results". Asserted: F1 ≥ 80 and accuracy ≥ noisy baseline + 5.
  for (const method of ['rhg', 't-rhg', 'bda', 'iaptt-gm']) {
    test(`${method}: F1 of clean-sample identification ≥ 80 and test accuracy ≥ unweighted baseline + 5 points`, async (t) => {
      const { evals, seconds } = await run(method, { model: 'linear' }, method === 'iaptt-gm' ? { ...OPTIONS, ...IA_OPTIONS } : OPTIONS);
      t.diagnostic(`${method}: ${show(evals)}${evals['test.accuracyOfZ'] !== undefined ? `, acc(z) ${evals['test.accuracyOfZ'].toFixed(1)}` : ''} in ${seconds.toFixed(0)} s`);
      assert.ok(evals['f1']! >= 80, `F1 ${evals['f1']}`);
      assert.ok(evals['test.accuracy']! >= evals['baseline.noisy.accuracy']! + 5, show(evals));
    });
  }

  test('two-layer lower level (no activation, IAPTT code): IAPTT-GM beats the unweighted baseline', async (t) => {
    // Inner step 0.1: the product of two layers is not stable at 0.8. Measured +9 points at 40 iterations.
    const { evals, seconds } = await run('iaptt-gm', { model: 'two-layer', activation: 'none', hidden: 32 }, { ...OPTIONS, ...IA_OPTIONS, lowerLr: 0.1 });
    t.diagnostic(`iaptt-gm two-layer: ${show(evals)} in ${seconds.toFixed(0)} s`);
    assert.ok(evals['test.accuracy']! >= evals['baseline.noisy.accuracy']! + 3, show(evals));
  });

  test('keeps numTensors flat across iterations with evaluations and frees everything at the end', async () => {
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    await runProblem(createBuiltinProblem('hyperclean-mnist', { ...SIZE, train: 200, validation: 100, test: 100 }), 'iaptt-gm', { ...OPTIONS, iterations: 6, lowerSteps: 5, evalEvery: 2 } as never, {
      onRecord: () => void counts.push(tf.memory().numTensors),
    });
    assert.ok(counts.slice(1).every((c) => c === counts[1]), `numTensors per iteration: ${counts.join(', ')}`);
    assert.equal(tf.memory().numTensors, start);
  });
});
