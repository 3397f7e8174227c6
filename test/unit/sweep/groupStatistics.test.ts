// groupStatistics and finalMetrics (src/sweep/groupStatistics.ts): one entry per method × grid point
// with summarize() of each final metric, the shape of `bilevel sweep --json`'s groups.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunSummary } from '../../../src/protocol/metrics';
import { CORE_CATALOG } from '../../../src/sweep/coreCatalog';
import { expandSweep } from '../../../src/sweep/expandSweep';
import { finalMetrics, groupStatistics } from '../../../src/sweep/groupStatistics';

describe('groupStatistics', () => {
  it('groups a sweep\'s runs by method and grid point, in expansion order, and summarizes each metric', () => {
    const runs = expandSweep({ problem: { kind: 'builtin', id: 'toy-ufom', params: {} }, methods: ['fom', 'ufom'], seeds: [0, 1, 2], grid: [{ flag: 'q', values: [0.1, 0.5] }] }, CORE_CATALOG);
    // theta = 10·index + seed, so each group's values are known: fom 0 1 2 (indices 0–2), ufom q=0.1: 31 42 53, …
    const groups = groupStatistics(runs.map((run) => ({ run, metrics: { theta: 10 * run.index + run.seed } })));
    assert.deepEqual(groups.map((g) => [g.key, g.method, g.gridPoint, g.n]), [
      ['fom', 'fom', {}, 3],
      ['ufom q=0.1', 'ufom', { q: 0.1 }, 3],
      ['ufom q=0.5', 'ufom', { q: 0.5 }, 3],
    ]);
    // fom: 0, 11, 22 → median 11, mean 11; q20: h = 0.4 → 0 + 0.4·11 = 4.4; q80: h = 1.6 → 11 + 0.6·11 = 17.6;
    // s² = (121 + 0 + 121)/2 = 121, s/√3 = 11/√3 = 6.3508530, t(2) = 4.3026527 → ci95 = 27.3255…
    const fom = groups[0]!.metrics.theta!;
    assert.equal(fom.n, 3);
    assert.equal(fom.median, 11);
    assert.equal(fom.mean, 11);
    assert.ok(Math.abs(fom.q20! - 4.4) < 1e-12 && Math.abs(fom.q80! - 17.6) < 1e-12);
    assert.ok(Math.abs(fom.ci95! - 4.3026527 * (11 / Math.sqrt(3))) < 1e-5);
    // ufom q=0.5: indices 6–8 → 60, 71, 82: median 71.
    assert.equal(groups[2]!.metrics.theta!.median, 71);
  });

  it('counts runs without metrics in n but not in the metric\'s n, and keeps metrics only some runs have', () => {
    const run = { method: 'rhg', gridPoint: { K: 5 } };
    const groups = groupStatistics([
      { run, metrics: { upperLoss: 1, upperDistance: 0.5 } },
      { run, metrics: { upperLoss: 3 } },
      { run },
      { run, metrics: { upperLoss: NaN } },
    ]);
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.n, 4);
    assert.deepEqual(groups[0]!.metrics.upperLoss, { n: 2, nonFinite: 1, median: 2, q20: 1.4, q80: 2.6, mean: 2, ci95: groups[0]!.metrics.upperLoss!.ci95 });
    assert.deepEqual(groups[0]!.metrics.upperDistance, { n: 1, nonFinite: 0, median: 0.5, q20: 0.5, q80: 0.5, mean: 0.5 });
  });

  it('gives no groups for no runs', () => {
    assert.deepEqual(groupStatistics([]), []);
  });
});

describe('finalMetrics', () => {
  const summary: RunSummary = {
    iterations: 200,
    last: {
      iteration: 199,
      upperLoss: 0.25,
      lowerLoss: 1.5,
      hypergradNorm: 0.01,
      lowerStationarity: 1e-6,
      upperDistance: 0.02,
      forwardMs: 1,
      backwardMs: 2,
      gradientEvals: 4000,
      hvpEvals: 200,
      numTensors: 10,
      numBytes: 100,
      stats: { 'cg.residual': 0.1 },
    },
    x: { theta: [5.7], w: [1, 2] },
    y: { y: [0.3] },
    msPerIteration: 0.5,
    peakTensors: 12,
    peakBytes: 120,
    iterationsToTolerance: 150,
    evals: { 'test.accuracy': 0.9, 'test.accuracy.ci95': 0.01 },
  };

  it('takes the last losses and counts, held-out metrics, one-entry upper variables and timings', () => {
    assert.deepEqual(finalMetrics(summary, 1234), {
      upperLoss: 0.25,
      lowerLoss: 1.5,
      hypergradNorm: 0.01,
      lowerStationarity: 1e-6,
      upperDistance: 0.02,
      gradientEvals: 4000,
      hvpEvals: 200,
      'evals.test.accuracy': 0.9,
      'x.theta': 5.7,
      msPerIteration: 0.5,
      iterationsToTolerance: 150,
      durationMs: 1234,
    });
  });

  it('gives nothing for a run without a summary, and keeps a diverged run\'s NaN for summarize to count', () => {
    assert.deepEqual(finalMetrics(undefined), {});
    const diverged = finalMetrics({ ...summary, last: { ...summary.last!, upperLoss: NaN } });
    assert.ok(Number.isNaN(diverged.upperLoss));
  });
});
