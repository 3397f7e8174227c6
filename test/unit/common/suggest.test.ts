// didYouMean (src/common/suggest.ts): the suggestion the CLI and the extension's options box give
// for a misspelt option key or flag.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean, editDistance, maxDistance } from '../../../src/common/suggest';

const KEYS = ['iterations', 'lowerSteps', 'lowerLr', 'outerLr', 'outerOptimizer', 'warmStart', 'seed', 'tolerance', 'cgIterations', 'cgTolerance'];

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and swaps of neighbours as one edit each', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('lowersteps', 'lowersteps'), 0);
    assert.equal(editDistance('lowerstep', 'lowersteps'), 1);
    assert.equal(editDistance('innerlt', 'innerlr'), 1);
    assert.equal(editDistance('seeed', 'seed'), 1);
    assert.equal(editDistance('sede', 'seed'), 1, 'a swap of neighbours is one edit');
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
});

describe('maxDistance', () => {
  it('allows no edit below three characters and about one per four after', () => {
    assert.deepEqual([1, 2, 3, 4, 7, 8, 12].map(maxDistance), [0, 0, 1, 1, 1, 2, 3]);
  });
});

describe('didYouMean', () => {
  it('suggests the closest key for a typo, a missing letter or swapped letters', () => {
    assert.equal(didYouMean('lowerStep', KEYS), 'lowerSteps');
    assert.equal(didYouMean('iteratoins', KEYS), 'iterations');
    assert.equal(didYouMean('outerOptimiser', KEYS), 'outerOptimizer');
    assert.equal(didYouMean('cgIteration', KEYS), 'cgIterations');
  });

  it('ignores case, dashes and underscores', () => {
    assert.equal(didYouMean('LOWERSTEPS', KEYS), 'lowerSteps');
    assert.equal(didYouMean('lower-steps', KEYS), 'lowerSteps');
    assert.equal(didYouMean('warm_start', KEYS), 'warmStart');
  });

  it('suggests nothing for an exact name or a word far from every candidate', () => {
    assert.equal(didYouMean('seed', KEYS), undefined);
    assert.equal(didYouMean('frobnicate', KEYS), undefined);
    assert.equal(didYouMean('', KEYS), undefined);
    assert.equal(didYouMean('x', ['y', 'K']), undefined, 'one-letter words need an exact match');
    assert.equal(didYouMean('lowerStep', []), undefined);
  });

  it('prefers the nearer candidate, then the first listed', () => {
    assert.equal(didYouMean('outerLt', KEYS), 'outerLr');
    assert.equal(didYouMean('ab', ['ab', 'ac']), undefined);
    assert.equal(didYouMean('abcd', ['abce', 'abcf']), 'abce');
  });

  it('matches a flag to its key and a key to its flag, suggesting the name', () => {
    const flags = [
      { name: 'K', aliases: ['lowerSteps'] },
      { name: 'inner-lr', aliases: ['lowerLr'] },
      { name: 'cg-iters', aliases: ['cgIterations'] },
    ];
    assert.equal(didYouMean('lowerSteps', flags), 'K');
    assert.equal(didYouMean('lowerstep', flags), 'K');
    assert.equal(didYouMean('inner-lt', flags), 'inner-lr');
    assert.equal(didYouMean('cgIterations', flags), 'cg-iters');
    assert.equal(didYouMean('k', flags), 'K');
    const keys = [
      { name: 'lowerSteps', aliases: ['K'] },
      { name: 'cgIterations', aliases: ['cg-iters'] },
    ];
    assert.equal(didYouMean('K', keys), 'lowerSteps');
    assert.equal(didYouMean('cg-iter', keys), 'cgIterations');
  });
});
