// New Sweep's answers, checked as typed: seeds and grid in the CLI's syntax, and the sweep they
// expand to against the extension's catalog (runs per method, flags a method drops, clear errors).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXTENSION_SWEEP_CATALOG } from '../../../../src/extension/commands/methodCatalog';
import { gridParts, planSummary, planSweep, readGrid, readSeeds, type SweepPlan } from '../../../../src/extension/commands/sweepPlan';
import type { ProblemSource } from '../../../../src/protocol/experiment';

const TOY: ProblemSource = { kind: 'builtin', id: 'toy-ufom', params: {} };

function plan(methods: string[], seedsText: string, gridText: string, options?: Record<string, number | string | boolean>): SweepPlan {
  const p = planSweep({ problem: TOY, methods, seedsText, gridText, ...(options ? { options } : {}) }, EXTENSION_SWEEP_CATALOG);
  if ('error' in p) assert.fail(p.error);
  return p;
}

function error(methods: string[], seedsText: string, gridText: string): string {
  const p = planSweep({ problem: TOY, methods, seedsText, gridText }, EXTENSION_SWEEP_CATALOG);
  assert.ok('error' in p, 'an error was expected');
  return p.error;
}

describe('New Sweep: seeds', () => {
  it('reads ranges and lists in the order written', () => {
    assert.deepEqual(readSeeds('0-4'), { seeds: [0, 1, 2, 3, 4] });
    assert.deepEqual(readSeeds('1,3,5'), { seeds: [1, 3, 5] });
    assert.deepEqual(readSeeds('7, 0-1'), { seeds: [7, 0, 1] });
  });

  it('says what is wrong without the CLI flag', () => {
    const r = readSeeds('4-2');
    assert.ok('error' in r);
    assert.match(r.error, /^'4-2': the range 4-2 descends; give whole numbers ≥ 0 and ascending ranges, e\.g\. 0-9 or 0,2,5/);
    const twice = readSeeds('0-3,2');
    assert.ok('error' in twice && /seed 2 is given twice/.test(twice.error));
  });
});

describe('New Sweep: grid', () => {
  it('splits parts at each FLAG=, with or without --set, keeping spaces after commas', () => {
    assert.deepEqual(gridParts('K=10,20 inner-lr=0.1,0.3'), ['K=10,20', 'inner-lr=0.1,0.3']);
    assert.deepEqual(gridParts('--set K=10, 20 --set --inner-lr=0.1'), ['K=10, 20', '--inner-lr=0.1']);
    assert.deepEqual(gridParts('q=0.1;K=5'), ['q=0.1', 'K=5']);
    assert.deepEqual(gridParts('   '), []);
  });

  it('reads typed axes, and an empty grid is none', () => {
    assert.deepEqual(readGrid('K=10,20 inner-lr=0.1,0.3', EXTENSION_SWEEP_CATALOG), {
      grid: [
        { flag: 'K', values: [10, 20] },
        { flag: 'inner-lr', values: [0.1, 0.3] },
      ],
    });
    assert.deepEqual(readGrid('', EXTENSION_SWEEP_CATALOG), { grid: [] });
  });

  it('names an unknown flag with the nearest one', () => {
    const r = readGrid('inner-rl=0.1', EXTENSION_SWEEP_CATALOG);
    assert.ok('error' in r);
    assert.match(r.error, /^'inner-rl=0\.1': unknown flag --inner-rl; did you mean --inner-lr\?/);
  });

  it('names a value of the wrong type and a missing =', () => {
    const bad = readGrid('K=ten', EXTENSION_SWEEP_CATALOG);
    assert.ok('error' in bad && /--K \(lowerSteps\) takes whole numbers in decimal, got 'ten'/.test(bad.error));
    const noEq = readGrid('K', EXTENSION_SWEEP_CATALOG);
    assert.ok('error' in noEq && /give FLAG=v1,v2,…, e\.g\. K=10,20,40/.test(noEq.error));
  });
});

describe('New Sweep: the plan', () => {
  it('expands method × grid point × seed, and an option a method does not take neither applies nor multiplies', () => {
    // fom takes no q: 2 seeds; ufom: 2 values of q × 2 seeds.
    const p = plan(['fom', 'ufom'], '0-1', 'q=0.1,0.5');
    assert.equal(p.runs.length, 6);
    assert.deepEqual(
      p.runs.map((r) => [r.index, r.method, r.seed, r.options.q]),
      [
        [0, 'fom', 0, undefined],
        [1, 'fom', 1, undefined],
        [2, 'ufom', 0, 0.1],
        [3, 'ufom', 1, 0.1],
        [4, 'ufom', 0, 0.5],
        [5, 'ufom', 1, 0.5],
      ],
    );
    assert.deepEqual(p.runs[0]!.dropped, ['q']);
    assert.equal(p.summary, '6 runs: fom 2 seeds (q not taken); ufom 2 grid points × 2 seeds');
    assert.deepEqual(p.spec.seeds, [0, 1]);
  });

  it('carries the default options a method takes, never the seed or a key the grid sets', () => {
    const p = plan(['rhg', 'cg'], '3', 'K=5', { seed: 9, lowerSteps: 40, iterations: 7, cgIterations: 4, notAnOption: 1 });
    assert.deepEqual(p.spec.options, { iterations: 7, cgIterations: 4 });
    assert.deepEqual(p.runs.map((r) => r.options), [
      { iterations: 7, lowerSteps: 5, seed: 3 },
      { iterations: 7, cgIterations: 4, lowerSteps: 5, seed: 3 },
    ]);
  });

  it('refuses a grid flag none of the methods takes, a value out of range, and no seeds, naming them', () => {
    assert.match(error(['rhg'], '0', 'q=0.1'), /q=0\.1: none of the methods \(rhg\) takes --q/);
    assert.match(error(['rhg'], '0', 'K=0,10'), /--K \(lowerSteps\) must be ≥ 1, got 0/);
    assert.match(error(['rhg'], '', ''), /^Seeds: '': no seeds/);
    assert.match(error(['rhg'], '0', 'seed=1,2'), /^Grid: 'seed=1,2': seeds are given with/);
  });

  it('says how many runs, per method', () => {
    assert.equal(planSummary({ methods: ['rhg'], seeds: [0] }, plan(['rhg'], '0', '').runs), '1 run: rhg 1 seed');
  });
});
