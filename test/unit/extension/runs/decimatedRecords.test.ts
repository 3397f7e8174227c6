// DecimatedRecords keeps a live run's records in bounded memory: everything while few, then the
// first and latest records and every series' extremes, whatever the series (metrics, evals, stats).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecimatedRecords, LIVE_RECORDS_BOUND } from '../../../../src/extension/runs/decimatedRecords';
import type { IterationRecord } from '../../../../src/protocol/metrics';

function record(t: number, upper: number, stats: IterationRecord['stats'] = {}, evals?: Record<string, number>): IterationRecord {
  return { iteration: t, upperLoss: upper, lowerLoss: 0, hypergradNorm: 1, lowerStationarity: 0, forwardMs: 1, backwardMs: 1, gradientEvals: t, hvpEvals: 0, numTensors: 1, numBytes: 4, stats, ...(evals ? { evals } : {}) };
}

describe('DecimatedRecords', () => {
  it('keeps every record while the run is short, in order, ignoring repeats', () => {
    const d = new DecimatedRecords();
    d.push([record(0, 3), record(1, 2), record(1, 9), record(2, 1)]);
    d.push([record(2, 7), record(3, 0)]);
    assert.deepEqual(
      d.records().map((r) => [r.iteration, r.upperLoss]),
      [
        [0, 3],
        [1, 2],
        [2, 1],
        [3, 0],
      ],
    );
    assert.equal(d.received, 4);
    assert.equal(d.complete, true);
    d.clear();
    assert.deepEqual(d.records(), []);
    assert.equal(d.complete, false, 'a cleared series no longer holds the run');
  });

  it('stays within the bound with more series than it tracks, and keeps first, last and the tracked extremes', () => {
    const d = new DecimatedRecords();
    const n = 100_000;
    let maxAt = -1;
    for (let s = 0; s < n; s += 500) {
      const batch: IterationRecord[] = [];
      for (let t = s; t < s + 500; t++) {
        // 70 noisy stats: more series than are tracked; an eval on every 1000th iteration.
        const stats: Record<string, number> = {};
        for (let k = 0; k < 70; k++) stats[`s${k}`] = Math.sin(t * (k + 1));
        const upper = t === 75_001 ? 42 : Math.cos(t);
        if (upper === 42) maxAt = t;
        batch.push(record(t, upper, stats, t % 1000 === 0 ? { 'test.accuracy': t === 44_000 ? 2 : 0.5 } : undefined));
      }
      d.push(batch);
      assert.ok(d.records().length <= LIVE_RECORDS_BOUND, `${d.records().length} records kept after ${s + 500}`);
    }
    const kept = d.records();
    assert.equal(d.complete, false);
    assert.equal(kept[0]!.iteration, 0);
    assert.equal(kept.at(-1)!.iteration, n - 1);
    assert.ok(kept.some((r) => r.iteration === maxAt && r.upperLoss === 42), 'the upper-loss spike');
    assert.ok(kept.some((r) => r.evals?.['test.accuracy'] === 2), 'the best eval');
    assert.ok(kept.filter((r) => r.evals).length >= 2, 'eval records survive decimation');
  });
});
