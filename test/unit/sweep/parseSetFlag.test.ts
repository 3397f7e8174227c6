// parseSetFlag (src/sweep/parseSetFlag.ts): `--set K=10,20,40`, one grid axis by flag, against core's
// declarations (CORE_CATALOG) and a small catalog of its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogFor, CORE_CATALOG } from '../../../src/sweep/coreCatalog';
import { parseSetFlag } from '../../../src/sweep/parseSetFlag';
import { declarationsOfFlag } from '../../../src/sweep/sweepCatalog';

const rejects = (text: string, expected: RegExp): void => {
  assert.throws(() => parseSetFlag(text, CORE_CATALOG), (err: Error) => {
    assert.equal(err.name, 'SweepError');
    assert.match(err.message, expected, text);
    return true;
  });
};

describe('parseSetFlag', () => {
  it('parses values to the flag\'s declared type, run and method options alike', () => {
    assert.deepEqual(parseSetFlag('K=10,20,40', CORE_CATALOG), { flag: 'K', values: [10, 20, 40] });
    assert.deepEqual(parseSetFlag('inner-lr=0.1, 0.3,1e-2', CORE_CATALOG), { flag: 'inner-lr', values: [0.1, 0.3, 0.01] });
    assert.deepEqual(parseSetFlag('q=0.1', CORE_CATALOG), { flag: 'q', values: [0.1] });
    assert.deepEqual(parseSetFlag('warm-start=true,0', CORE_CATALOG), { flag: 'warm-start', values: [true, false] });
    assert.deepEqual(parseSetFlag('optimizer=sgd,adam', CORE_CATALOG), { flag: 'optimizer', values: ['sgd', 'adam'] });
    assert.deepEqual(parseSetFlag('--M=5', CORE_CATALOG), { flag: 'M', values: [5] }, 'a leading -- is taken');
    assert.deepEqual(parseSetFlag('iterations=100,1000', CORE_CATALOG), { flag: 'iterations', values: [100, 1000] });
  });

  it('leaves ranges and choices to expandSweep (methods may declare a flag differently)', () => {
    // memory-mode: ufom takes recompute|store, iaptt-gm store|two-pass; K = 0 is out of range.
    assert.deepEqual(parseSetFlag('memory-mode=recompute,two-pass', CORE_CATALOG).values, ['recompute', 'two-pass']);
    assert.deepEqual(parseSetFlag('K=0', CORE_CATALOG).values, [0]);
  });

  it('refuses a missing =, the seed, empty, mistyped and repeated values', () => {
    rejects('K', /--set 'K': give FLAG=v1,v2,…, e\.g\. --set K=10,20,40/);
    rejects('=1,2', /give FLAG=v1,v2/);
    rejects('seed=0,1', /seeds are given with --seeds/);
    rejects('K=', /an empty value; give whole numbers in decimal separated by commas/);
    rejects('K=10,,20', /an empty value/);
    rejects('K=0x10', /--K \(lowerSteps\) takes whole numbers in decimal, got '0x10'/);
    rejects('inner-lr=fast', /--inner-lr \(lowerLr\) takes decimal numbers, got 'fast'/);
    rejects('inner-lr=Infinity', /got 'Infinity'/);
    rejects('warm-start=yes', /takes true or false, got 'yes'/);
    rejects('K=10,20,10', /the value 10 is given twice/);
    rejects('inner-lr=0.1,1e-1', /the value 1e-1 is given twice/);
  });

  it('names an unknown flag with the nearest flag over run and method options, and lists them', () => {
    rejects('inner-lt=0.1', /unknown flag --inner-lt; did you mean --inner-lr\?/);
    rejects('cg-iter=5', /did you mean --cg-iters\?/);
    rejects('lowerSteps=5', /did you mean --K\?/);
    rejects('truncation=5', /did you mean --M\?/);
    rejects('zzz=1', /unknown flag --zzz; options that can be swept: --iterations, (--[\w-]+, )*--K, /);
    assert.throws(() => parseSetFlag('zzz=1', CORE_CATALOG), (err: Error) => !/--seed\b/.test(err.message) && /--q\b/.test(err.message));
  });

  it('finds every core flag declared with one type, so each can be swept', () => {
    for (const decl of [...CORE_CATALOG.runOptions, ...CORE_CATALOG.methods.flatMap((m) => m.options)]) {
      const types = new Set(declarationsOfFlag(CORE_CATALOG, decl.flag).map((d) => d.type));
      assert.equal(types.size, 1, `--${decl.flag}: ${[...types].join(', ')}`);
    }
  });

  it('refuses a flag declared with different types', () => {
    const catalog = { runOptions: [], methods: [{ id: 'a', options: [{ key: 'x', flag: 'x', type: 'integer' as const }] }, { id: 'b', options: [{ key: 'x', flag: 'x', type: 'boolean' as const }] }] };
    assert.throws(() => parseSetFlag('x=1', catalog), /declared with different types/);
  });

  it("marks a parameter of the sweep's built-in problem as a problem axis, parsed to its type", () => {
    const nonsingleton = catalogFor({ kind: 'builtin', id: 'toy-nonsingleton', params: {} });
    assert.deepEqual(parseSetFlag('n=1,2', nonsingleton), { flag: 'n', values: [1, 2], problem: true });
    assert.deepEqual(parseSetFlag('start=fixed,random', nonsingleton), { flag: 'start', values: ['fixed', 'random'], problem: true });
    assert.deepEqual(parseSetFlag('K=5', nonsingleton), { flag: 'K', values: [5] }, 'a method option stays one');
    assert.throws(() => parseSetFlag('n=one', nonsingleton), /--n \(n\) takes whole numbers in decimal, got 'one'/);
    // Without the problem (a problem file, or core's catalog) the flag is unknown.
    assert.throws(() => parseSetFlag('n=1', catalogFor({ kind: 'file', path: '/p.bilevel.ts' })), /unknown flag --n/);
    assert.throws(() => parseSetFlag('n=1', CORE_CATALOG), /unknown flag --n/);
  });
});
