// The toys' `--start random`: the start is drawn from the run's seed (the generator compileProblem is
// given, as the solver gives it createRng(seed)), inside each toy's documented box; `fixed` keeps the
// deterministic start. Also pins that the seed drives UFOM's coin.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { compileProblem, createBuiltinProblem, createRng, runProblem } from '../../../../src/core';
import { useBackend } from '../../helpers/backends';

/** The compiled x_0 and y_0 of a built-in toy under run seed `seed`, flattened per level. */
async function start(id: string, params: Record<string, unknown>, seed: number): Promise<{ x: number[]; y: number[] }> {
  const problem = await compileProblem(createBuiltinProblem(id, params), createRng(seed));
  try {
    const flat = (list: tf.Tensor[]): number[] => list.flatMap((t) => Array.from(t.dataSync()));
    const x = problem.initialUpper();
    const y = problem.initialLower();
    const out = { x: flat(x), y: flat(y) };
    tf.dispose([...x, ...y]);
    return out;
  } finally {
    problem.dispose();
  }
}

const inBox = (values: readonly number[], [low, high]: readonly [number, number]): boolean => values.every((v) => v >= low && v <= high);

/** Each toy's random box for x (and y where it is drawn), and its fixed start. */
const TOYS = [
  { id: 'toy-quadratic', params: { n: 5 }, xBox: [-2, 2], yBox: undefined, fixed: { x: 2, y: 2 } },
  { id: 'toy-nonsingleton', params: { n: 4 }, xBox: [-1, 3], yBox: undefined, fixed: { x: 0, y: 0 } },
  { id: 'toy-llc', params: { n: 4 }, xBox: [-1, 3], yBox: undefined, fixed: { x: 0.01, y: 0.01 } },
  { id: 'toy-nonconvex', params: {}, xBox: [1, 10], yBox: [-2, 2], fixed: { x: 1, y: 2 } },
] as const;

describe('toy starts from the seed', () => {
  test('setup', () => useBackend('cpu'));

  for (const toy of TOYS) {
    test(`${toy.id}: --start random is the same for one seed, differs between seeds, and lies in its box`, async () => {
      const params = { ...toy.params, start: 'random' };
      const a = await start(toy.id, params, 3);
      const again = await start(toy.id, params, 3);
      const b = await start(toy.id, params, 4);
      assert.deepEqual(again, a);
      assert.ok(a.x.every((v, i) => v !== b.x[i]), `seed 3 x_0 ${a.x} vs seed 4 ${b.x}`);
      for (const s of [a, b]) assert.ok(inBox(s.x, toy.xBox), `x_0 = ${s.x} outside [${toy.xBox}]`);
      if (toy.yBox) {
        assert.ok(a.y.every((v, i) => v !== b.y[i]), `seed 3 y_0 ${a.y} vs seed 4 ${b.y}`);
        for (const s of [a, b]) assert.ok(inBox(s.y, toy.yBox), `y_0 = ${s.y} outside [${toy.yBox}]`);
      } else {
        // The lower start stays the fixed one (see each toy's `start` parameter for why).
        assert.ok(a.y.every((v) => Math.abs(v - toy.fixed.y) < 1e-7), `y_0 = ${a.y}`);
      }
      // Entries of a vector are drawn independently, not one number broadcast.
      if (a.x.length > 1) assert.ok(new Set(a.x).size > 1, `x_0 = ${a.x}`);
    });

    test(`${toy.id}: the default (fixed) start is today's and ignores the seed`, async () => {
      for (const seed of [3, 4]) {
        const s = await start(toy.id, toy.params, seed);
        assert.ok(s.x.every((v) => Math.abs(v - toy.fixed.x) < 1e-7), `x_0 = ${s.x}`);
        assert.ok(s.y.every((v) => Math.abs(v - toy.fixed.y) < 1e-7), `y_0 = ${s.y}`);
      }
    });
  }

  test('toy-ufom: random (its default, θ_0 ~ U[−10, 30] as toy.py) follows the seed; fixed is θ_0 = 10', async () => {
    const a = await start('toy-ufom', {}, 3);
    assert.deepEqual(await start('toy-ufom', { start: 'random' }, 3), a);
    const b = await start('toy-ufom', {}, 4);
    assert.notEqual(a.x[0], b.x[0]);
    for (const s of [a, b]) assert.ok(inBox(s.x, [-10, 30]), `θ_0 = ${s.x}`);
    // The draw is toy.py's: −10 + 40·u with the run's first uniform number.
    assert.ok(Math.abs(a.x[0]! - (-10 + 40 * createRng(3).uniform())) < 1e-5, `θ_0 = ${a.x[0]}`);
    for (const seed of [3, 4]) assert.deepEqual((await start('toy-ufom', { start: 'fixed' }, seed)).x, [10]);
  });

  test("toy-ufom: the seed drives UFOM's coin (same seed, same coins; another seed, other coins)", async () => {
    const coins = async (seed: number): Promise<number[]> => {
      const trace: number[] = [];
      // A fixed start, so that only the coins (and the tasks) depend on the seed.
      const out = await runProblem(createBuiltinProblem('toy-ufom', { start: 'fixed' }), 'ufom', { iterations: 60, seed }, { onRecord: (r) => void trace.push(r.stats['ufom.coin'] as number) });
      assert.equal(out.status, 'completed', out.message);
      return trace;
    };
    const a = await coins(1);
    assert.equal(a.length, 60);
    assert.ok(a.every((c) => c === 0 || c === 1), `coins ${a}`);
    assert.deepEqual(await coins(1), a);
    assert.notDeepEqual(await coins(2), a);
  });
});
