// The sweep report's data, pure (src/report/sweepReportData.ts): bands of a group of seeds on each x
// axis against values worked out by hand, the reduced curves of the target table and its cells
// (reached, partly reached, not reached), sensitivity lines and parallel-coordinates axes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstReach } from '../../../src/common/bands';
import { formatNumber } from '../../../src/common/format';
import { quantileSorted } from '../../../src/common/quantiles';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { SweepGroup } from '../../../src/protocol/sweep';
import type { SweepReportRun } from '../../../src/report/sweepReportData';
import { curveOf, defaultTarget, groupBands, parallelData, reachCells, reachPoints, reachRows, reachText, sensitivityCharts, targetCells } from '../../../src/report/sweepReportData';

/** t_{0.975, 2}, Student's t for 3 seeds. */
const T2 = 4.302652729911275;

/** A record at iteration t with upperDistance d, `cost` gradients and HVPs each per iteration, at `ms` ms. */
function rec(t: number, d: number, cost: number, ms: number): IterationRecord {
  return {
    iteration: t,
    upperLoss: d * 2,
    lowerLoss: 0,
    hypergradNorm: d,
    lowerStationarity: 0,
    upperDistance: d,
    forwardMs: 1,
    backwardMs: 1,
    gradientEvals: cost * (t + 1),
    hvpEvals: cost * (t + 1),
    numTensors: 1,
    numBytes: 4,
    stats: {},
    time: ms,
  };
}

function run(group: string, seed: number, distances: readonly number[], opts: { cost?: number; msPerStep?: number; status?: string } = {}): SweepReportRun {
  const step = opts.msPerStep ?? 1000;
  return {
    runId: `${group}-${seed}`,
    index: seed,
    method: group,
    seed,
    group,
    gridPoint: {},
    status: opts.status ?? 'completed',
    final: {},
    records: distances.map((d, t) => rec(t, d, opts.cost ?? 10, 5000 + t * step)),
  };
}

// rhg: 3 seeds, all 3 iterations; seed 2 twice as slow in wall time.
const RHG = [run('rhg', 0, [1, 0.5, 0.25]), run('rhg', 1, [1, 0.8, 0.6]), run('rhg', 2, [2, 1, 0.05], { msPerStep: 2000 })];
// bda: seed 0 ends after 2 iterations (held), seed 1 diverges (NaN), seed 2 never started.
const BDA = [run('bda', 0, [1, 0.5]), run('bda', 1, [2, 1, NaN], { status: 'diverged' }), { ...run('bda', 2, []), status: 'not started' }];
const RUNS = [...RHG, ...BDA];

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

