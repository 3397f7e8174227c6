// Options are resolved once: resolveRunOptions gives a complete, typed, JSON-safe value; resolving it
// again (as a run read back from run.json is) is the identity; and runResolved / Solver.fromResolved
// run it without resolving again, to the same numbers as runProblem with the raw options.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { METHODS, RUN_OPTIONS, Solver, createBuiltinProblem, getMethod, resolveRunOptions, runProblem, runResolved } from '../../../src/core';
import type { ProblemDefinition, ResolvedOptions, RunOptions } from '../../../src/core';
import { slBamm } from '../../../src/core/methods/slBamm';
import { truncatedRhg } from '../../../src/core/methods/truncatedRhg';
import { useBackend } from '../helpers/backends';

/** toy-quadratic with problem-level defaults, so that the second resolution sees them too. */
function quadratic(): ProblemDefinition<unknown, unknown> {
  const base = createBuiltinProblem('toy-quadratic', { n: 3 });
  return { ...base, defaults: { ...base.defaults, lowerSteps: 7, outerLr: 0.05, methodOptions: { truncation: 3, cgIterations: 9, q: 0.5 } } };
}

/** Non-default values the user might give, per method (run options for every method). */
const GIVEN: Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>> = {
  't-rhg': { truncation: 2 },
  bda: { alphaSchedule: 'harmonic', upperStepSize: 0.2 },
  'ia-gm-a': { acceleration: 'nesterov-momentum' },
  'sl-bamm': { strategy: 's1' },
  ufom: { adaptive: true, memoryMode: 'store' },
};

// Compile-time checks: `tsc` fails on this file if the derived types drift (the values are unused).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typeChecks: readonly true[] = [
  true satisfies Equal<RunOptions['outerOptimizer'], 'sgd' | 'adam'>,
  true satisfies Equal<RunOptions['lowerSteps'], number>,
  true satisfies Equal<RunOptions['warmStart'], boolean>,
  true satisfies Equal<ResolvedOptions<typeof truncatedRhg.options>['truncation'], number>,
  true satisfies Equal<ResolvedOptions<typeof slBamm.options>['strategy'], 's1' | 's2' | 's3' | 'constant'>,
  // run.json and IPC messages take resolved options as plain records.
  true satisfies (ResolvedOptions extends Readonly<Record<string, number | string | boolean>> ? true : false),
  // A raw record is not resolved options: runResolved and Solver.fromResolved take only resolveRunOptions's value.
  true satisfies ({ iterations: number } extends ResolvedOptions ? false : true),
];

describe('resolveRunOptions: one complete value, stable under resolving again', () => {
  test('types derived from the declarations hold', () => assert.ok(typeChecks.every((t) => t)));

  for (const method of METHODS) {
    test(`${method.id}: every declared key present; resolving the value (or its JSON) again is the identity`, () => {
      const definition = quadratic();
      const resolved = resolveRunOptions(definition, method, { iterations: 4, seed: 3, ...(GIVEN[method.id] ?? {}) });
      assert.deepEqual(Object.keys(resolved), [...RUN_OPTIONS, ...method.options].map((s) => s.key));
      assert.deepEqual(resolveRunOptions(definition, method, resolved), resolved);
      const recorded = JSON.parse(JSON.stringify(resolved)) as Record<string, unknown>;
      const again = resolveRunOptions(definition, method, recorded);
      assert.deepEqual(again, resolved);
      assert.deepEqual(Object.keys(again), Object.keys(resolved), 'same key order, so run.json is byte-identical');
    });
  }

  test('problem defaults and computed defaults are kept, not recomputed, on the second resolution', () => {
    const definition = quadratic();
    const once = resolveRunOptions(definition, truncatedRhg, {});
    assert.equal(once.lowerSteps, 7);
    assert.equal(once.truncation, 3);
    // With K = 12 given afresh M would default to 6; a resolved value keeps its own M.
    assert.deepEqual(resolveRunOptions(definition, truncatedRhg, once), once);
    assert.equal(resolveRunOptions(createBuiltinProblem('toy-quadratic', { n: 3 }), truncatedRhg, { lowerSteps: 12 }).truncation, 6);
  });
});

describe('runResolved and Solver.fromResolved (cpu)', () => {
  test('setup', () => useBackend('cpu'));

  for (const methodId of ['rhg', 't-rhg', 'ia-gm', 'ufom', 'sl-bamm']) {
    test(`${methodId}: runResolved with options resolved once ends at the same x as runProblem with the raw options`, async () => {
      const definition = quadratic();
      const given = { iterations: 5, lowerSteps: 4, seed: 2, ...(methodId === 'ufom' ? { q: 0.5 } : {}) };
      const raw = await runProblem(definition, methodId, given);
      const resolved = resolveRunOptions(definition, getMethod(methodId), given);
      const once = await runResolved(definition, methodId, resolved);
      assert.equal(once.status, 'completed');
      assert.deepEqual(once.options, raw.options);
      assert.deepEqual(once.summary.x, raw.summary.x);
      assert.deepEqual(once.summary.last?.upperLoss, raw.summary.last?.upperLoss);
      // The same options read back from run.json, resolved again (the identity), run the same.
      const recorded = resolveRunOptions(definition, getMethod(methodId), JSON.parse(JSON.stringify(resolved)) as Record<string, unknown>);
      assert.deepEqual((await runResolved(definition, methodId, recorded)).summary.x, raw.summary.x);
    });
  }

  test('Solver.fromResolved steps like Solver.create', async () => {
    const definition = quadratic();
    const given = { lowerSteps: 3, outerOptimizer: 'adam' };
    const created = await stepped(await Solver.create(definition, 'bda', given));
    const fromResolved = await stepped(await Solver.fromResolved(definition, 'bda', resolveRunOptions(definition, getMethod('bda'), given)));
    assert.deepEqual(fromResolved, created);
  });

  test('options resolved for another method are refused, naming the method', async () => {
    const definition = quadratic();
    await assert.rejects(Solver.fromResolved(definition, 'cg', resolveRunOptions(definition, getMethod('rhg'), {})), /options were not resolved for method 'cg'/);
    await assert.rejects(runResolved(definition, 'nope', resolveRunOptions(definition, getMethod('rhg'), {})), /unknown method 'nope'; valid methods: rhg/);
  });
});

/** Three steps of `solver` (disposed after), without the timings, which differ from run to run. */
async function stepped(solver: Solver): Promise<unknown[]> {
  try {
    const out: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const { forwardMs: _f, backwardMs: _b, ...record } = await solver.step();
      out.push(record);
    }
    out.push((await solver.variables()).x);
    return out;
  } finally {
    solver.dispose();
  }
}
