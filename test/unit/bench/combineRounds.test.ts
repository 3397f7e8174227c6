// bench:compare --rounds: a cell's rounds combine into the median of per-round ratios, each side's
// median time, and the first error when no round of ours succeeded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineRounds, median } from '../../../bench/combineRounds';
import type { RoundResult } from '../../../bench/combineRounds';

describe('combineRounds', () => {
  it('takes the median of per-round ratios, not the ratio of the medians', () => {
    // Ours 1, 2, 3 s against PyTorch 1, 1, 3 s: ratios 1, 2, 1 → median 1; medians 2 / 1 would say 2.
    const rows = [1, 2, 3].map((s, i) => ({ cell: 'c', ours: { medianSeconds: s, peakBytes: i }, torch: { median_s: [1, 1, 3][i]!, peak_mem_mb: 5 } }));
    const c = combineRounds(rows);
    assert.deepEqual(c.ratios, [1, 2, 1]);
    assert.equal(median(c.ratios), 1);
    assert.equal(c.ours!['medianSeconds'], 2);
    assert.equal(c.torch!['median_s'], 1);
    assert.equal(c.ours!['peakBytes'], 2, 'other fields from the last successful round');
    assert.equal(c.cell, 'c');
  });

  it('skips rounds where a side failed, and keeps the first error when ours never ran', () => {
    const mixed = combineRounds([
      { ours: { medianSeconds: 4 }, torch: { error: 'no record' } },
      { oursError: 'boom', torch: { median_s: 2 } },
      { ours: { medianSeconds: 6 }, torch: { median_s: 3 } },
    ]);
    assert.deepEqual(mixed.ratios, [2]);
    assert.equal(mixed.ours!['medianSeconds'], 5, 'mean of the middle two, 4 and 6');
    assert.equal(mixed.torch!['median_s'], 2.5);
    const failed = combineRounds<RoundResult>([{ oursError: 'first' }, { oursError: 'second' }]);
    assert.equal(failed.oursError, 'first');
    assert.equal(failed.ours, undefined);
    assert.deepEqual(failed.ratios, []);
    assert.equal(failed.torch, undefined, 'no PyTorch record without PyTorch');
  });

  it('gives no ratio for a zero PyTorch time, and medians of even counts average the middle two', () => {
    assert.deepEqual(combineRounds([{ ours: { medianSeconds: 1 }, torch: { median_s: 0 } }]).ratios, []);
    assert.equal(median([3, 1, 4, 2]), 2.5);
    assert.equal(median([5]), 5);
  });

  it('rejects empty input', () => {
    assert.throws(() => combineRounds([]), /no rounds/);
    assert.throws(() => median([]), /empty/);
  });
});