void describe('sweep report data', () => {
  void it('reads a run on every x axis: iterations, seconds since its first record, gradients + HVPs', () => {
    const r = RHG[2]!.records;
    assert.deepEqual(curveOf(r, 'iteration', (x) => x.upperDistance), [{ x: 0, y: 2 }, { x: 1, y: 1 }, { x: 2, y: 0.05 }]);
    assert.deepEqual(curveOf(r, 'time', (x) => x.upperDistance).map((p) => p.x), [0, 2, 4]);
    assert.deepEqual(curveOf(r, 'oracleCalls', (x) => x.upperDistance).map((p) => p.x), [20, 40, 60]);
    assert.deepEqual(curveOf(r, 'gradientEvals', (x) => x.upperDistance).map((p) => p.x), [10, 20, 30]);
  });

  void it('bands a group of seeds: median with q20–q80, and mean ± 95% CI, by hand', () => {
    const [rhg] = groupBands(RUNS, ['rhg'], 'upperDistance', 'iteration', 'median', false, 3);
    // x = 0: {1, 1, 2}; x = 1: {0.5, 0.8, 1}; x = 2: {0.25, 0.6, 0.05}. q(p) at h = 2p: q20 at 0.4, q80 at 1.6.
    const expected = [
      { x: 0, center: 1, lower: 1, upper: 1.6, n: 3 },
      { x: 1, center: 0.8, lower: 0.5 + 0.4 * 0.3, upper: 0.8 + 0.6 * 0.2, n: 3 },
      { x: 2, center: 0.25, lower: 0.05 + 0.4 * 0.2, upper: 0.25 + 0.6 * 0.35, n: 3 },
    ];
    assert.equal(rhg!.length, 3);
    rhg!.forEach((p, i) => {
      const e = expected[i]!;
      assert.equal(p.x, e.x);
      assert.equal(p.n, e.n);
      close(p.center, e.center, `median at ${e.x}`);
      close(p.lower, e.lower, `q20 at ${e.x}`);
      close(p.upper, e.upper, `q80 at ${e.x}`);
    });
    const [mean] = groupBands(RUNS, ['rhg'], 'upperDistance', 'iteration', 'mean', false, 3);
    // x = 1: mean 2.3/3; s² = ((0.5−m)² + (0.8−m)² + (1−m)²)/2 = 0.0633…; half-width t₀.₉₇₅,₂·s/√3.
    const m = 2.3 / 3;
    const half = T2 * Math.sqrt((((0.5 - m) ** 2 + (0.8 - m) ** 2 + (1 - m) ** 2) / 2) / 3);
    close(mean![1]!.center, m, 'mean at 1');
    close(mean![1]!.upper - mean![1]!.center, half, 'CI half-width at 1');
    assert.ok(Math.abs(half - 0.625161) < 1e-6, `the half-width itself: ${half}`);
  });

  void it('holds a finished seed at its last value and leaves out a diverged seed\'s NaN', () => {
    const [bda] = groupBands(RUNS, ['bda'], 'upperDistance', 'iteration', 'median', false, 3);
    // x = 0: {1, 2}; x = 2: seed 0 ended at 0.5 (held), seed 1 is NaN (left out), seed 2 has no records.
    assert.deepEqual([bda![0], bda![bda!.length - 1]].map((p) => [p!.x, p!.center, p!.n]), [[0, 1.5, 2], [2, 0.5, 1]]);
    // Both finished seeds finite: past seed 0's end (x = 1) it is held at 0.5.
    const held = [run('held', 0, [1, 0.5]), run('held', 1, [3, 2, 1])];
    const [h] = groupBands(held, ['held'], 'upperDistance', 'iteration', 'median', false, 3);
    assert.deepEqual(h!.map((p) => [p.x, p.center, p.n]), [[0, 2, 2], [1, 1.25, 2], [2, 0.75, 2]]);
    // A running seed is not held: past its end only the other seed counts.
    const running = [run('live', 0, [1, 0.5], { status: 'running' }), run('live', 1, [2, 1, 0.5])];
    const [live] = groupBands(running, ['live'], 'upperDistance', 'iteration', 'median', false, 3);
    assert.deepEqual(live!.map((p) => p.n), [2, 2, 1]);
  });

  void it('bands on a log-spaced grid leave out x ≤ 0 (iteration 0)', () => {
    const [rhg] = groupBands(RUNS, ['rhg'], 'upperDistance', 'iteration', 'median', true, 3);
    assert.equal(rhg!.length, 3);
    [1, Math.sqrt(2), 2].forEach((x, i) => close(rhg![i]!.x, x, `grid point ${i}`));
  });

  void it('keeps only the points where a first reach can happen, and firstReach gives the same on them', () => {
    const ys = [5, 3, 4, 3, 2, NaN, 2.5, 1, 1, 0.5];
    const curve = ys.map((y, x) => ({ x, y }));
    const kept = reachPoints(curve, (p) => p.y);
    // Running minima 5, 3, 2, 1, 0.5 (at 0, 1, 4, 7, 9) and the point before each.
    assert.deepEqual(kept.map((p) => p.x), [0, 1, 3, 4, 6, 7, 8, 9]);
    for (const target of [6, 5, 3.5, 3, 2.2, 2, 1.5, 1, 0.7, 0.5, 0.1]) assert.equal(firstReach(kept, target), firstReach(curve, target), `target ${target}`);
    // A NaN just before a new minimum is kept (as null), so the reach there is not interpolated.
    const afterNaN = [{ x: 0, y: 2 }, { x: 1, y: NaN }, { x: 2, y: 1 }];
    assert.deepEqual(reachPoints(afterNaN, (p) => p.y).map((p) => p.x), [0, 1, 2]);
    const rows = reachRows([rec(0, 2, 1, 0), rec(1, NaN, 1, 1000), rec(2, 1, 1, 2000)], 'upperDistance');
    assert.deepEqual(rows, [[0, 2, 2], [1, 4, null], [2, 6, 1]]);
  });

  void it('tells time and oracle calls to reach the target per group, median over the seeds that reach it', () => {
    const target = { metric: 'upperDistance' as const, label: '‖x − x*‖', defaultTarget: 0.3, groups: [RHG.map((r) => reachRows(r.records, 'upperDistance')), BDA.map((r) => reachRows(r.records, 'upperDistance'))] };
    const [rhg, bda] = targetCells(target, 0.3);
    // Oracle calls 20, 40, 60. Seed 0 crosses 0.3 between (40, 0.5) and (60, 0.25): 40 + 0.8·20 = 56.
    // Seed 2 between (40, 1) and (60, 0.05): 40 + (0.7/0.95)·20. Seed 1 ends at 0.6: not reached.
    const s2 = 40 + (0.7 / 0.95) * 20;
    assert.equal(rhg!.oracleCalls.k, 2);
    assert.equal(rhg!.oracleCalls.n, 3);
    close(rhg!.oracleCalls.median!, (56 + s2) / 2, 'oracle calls');
    // Seconds: seed 0 at 1 + 0.8·1 = 1.8; seed 2 (2 s a step) at 2 + (0.7/0.95)·2.
    close(rhg!.time.median!, (1.8 + 2 + (0.7 / 0.95) * 2) / 2, 'time');
    assert.deepEqual(bda, { time: { k: 0, n: 3 }, oracleCalls: { k: 0, n: 3 } });
    assert.equal(reachText(bda!.time, formatNumber), 'not reached (0 of 3)');
    assert.equal(reachText({ k: 2, n: 3, median: 55.3684 }, formatNumber), '55.37 (2 of 3)');
    // A loose target: every seed of rhg reaches it at its first record, bda's two seeds with records too.
    const loose = targetCells(target, 5);
    assert.deepEqual(loose.map((c) => [c.oracleCalls.k, c.oracleCalls.median]), [[3, 20], [2, 20]]);
  });

  void it('computes the table the same way once inlined as source (the page recomputes it)', () => {
    const inlined = new Function(`return (${reachCells.toString()});`)() as typeof reachCells;
    const groups = [RHG.map((r) => reachRows(r.records, 'upperDistance'))];
    for (const t of [0.01, 0.3, 0.7, 2]) assert.deepEqual(inlined(groups, t, firstReach, quantileSorted), reachCells(groups, t, firstReach, quantileSorted));
    const text = new Function(`return (${reachText.toString()});`)() as typeof reachText;
    assert.equal(text({ k: 1, n: 2, median: 3 }, formatNumber), reachText({ k: 1, n: 2, median: 3 }, formatNumber));
  });

  void it('takes the runs\' tolerance as the default target (the smallest), else 1e-2', () => {
    assert.equal(defaultTarget(RUNS), 1e-2);
    assert.equal(defaultTarget([{ ...RHG[0]!, tolerance: 1e-3 }, { ...RHG[1]!, tolerance: 1e-4 }, RHG[2]!]), 1e-4);
  });

  void it('lines up a final metric against a swept option per method, in grid order', () => {
    const summary = (median: number): SweepGroup['metrics'] => ({ upperLoss: { n: 2, nonFinite: 0, median, q20: median - 1, q80: median + 1, mean: median, ci95: 0.5 } });
    const groups: SweepGroup[] = [
      { key: 'rhg K=20', method: 'rhg', gridPoint: { K: 20 }, n: 2, metrics: summary(3) },
      { key: 'rhg K=10', method: 'rhg', gridPoint: { K: 10 }, n: 2, metrics: summary(1) },
      { key: 'bda K=10', method: 'bda', gridPoint: { K: 10 }, n: 2, metrics: summary(5) },
    ];
    const [chart, modes] = sensitivityCharts([{ flag: 'K', values: [10, 20] }, { flag: 'mode', values: ['a', 'b'] }], [{ flag: 'K', groups }, { flag: 'mode', groups: [] }], ['rhg', 'bda', 'fom']);
    assert.equal(chart!.numeric, true);
    assert.deepEqual(chart!.methods.map((m) => [m.method, m.points.map((p) => [p.value, p.metrics.upperLoss!.median])]), [['rhg', [[10, 1], [20, 3]]], ['bda', [[10, 5]]]]);
    assert.equal(modes!.numeric, false);
    assert.deepEqual(modes!.methods, []);
  });

  void it('gives parallel coordinates an axis per swept option and per final metric, a line per finished run', () => {
    const finished = (id: string, method: string, gridPoint: SweepReportRun['gridPoint'], final: Record<string, number>): SweepReportRun => ({ ...run(method, 0, []), runId: id, group: `${method} x`, gridPoint, final });
    const runs = [
      finished('a', 'rhg', { mode: 'y', K: 1 }, { upperLoss: 1, durationMs: 10 }),
      finished('b', 'rhg', { mode: 'x', K: 1000 }, { upperLoss: 3, durationMs: NaN }),
      finished('c', 'fom', { K: 10 }, { upperLoss: 2, durationMs: 30 }),
      { ...run('rhg', 1, []), runId: 'not-started' },
    ];
    const p = parallelData([{ flag: 'mode', values: ['x', 'y'] }, { flag: 'K', values: [1, 10, 1000] }], runs, new Map([['rhg x', '#123456']]));
    assert.deepEqual(p.axes.map((a) => [a.key, a.kind, a.min, a.max, a.log, a.categories]), [
      ['mode', 'option', 0, 1, false, ['x', 'y']],
      ['K', 'option', 1, 1000, true, undefined],
      ['upperLoss', 'metric', 1, 3, false, undefined],
      ['durationMs', 'metric', 10, 30, false, undefined],
    ]);
    // Categories by index; fom does not take `mode` (null); a NaN metric is null.
    assert.deepEqual(p.lines.map((l) => [l.runId, l.color, l.values]), [
      ['a', '#123456', [1, 1, 1, 10]],
      ['b', '#123456', [0, 1000, 3, null]],
      ['c', '#bcbd22', [null, 10, 2, 30]],
    ]);
  });
});
