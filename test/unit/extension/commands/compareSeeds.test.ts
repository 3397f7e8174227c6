// ⇄ Compare… over seeds: the runs it starts (method × seed, from the run's own seed), the count a
// user may type, and the rows of the seeds question (the setting's count first, what a click takes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareSeeds, compareSpecs, MAX_COMPARE_SEEDS, seedCountChoices, validateSeedCount } from '../../../../src/extension/commands/compareSeeds';
import type { ProblemSource } from '../../../../src/protocol/experiment';

const TOY: ProblemSource = { kind: 'builtin', id: 'toy-quadratic', params: {} };

describe('compare over seeds', () => {
  it('counts seeds up from the base seed', () => {
    assert.deepEqual(compareSeeds(0, 3), [0, 1, 2]);
    assert.deepEqual(compareSeeds(7, 2), [7, 8]);
    assert.deepEqual(compareSeeds(4, 1), [4]);
  });

  it('runs every method on the same seed when n = 1, unnamed, as Compare always did', () => {
    const specs = compareSpecs(TOY, ['rhg', 'cg'], { iterations: 5, seed: 3 }, 1);
    assert.deepEqual(specs, [
      { problem: TOY, method: 'rhg', options: { iterations: 5, seed: 3 } },
      { problem: TOY, method: 'cg', options: { iterations: 5, seed: 3 } },
    ]);
  });

  it('runs method × seed, method by method, from seed 0 when no seed is set, each run named', () => {
    const specs = compareSpecs(TOY, ['rhg', 'bda'], { iterations: 5 }, 3);
    assert.deepEqual(
      specs.map((s) => [s.method, s.options.seed, s.name, s.options.iterations]),
      [
        ['rhg', 0, 'rhg seed 0', 5],
        ['rhg', 1, 'rhg seed 1', 5],
        ['rhg', 2, 'rhg seed 2', 5],
        ['bda', 0, 'bda seed 0', 5],
        ['bda', 1, 'bda seed 1', 5],
        ['bda', 2, 'bda seed 2', 5],
      ],
    );
  });

  it("starts from the options' seed (s, s + 1, …)", () => {
    assert.deepEqual(
      compareSpecs(TOY, ['fom'], { seed: 10 }, 2).map((s) => s.options.seed),
      [10, 11],
    );
  });

  it('takes a whole number of seeds from 1 to the maximum, and says what is valid otherwise', () => {
    assert.equal(validateSeedCount('1'), undefined);
    assert.equal(validateSeedCount(' 12 '), undefined);
    assert.equal(validateSeedCount(String(MAX_COMPARE_SEEDS)), undefined);
    assert.match(validateSeedCount('0')!, /0 seeds: give a whole number from 1 to 100/);
    assert.match(validateSeedCount('101')!, /101 seeds: give a whole number from 1 to 100/);
    assert.match(validateSeedCount('2.5')!, /'2\.5' is not a number of seeds/);
    assert.match(validateSeedCount('')!, /is not a number of seeds/);
    assert.match(validateSeedCount('-3')!, /is not a number of seeds/);
  });

  it('offers the setting first, then 1, 3, 5, 10 without repeating it, then another number', () => {
    const rows = seedCountChoices(1, 0);
    assert.deepEqual(
      rows.map((r) => [r.label, r.count]),
      [
        ['1 seed', 1],
        ['3 seeds', 3],
        ['5 seeds', 5],
        ['10 seeds', 10],
        ['Other number of seeds…', undefined],
      ],
    );
    assert.equal(rows[0]!.description, 'seed 0 (default: bilevel.compare.seeds)');
    assert.equal(rows[1]!.description, 'seeds 0–2');
    const five = seedCountChoices(5, 2);
    assert.deepEqual(
      five.map((r) => r.count),
      [5, 1, 3, 10, undefined],
    );
    assert.equal(five[0]!.description, 'seeds 2–6 (default: bilevel.compare.seeds)');
  });
});
