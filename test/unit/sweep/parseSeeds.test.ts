// parseSeeds and formatSeeds (src/sweep/parseSeeds.ts): `--seeds 0-9`, `0,2,5`, `0-2,7`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSeeds, MAX_SEEDS, parseSeeds } from '../../../src/sweep/parseSeeds';

describe('parseSeeds', () => {
  it('reads inclusive ranges, lists, single seeds and mixes, in the order written', () => {
    assert.deepEqual(parseSeeds('0-9'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(parseSeeds('0,2,5'), [0, 2, 5]);
    assert.deepEqual(parseSeeds('3'), [3]);
    assert.deepEqual(parseSeeds('0-2,7'), [0, 1, 2, 7]);
    assert.deepEqual(parseSeeds('7,0-2'), [7, 0, 1, 2]);
    assert.deepEqual(parseSeeds(' 4 - 5 , 9 '), [4, 5, 9]);
    assert.deepEqual(parseSeeds('5-5'), [5]);
  });

  it('refuses what is not a list of distinct whole numbers ≥ 0, naming the text and what is valid', () => {
    const cases: readonly (readonly [string, RegExp])[] = [
      ['', /--seeds '': no seeds/],
      ['  ', /no seeds/],
      ['1,,2', /'1,,2': an empty part/],
      ['1,', /an empty part/],
      ['-3', /'-3' is negative/],
      ['2--3', /'-3' is negative/],
      ['1.5', /'1\.5' is not a whole number/],
      ['a-3', /'a' is not a whole number/],
      ['0x10', /is not a whole number/],
      ['9-0', /the range 9-0 descends/],
      ['0-3,2', /seed 2 is given twice/],
      ['1,1', /seed 1 is given twice/],
      ['99999999999999999999', /too large/],
      [`0-${MAX_SEEDS}`, new RegExp(`more than ${MAX_SEEDS} seeds`)],
      [`0-${MAX_SEEDS - 1},${MAX_SEEDS}`, new RegExp(`more than ${MAX_SEEDS} seeds`)],
    ];
    for (const [text, expected] of cases) {
      assert.throws(() => parseSeeds(text), (err: Error) => {
        assert.equal(err.name, 'SweepError');
        assert.match(err.message, expected, text);
        assert.match(err.message, /e\.g\. --seeds 0-9/, 'says what is valid');
        return true;
      });
    }
    assert.equal(parseSeeds(`0-${MAX_SEEDS - 1}`).length, MAX_SEEDS);
  });
});

describe('formatSeeds', () => {
  it('writes runs of three or more as ranges, and reads back the same seeds', () => {
    assert.equal(formatSeeds([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), '0-9');
    assert.equal(formatSeeds([0, 1, 2, 7]), '0-2,7');
    assert.equal(formatSeeds([0, 1, 5]), '0,1,5');
    assert.equal(formatSeeds([7, 0, 1, 2]), '7,0-2');
    for (const text of ['0-9', '0,2,5', '3', '0-2,7', '4,3,2,1']) assert.deepEqual(parseSeeds(formatSeeds(parseSeeds(text))), parseSeeds(text));
  });
});
