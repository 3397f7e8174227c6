import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IterationRecord, StatValue } from '../../../src/protocol/metrics';
import { StatsAccumulator, formatStatSummaries } from '../../../src/cli/statsSummary';

const record = (stats: Record<string, StatValue>): IterationRecord => ({
  iteration: 0,
  upperLoss: 0,
  lowerLoss: 0,
  hypergradNorm: 0,
  lowerStationarity: 0,
  forwardMs: 0,
  backwardMs: 0,
  gradientEvals: 0,
  hvpEvals: 0,
  numTensors: 0,
  numBytes: 0,
  stats,
});

describe('StatsAccumulator', () => {
  test('last value, mean, k* histogram; arrays and strings handled', () => {
    const acc = new StatsAccumulator();
    acc.add(record({ 'ptt.kStar': 3, 'cg.converged': true, 'cg.flag': '', 'rhg.adjointNorms': [1, 2] }));
    acc.add(record({ 'ptt.kStar': 5, 'cg.converged': false, 'cg.flag': 'not-converged' }));
    acc.add(record({ 'ptt.kStar': 3, 'cg.converged': true, 'cg.flag': '' }));
    const byKey = Object.fromEntries(acc.summaries().map((s) => [s.key, s]));
    assert.deepEqual(Object.keys(byKey), ['cg.converged', 'cg.flag', 'ptt.kStar']);
    assert.equal(byKey['ptt.kStar']!.last, 3);
    assert.ok(Math.abs(byKey['ptt.kStar']!.mean! - 11 / 3) < 1e-12);
    assert.deepEqual([...byKey['ptt.kStar']!.histogram!.entries()], [[3, 2], [5, 1]]);
    assert.ok(Math.abs(byKey['cg.converged']!.mean! - 2 / 3) < 1e-12);
    assert.equal(byKey['cg.flag']!.mean, undefined);
    const lines = formatStatSummaries(acc.summaries(), (n) => String(n));
    assert.match(lines.find((l) => l.startsWith('ptt.kStar'))!, /last 3 {2}mean 3\.66.* {2}histogram 3:2 5:1/);
  });
});
