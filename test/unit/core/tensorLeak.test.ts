// Tensor hygiene: live tensors must not grow with outer iterations, for every method.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { METHODS, Solver, createBuiltinProblem } from '../../../src/core';
import { TEST_BACKENDS, useBackend } from '../helpers/backends';

for (const backend of TEST_BACKENDS) {
  describe(`no tensor leaks on ${backend}`, () => {
    test('setup', () => useBackend(backend));
    for (const method of METHODS) {
      for (const optimizer of ['sgd', 'adam']) {
        test(`${method.id} with ${optimizer}: numTensors flat over outer iterations`, async () => {
          const before = tf.memory().numTensors;
          const solver = await Solver.create(createBuiltinProblem('toy-quadratic', { n: 3 }), method.id, { lowerSteps: 5, outerOptimizer: optimizer, warmStart: true });
          const counts: number[] = [];
          for (let i = 0; i < 6; i++) counts.push((await solver.step()).numTensors);
          // After the first step the solver holds x, the optimizer state, the last y_K and the
          // problem's data and solution: a fixed set, so every later count equals the first.
          assert.deepEqual(counts, new Array(6).fill(counts[0]), `counts ${counts.join(', ')}`);
          solver.dispose();
          assert.equal(tf.memory().numTensors, before, 'dispose() releases everything');
        });
      }
    }
  });
}
