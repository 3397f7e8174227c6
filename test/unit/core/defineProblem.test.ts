// Problems are validated at the door: each error names the field and what would be valid.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ProblemError, Solver, compileProblem, createRng, defineProblem } from '../../../src/core';
import type { ProblemDefinition } from '../../../src/core';
import { useBackend } from '../helpers/backends';

const good = (): ProblemDefinition<undefined> => ({
  id: 'p',
  upper: { variables: { x: { shape: [2], init: 0 } }, objective: ({ x }, { y }) => tf.sum(tf.square(tf.sub(x!, y!))) },
  lower: { variables: { y: { shape: [2], init: [1, 2] } }, objective: ({ x }, { y }) => tf.sum(tf.square(tf.sub(y!, x!))) },
});

describe('defineProblem validation', () => {
  test('setup', () => useBackend('cpu'));

  test('a well-formed problem passes', () => {
    assert.doesNotThrow(() => defineProblem(good()));
  });

  const structural: [string, (p: Record<string, unknown>) => void, RegExp][] = [
    ['missing lower objective', (p) => ((p['lower'] as Record<string, unknown>)['objective'] = undefined), /lower\.objective: must be a function/],
    ['missing upper level', (p) => delete p['upper'], /upper: missing/],
    ['bad shape', (p) => ((p['upper'] as { variables: Record<string, unknown> }).variables['x'] = { shape: [0], init: 0 }), /upper\.variables\.x\.shape/],
    ['init length mismatch', (p) => ((p['lower'] as { variables: Record<string, unknown> }).variables['y'] = { shape: [3], init: [1, 2] }), /lower\.variables\.y\.init: has 2 values, shape \[3\] needs 3/],
    ['bad bounds', (p) => ((p['upper'] as { variables: Record<string, unknown> }).variables['x'] = { shape: [2], init: 0, bounds: [1, 0] }), /upper\.variables\.x\.bounds/],
    ['solution names an unknown variable', (p) => (p['solution'] = { upper: { z: 1 } }), /solution\.upper\.z: no upper variable 'z'/],
    ['bad id', (p) => (p['id'] = ''), /id: must be a non-empty string/],
  ];
  for (const [name, mutate, pattern] of structural) {
    test(`rejects: ${name}`, () => {
      const p = good() as unknown as Record<string, unknown>;
      mutate(p);
      assert.throws(() => defineProblem(p as unknown as ProblemDefinition<undefined>), (e: unknown) => e instanceof ProblemError && pattern.test(e.message));
    });
  }

  const numeric: [string, Partial<ProblemDefinition<undefined>>, RegExp][] = [
    ['non-scalar loss', { upper: { variables: { x: { shape: [2], init: 0 } }, objective: ({ x }) => tf.square(x!) as tf.Scalar } }, /upper\.objective: must return a scalar \(rank 0\), got shape \[2\]/],
    ['NaN at the initial point', { lower: { variables: { y: { shape: [2], init: [1, 2] } }, objective: ({ x }, { y }) => tf.sum(tf.log(tf.sub(tf.mul(x!, y!), 1))) } }, /lower\.objective: is NaN at the initial point/],
    ['shape mismatch inside the objective', { upper: { variables: { x: { shape: [3], init: 0 } }, objective: ({ x }, { y }) => tf.sum(tf.sub(x!, y!)) } }, /upper\.objective: threw at the initial point/],
    ['non-finite init', { lower: { variables: { y: { shape: [2], init: [1, Infinity] } }, objective: ({ y }) => tf.sum(y!) } }, /lower\.variables\.y\.init: entry 1 is Infinity/],
  ];
  for (const [name, patch, pattern] of numeric) {
    test(`rejects at compile: ${name}`, async () => {
      const before = tf.memory().numTensors;
      await assert.rejects(compileProblem({ ...good(), ...patch }, createRng(0)), (e: unknown) => e instanceof ProblemError && pattern.test(e.message));
      assert.equal(tf.memory().numTensors, before, 'a rejected problem leaves no tensors behind');
    });
  }

  test('unknown method and bad option values name the valid choices', async () => {
    await assert.rejects(Solver.create(good(), 'nope'), /unknown method 'nope'; valid methods: rhg, t-rhg, cg, neumann, fom/);
    await assert.rejects(Solver.create(good(), 'rhg', { lowerSteps: 0 }), /--K \(lowerSteps\): must be ≥ 1, got 0/);
    await assert.rejects(Solver.create(good(), 'rhg', { outerOptimizer: 'rmsprop' }), /must be one of sgd, adam/);
    await assert.rejects(Solver.create(good(), 'rhg', { cgIterations: 3 }), /unknown option 'cgIterations' for method 'rhg'/);
    await assert.rejects(Solver.create(good(), 't-rhg', { lowerSteps: 5, truncation: 6 }), /--M \(truncation\): must be ≤ K = 5, got 6/);
  });
});
