// The benchmark matrix covers what the issues promise: hyper-cleaning on real MNIST digits at K = 50
// for every method (issue 5), beside the synthetic shape and the memory suite.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METHODS } from '../../../src/core';
import { matrix } from '../../../bench/benchMatrix';

describe('bench matrix', () => {
  it('has a hyperclean-mnist row (real MNIST shape) at K = 50 for every method', () => {
    const rows = matrix(false).filter((c) => c.problem === 'hyperclean-mnist' && c.K === 50);
    assert.deepEqual(rows.map((c) => c.method).sort(), METHODS.map((m) => m.id).sort());
    for (const c of rows) assert.equal(c.size['features'], 784);
  });

  it('keeps one real-data row in --quick', () => {
    assert.ok(matrix(true).some((c) => c.problem === 'hyperclean-mnist'));
  });
});
