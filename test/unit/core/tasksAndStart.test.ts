// MAML-type problems (y_0 = start(x)) and task sampling with meta-batches (docs/methods.md §1.3, §6.1).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Solver, checkHypergradient, defineProblem } from '../../../src/core';
import type { ProblemDefinition } from '../../../src/core';
import { assertAllClose } from '../helpers/assertClose';
import { useBackend } from '../helpers/backends';

type Task = { a: number; b: number };

/** u_0 = θ, f = ½a(u − b)², F = ½(u − 3)²; tasks draw (a, b) from two fixed pairs. */
function mamlToy(tasks: readonly Task[] | undefined): ProblemDefinition<undefined, Task> {
  const fixed: Task = tasks?.[0] ?? { a: 2, b: 1 };
  return defineProblem<undefined, Task>({
    id: 'maml-toy',
    upper: { variables: { theta: { shape: [1], init: 0.5 } }, objective: (_x, { u }) => tf.mul(0.5, tf.sum(tf.square(tf.sub(u!, 3)))) },
    lower: {
      variables: { u: { shape: [1], init: 0 } },
      objective: (_x, { u }, _d, task) => {
        const { a, b } = task ?? fixed;
        return tf.mul(0.5 * a, tf.sum(tf.square(tf.sub(u!, b))));
      },
      start: ({ theta }) => ({ u: tf.clone(theta!) }),
    },
    ...(tasks ? { sampleTask: (rng) => tasks[Math.floor(rng.uniform() * tasks.length)]! } : {}),
  });
}

/** dF(u_K(θ))/dθ for u_0 = θ: u_K = b + (1 − sa)^K (θ − b), so g = (u_K − 3)(1 − sa)^K. */
function exact(theta: number, { a, b }: Task, s: number, K: number): number {
  const c = (1 - s * a) ** K;
  return (b + c * (theta - b) - 3) * c;
}

describe('lower start from x and tasks (cpu)', () => {
  test('setup', () => useBackend('cpu'));

  test('RHG includes the path through y_0 = start(x); FOM keeps only the identity path (float64, rtol 1e-5)', async () => {
    const [s, K] = [0.1, 5];
    for (const method of ['rhg', 'fom']) {
      const solver = await Solver.create(mamlToy(undefined), method, { lowerSteps: K, lowerLr: s, iterations: 1 });
      const record = await solver.step();
      solver.dispose();
      const c = (1 - s * 2) ** K;
      const uK = 1 + c * (0.5 - 1);
      const expected = method === 'rhg' ? exact(0.5, { a: 2, b: 1 }, s, K) : uK - 3;
      assertAllClose([record.hypergradNorm], [Math.abs(expected)], { rtol: 1e-5, atol: 1e-7 }, method);
    }
  });

  test('check agrees with finite differences through the start (rtol 1e-3)', async () => {
    const result = await checkHypergradient(mamlToy(undefined), 'rhg', { options: { lowerSteps: 5, lowerLr: 0.1 } });
    assert.ok(result.maxRelativeError < 1e-3, JSON.stringify(result.directions));
  });

  test('meta-batch: sum is metaBatch × mean on the same tasks, and one task reproduces its closed form', async () => {
    const tasks: Task[] = [
      { a: 2, b: 1 },
      { a: 0.5, b: -2 },
    ];
    const norms: Record<string, number> = {};
    for (const reduction of ['mean', 'sum']) {
      const solver = await Solver.create(mamlToy(tasks), 'rhg', { lowerSteps: 4, lowerLr: 0.2, metaBatch: 3, metaReduction: reduction, seed: 7 });
      norms[reduction] = (await solver.step()).hypergradNorm;
      solver.dispose();
    }
    assertAllClose([norms['sum']!], [3 * norms['mean']!], { rtol: 1e-6 });
    const single = await Solver.create(mamlToy([tasks[1]!]), 'rhg', { lowerSteps: 4, lowerLr: 0.2 });
    const record = await single.step();
    single.dispose();
    assertAllClose([record.hypergradNorm], [Math.abs(exact(0.5, tasks[1]!, 0.2, 4))], { rtol: 1e-5 });
  });

  test('tasks leak no tensors over outer iterations', async () => {
    const tasks: Task[] = [{ a: 1, b: 0 }];
    const solver = await Solver.create(mamlToy(tasks), 'rhg', { lowerSteps: 3, metaBatch: 2 });
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) counts.push((await solver.step()).numTensors);
    solver.dispose();
    assert.deepEqual(counts, new Array(4).fill(counts[0]));
  });
});
