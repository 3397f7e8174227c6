// One overlap rule for "this run shared the machine": the panel and the experiments table use it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overlapsAnother } from '../../../src/common/overlaps';

describe('overlapsAnother', () => {
  it('marks spans that overlap another, not touching ones, and never unknown spans', () => {
    assert.deepEqual(overlapsAnother([[0, 10], [5, 15], [15, 20], undefined, [30, 40]]), [true, true, false, false, false]);
    assert.deepEqual(overlapsAnother([[0, 10], undefined]), [false, false]);
    assert.deepEqual(overlapsAnother([[0, 100], [10, 20]]), [true, true]);
  });
});
