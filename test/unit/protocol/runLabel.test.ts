// One rule for a run's label in the history, the panel and the report's legends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLabelOf } from '../../../src/protocol/runRecord';

describe('runLabelOf', () => {
  it('is the method without a name, the name with the method otherwise', () => {
    assert.equal(runLabelOf(undefined, 'rhg'), 'rhg');
    assert.equal(runLabelOf('', 'rhg'), 'rhg');
    assert.equal(runLabelOf('baseline', 'cg'), 'baseline (cg)');
  });

  it('does not repeat the method a name starts with (a seed of a comparison or a sweep)', () => {
    assert.equal(runLabelOf('rhg seed 1', 'rhg'), 'rhg seed 1');
    assert.equal(runLabelOf('rhg', 'rhg'), 'rhg');
    assert.equal(runLabelOf('rhgx seed 1', 'rhg'), 'rhgx seed 1 (rhg)');
  });
});
