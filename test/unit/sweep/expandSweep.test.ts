// expandSweep, groupKey and countSweepRuns (src/sweep/expandSweep.ts): the ordered runs of a sweep,
// grid options a method does not take dropped (and not multiplying its runs), and every check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SweepSpec } from '../../../src/protocol/sweep';
import { catalogFor, CORE_CATALOG } from '../../../src/sweep/coreCatalog';
import { countSweepRuns, expandSweep, groupKey, MAX_SWEEP_RUNS } from '../../../src/sweep/expandSweep';
import type { SweepCatalog } from '../../../src/sweep/sweepCatalog';

const PROBLEM = { kind: 'builtin', id: 'toy-ufom', params: {} } as const;
const spec = (over: Partial<SweepSpec>): SweepSpec => ({ problem: PROBLEM, methods: ['fom', 'ufom'], seeds: [0, 1], grid: [], ...over });

const rejects = (s: SweepSpec, expected: RegExp, catalog: SweepCatalog = CORE_CATALOG): void => {
  assert.throws(() => expandSweep(s, catalog), (err: Error) => {
    assert.equal(err.name, 'SweepError');
    assert.match(err.message, expected);
    return true;
  });
};

describe('expandSweep', () => {
  it('orders runs by method, then grid point (first --set slowest), then seed, with stable indices', () => {
    const runs = expandSweep(spec({ methods: ['rhg'], seeds: [3, 5], grid: [{ flag: 'K', values: [10, 20] }, { flag: 'inner-lr', values: [0.1, 0.3] }] }), CORE_CATALOG);
    assert.deepEqual(
      runs.map((r) => [r.index, r.method, r.gridPoint.K, r.gridPoint['inner-lr'], r.seed]),
      [
        [0, 'rhg', 10, 0.1, 3],
        [1, 'rhg', 10, 0.1, 5],
        [2, 'rhg', 10, 0.3, 3],
        [3, 'rhg', 10, 0.3, 5],
        [4, 'rhg', 20, 0.1, 3],
        [5, 'rhg', 20, 0.1, 5],
        [6, 'rhg', 20, 0.3, 3],
        [7, 'rhg', 20, 0.3, 5],
      ],
    );
    assert.deepEqual(runs[2]!.options, { lowerSteps: 10, lowerLr: 0.3, seed: 3 }, 'grid flags become option keys; the seed is the seed option');
    assert.deepEqual(runs[2]!.gridPoint, { K: 10, 'inner-lr': 0.3 });
    assert.deepEqual(Object.keys(runs[2]!.gridPoint), ['K', 'inner-lr'], 'grid point in grid order');
    assert.deepEqual(runs[2]!.dropped, []);
  });

  it('drops a grid option a method does not take, says so, and does not multiply its runs', () => {
    // toy-ufom acceptance: --methods fom,ufom --set q=0.1,0.5 --seeds 0-5: FOM takes no q.
    const runs = expandSweep(spec({ seeds: [0, 1, 2, 3, 4, 5], grid: [{ flag: 'q', values: [0.1, 0.5] }] }), CORE_CATALOG);
    const fom = runs.filter((r) => r.method === 'fom');
    const ufom = runs.filter((r) => r.method === 'ufom');
    assert.equal(fom.length, 6, 'one group of 6 seeds for fom, not 2 copies');
    assert.equal(ufom.length, 12);
    assert.equal(runs.length, 18);
    for (const r of fom) {
      assert.deepEqual(r.dropped, ['q']);
      assert.deepEqual(r.gridPoint, {});
      assert.equal('q' in r.options, false);
    }
    for (const r of ufom) assert.deepEqual(r.dropped, []);
    assert.deepEqual(new Set(fom.map(groupKey)), new Set(['fom']));
    assert.deepEqual([...new Set(ufom.map(groupKey))], ['ufom q=0.1', 'ufom q=0.5']);
    assert.deepEqual(runs.map((r) => r.index), [...runs.keys()]);
  });

  it('keeps the axes a method takes when it drops others', () => {
    const runs = expandSweep(spec({ methods: ['t-rhg', 'cg'], seeds: [0], grid: [{ flag: 'M', values: [2, 4] }, { flag: 'K', values: [8, 16] }, { flag: 'cg-iters', values: [5] }] }), CORE_CATALOG);
    assert.deepEqual(runs.map(groupKey), ['t-rhg M=2 K=8', 't-rhg M=2 K=16', 't-rhg M=4 K=8', 't-rhg M=4 K=16', 'cg K=8 cg-iters=5', 'cg K=16 cg-iters=5']);
    assert.deepEqual(runs[0]!.dropped, ['cg-iters']);
    assert.deepEqual(runs[4]!.dropped, ['M']);
    assert.deepEqual(runs[4]!.options, { lowerSteps: 8, cgIterations: 5, seed: 0 });
  });

  it('adds common options (to the methods that take them), per-method options and iterations', () => {
    const runs = expandSweep(
      spec({ seeds: [7], options: { outerLr: 0.5, q: 0.2 }, methodOptions: { ufom: { adaptive: true } }, iterations: 300 }),
      CORE_CATALOG,
    );
    assert.deepEqual(runs[0]!.options, { outerLr: 0.5, iterations: 300, seed: 7 }, 'fom takes no q: a common option is applied where taken');
    assert.deepEqual(runs[1]!.options, { outerLr: 0.5, q: 0.2, adaptive: true, iterations: 300, seed: 7 });
    const over = expandSweep(spec({ methods: ['ufom'], seeds: [0], options: { q: 0.2 }, methodOptions: { ufom: { q: 0.9 } } }), CORE_CATALOG);
    assert.equal(over[0]!.options.q, 0.9, 'per-method options win over common ones');
  });

  it('checks every grid value against each method\'s declaration, naming the flag, the value and the method', () => {
    rejects(spec({ grid: [{ flag: 'K', values: [10, 0] }] }), /--set K=10,0: --K \(lowerSteps\) must be ≥ 1, got 0/);
    rejects(spec({ grid: [{ flag: 'inner-lr', values: [-1] }] }), /--inner-lr \(lowerLr\) must be > 0, got -1/);
    rejects(spec({ grid: [{ flag: 'K', values: [2.5] }] }), /must be a whole number, got 2\.5/);
    rejects(spec({ grid: [{ flag: 'q', values: [1.5] }] }), /--set q=1\.5: --q \(q\) must be ≤ 1, got 1\.5 for method ufom/);
    rejects(spec({ grid: [{ flag: 'optimizer', values: ['sgd', 'rmsprop'] }] }), /must be one of sgd, adam, got "rmsprop"/);
    // memory-mode is ufom's recompute|store and iaptt-gm's store|two-pass.
    rejects(spec({ methods: ['ufom', 'iaptt-gm'], grid: [{ flag: 'memory-mode', values: ['store', 'recompute'] }] }), /must be one of store, two-pass, got "recompute" for method iaptt-gm/);
    assert.equal(expandSweep(spec({ methods: ['ufom', 'iaptt-gm'], grid: [{ flag: 'memory-mode', values: ['store'] }] }), CORE_CATALOG).length, 4);
  });

  it('says a run option problem once, not once per method', () => {
    assert.throws(() => expandSweep(spec({ grid: [{ flag: 'K', values: [0] }] }), CORE_CATALOG), (err: Error) => err.message.split('\n').length === 1);
  });

  it('refuses empty or repeated methods and seeds, unknown methods with a suggestion', () => {
    rejects(spec({ methods: [] }), /methods: none given; give one or more of rhg, t-rhg/);
    rejects(spec({ seeds: [] }), /seeds: none given/);
    rejects(spec({ methods: ['fom', 'fom'] }), /methods: 'fom' is given twice/);
    rejects(spec({ methods: ['ufmo'] }), /unknown method 'ufmo'; did you mean 'ufom'\?/);
    rejects(spec({ seeds: [1, 1] }), /seed 1 is given twice/);
    rejects(spec({ seeds: [-1] }), /seeds: a seed must be ≥ 0, got -1/);
  });

  it('refuses grid flags swept twice, unknown to every method, the seed, and empty or repeated values', () => {
    rejects(spec({ grid: [{ flag: 'K', values: [1] }, { flag: 'K', values: [2] }] }), /--K is swept twice/);
    rejects(spec({ grid: [{ flag: 'M', values: [2] }] }), /--set M=2: none of the methods \(fom, ufom\) takes --M/);
    rejects(spec({ grid: [{ flag: 'seed', values: [1] }] }), /seeds are given with --seeds/);
    rejects(spec({ grid: [{ flag: 'K', values: [] }] }), /--set K=: no values/);
    rejects(spec({ grid: [{ flag: 'K', values: [5, 5] }] }), /a value is given twice/);
  });

  it('refuses options that clash with the grid, the seed or iterations, and unknown keys', () => {
    rejects(spec({ grid: [{ flag: 'K', values: [5] }], options: { lowerSteps: 3 } }), /options\.lowerSteps: also on the grid/);
    rejects(spec({ options: { seed: 3 } }), /options\.seed: seeds are given with seeds/);
    rejects(spec({ options: { lowerStep: 3 } }), /options\.lowerStep: no method of fom, ufom takes 'lowerStep'; did you mean 'lowerSteps'\?/);
    rejects(spec({ options: { truncation: 3 } }), /no method of fom, ufom takes 'truncation'/);
    rejects(spec({ options: { outerLr: 0 } }), /options\.outerLr \(--outer-lr\): must be > 0, got 0/);
    rejects(spec({ methodOptions: { fom: { q: 0.5 } } }), /methodOptions\.fom\.q: no method of fom takes 'q'/);
    rejects(spec({ methodOptions: { rhg: { lowerSteps: 3 } } }), /methodOptions\.rhg: 'rhg' is not one of the sweep's methods/);
    rejects(spec({ methodOptions: { ufom: { q: 2 } } }), /methodOptions\.ufom\.q \(--q\): must be ≤ 1, got 2 for method ufom/);
    rejects(spec({ iterations: 100, options: { iterations: 50 } }), /iterations: set both as iterations and in options/);
    rejects(spec({ iterations: 100, grid: [{ flag: 'iterations', values: [5] }] }), /iterations: set both as iterations and on the grid/);
    rejects(spec({ iterations: 100, methodOptions: { fom: { iterations: 5 } } }), /methodOptions\.fom\.iterations: set both/);
    rejects(spec({ iterations: 0 }), /iterations: must be ≥ 1, got 0/);
  });

  it('lists every problem at once', () => {
    assert.throws(() => expandSweep(spec({ methods: [], seeds: [] }), CORE_CATALOG), (err: Error) => /methods: none/.test(err.message) && /seeds: none/.test(err.message));
  });

  it('refuses more than MAX_SWEEP_RUNS runs before expanding them', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const big = spec({ methods: ['rhg'], seeds: [0, 1], grid: [{ flag: 'K', values }, { flag: 'iterations', values: values.slice(0, 51) }] });
    assert.equal(countSweepRuns(big, CORE_CATALOG), 102_000);
    rejects(big, new RegExp(`the sweep has 102000 runs, more than ${MAX_SWEEP_RUNS}`));
    const fits = spec({ methods: ['rhg'], seeds: [0, 1], grid: [{ flag: 'K', values }, { flag: 'iterations', values: values.slice(0, 50) }] });
    assert.equal(expandSweep(fits, CORE_CATALOG).length, MAX_SWEEP_RUNS);
  });

  it('works from any catalog (the extension passes its own mirror of the declarations)', () => {
    const catalog: SweepCatalog = {
      runOptions: [{ key: 'seed', flag: 'seed', type: 'integer', min: 0 }, { key: 'steps', flag: 'n', type: 'integer', min: 1 }],
      methods: [{ id: 'a', options: [{ key: 'alpha', flag: 'alpha', type: 'number', greaterThan: 0 }] }, { id: 'b', options: [] }],
    };
    const runs = expandSweep({ problem: PROBLEM, methods: ['a', 'b'], seeds: [0], grid: [{ flag: 'alpha', values: [1, 2] }, { flag: 'n', values: [3] }] }, catalog);
    assert.deepEqual(runs.map(groupKey), ['a alpha=1 n=3', 'a alpha=2 n=3', 'b n=3']);
    rejects({ problem: PROBLEM, methods: ['a'], seeds: [0], grid: [{ flag: 'alpha', values: [0] }] }, /--alpha \(alpha\) must be > 0, got 0 for method a/, catalog);
  });
});

