// A comparison's panel title names each method once, with its number of runs when it has several.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { methodsPhrase } from '../../../../src/extension/commands/methodsPhrase';

describe('methodsPhrase', () => {
  it('lists methods once, in order, counting repeated ones', () => {
    assert.equal(methodsPhrase(['rhg', 'cg']), 'rhg, cg');
    assert.equal(methodsPhrase(['rhg', 'rhg', 'rhg', 'cg', 'cg', 'cg']), 'rhg × 3, cg × 3');
    assert.equal(methodsPhrase(['bda']), 'bda');
  });
});