describe('groupKey', () => {
  it('is the method and the grid point in grid order', () => {
    assert.equal(groupKey({ method: 'rhg', gridPoint: {} }), 'rhg');
    assert.equal(groupKey({ method: 'rhg', gridPoint: { K: 10, 'inner-lr': 0.1, 'warm-start': true } }), 'rhg K=10 inner-lr=0.1 warm-start=true');
  });
});

describe('expandSweep with problem parameters on the grid', () => {
  const NONSINGLETON = { kind: 'builtin', id: 'toy-nonsingleton', params: { start: 'random' } } as const;
  const catalog = catalogFor(NONSINGLETON);

  it('gives every method every point of a problem axis (never dropped), as problem parameters by key, not options', () => {
    const runs = expandSweep(
      { problem: NONSINGLETON, methods: ['rhg', 'ufom'], seeds: [0, 1], grid: [{ flag: 'n', values: [1, 2], problem: true }, { flag: 'q', values: [0.5] }] },
      catalog,
    );
    // rhg: 2 n × 2 seeds, q dropped; ufom: the same with q.
    assert.deepEqual(
      runs.map((r) => [r.index, r.method, r.problemParams?.n, r.seed, r.dropped.join(',')]),
      [
        [0, 'rhg', 1, 0, 'q'],
        [1, 'rhg', 1, 1, 'q'],
        [2, 'rhg', 2, 0, 'q'],
        [3, 'rhg', 2, 1, 'q'],
        [4, 'ufom', 1, 0, ''],
        [5, 'ufom', 1, 1, ''],
        [6, 'ufom', 2, 0, ''],
        [7, 'ufom', 2, 1, ''],
      ],
    );
    assert.deepEqual(runs[6]!.options, { q: 0.5, seed: 0 });
    assert.deepEqual(runs[2]!.options, { seed: 0 }, 'a problem parameter is not a run option');
    assert.deepEqual(runs[2]!.gridPoint, { n: 2 });
    assert.equal(groupKey(runs[2]!), 'rhg n=2');
    assert.equal(countSweepRuns({ methods: ['rhg', 'ufom'], seeds: [0, 1], grid: [{ flag: 'n', values: [1, 2], problem: true }, { flag: 'q', values: [0.5] }] }, catalog), 8);
  });

  it('interleaves problem and option axes in grid order', () => {
    const runs = expandSweep({ problem: NONSINGLETON, methods: ['rhg'], seeds: [0], grid: [{ flag: 'K', values: [5, 10] }, { flag: 'n', values: [1, 3], problem: true }] }, catalog);
    assert.deepEqual(
      runs.map((r) => [r.options.lowerSteps, r.problemParams?.n]),
      [
        [5, 1],
        [5, 3],
        [10, 1],
        [10, 3],
      ],
    );
    assert.equal(expandSweep(spec({ methods: ['fom'] }), CORE_CATALOG)[0]!.problemParams, undefined, 'no problem axis: no problemParams');
  });

  it('refuses a problem axis that is not a parameter, a value out of range, or one also fixed in the problem', () => {
    rejects({ problem: NONSINGLETON, methods: ['rhg'], seeds: [0], grid: [{ flag: 'q', values: [1], problem: true }] }, /--q is not a parameter of problem toy-nonsingleton \(its parameters: --n, /, catalog);
    rejects({ problem: NONSINGLETON, methods: ['rhg'], seeds: [0], grid: [{ flag: 'n', values: [0], problem: true }] }, /--n \(n, a parameter of problem toy-nonsingleton\) must be ≥ 1, got 0/, catalog);
    rejects({ problem: NONSINGLETON, methods: ['rhg'], seeds: [0], grid: [{ flag: 'start', values: ['fixed'], problem: true }] }, /--start is also fixed in the problem's params \(start\)/, catalog);
    rejects({ problem: { kind: 'file', path: '/p.bilevel.ts' }, methods: ['rhg'], seeds: [0], grid: [{ flag: 'n', values: [1], problem: true }] }, /--n is not a parameter of a problem file, which takes none/, catalogFor({ kind: 'file', path: '/p.bilevel.ts' }));
  });
});
