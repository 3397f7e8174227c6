// Fair axes and groups of seeds in the live panel (webview/seedGroups.ts, targetTable.ts, state.ts):
// runs equal but for the seed are one group drawn as a median with its 20–80% band (or mean ± 95% CI),
// every chart plots against any x axis of src/protocol/xAxis.ts, log x drops x ≤ 0, and the "to reach
// target" table gives time and oracle calls per group. Every expected number is worked out by hand.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { methodColor } from '../../../src/protocol/chartData';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { RunView } from '../../../src/protocol/webview';
import { groupRuns } from '../../../webview/seedGroups';
import { BAND_POINTS, PanelModel, readPersistedState, type LineChartData, type LineDataset } from '../../../webview/state';
import { DEFAULT_TARGET, defaultTarget, parseTarget, targetCells, targetMeasure } from '../../../webview/targetTable';

/** A record at iteration t: 3t gradients and t HVPs so far (4t oracle calls), made 500 ms after the previous one. */
function record(t: number, extra: Partial<IterationRecord> = {}): IterationRecord {
  return {
    iteration: t,
    upperLoss: 1,
    lowerLoss: -1,
    hypergradNorm: 0.5,
    lowerStationarity: 1e-6,
    forwardMs: 1,
    backwardMs: 3,
    gradientEvals: 3 * t,
    hvpEvals: t,
    numTensors: 10,
    numBytes: 72,
    stats: {},
    time: 1000 + 500 * t,
    ...extra,
  };
}

/** Records 0..last of a run whose upper loss is `f(t)` (and distance `d(t)` when given). */
function curve(last: number, f: (t: number) => number, d?: (t: number) => number): IterationRecord[] {
  return Array.from({ length: last + 1 }, (_, t) => record(t, { upperLoss: f(t), ...(d ? { upperDistance: d(t) } : {}) }));
}

function view(runId: string, method: string, seed: number | undefined, records: IterationRecord[], extra: Partial<RunView> = {}): RunView {
  const settings = seed === undefined ? undefined : { method, iterations: 11, lowerSteps: 10, seed, backend: 'cpu' };
  return { runId, label: runId, method, problem: 'toy', status: 'completed', iterations: 11, startedAt: 0, records, ...(settings ? { settings } : {}), ...extra };
}

const DEFAULTS = { logScaleY: false, smoothing: 0, maxPointsPerSeries: 2000 };
const LINEAR = { logX: false, logY: false };
const MEDIAN = { stat: 'median' as const, showSeeds: false };

function model(...runs: RunView[]): PanelModel {
  const m = new PanelModel();
  m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs });
  return m;
}

function role(chart: LineChartData, r: LineDataset['role']): LineDataset {
  const d = chart.datasets.find((x) => x.role === r);
  assert.ok(d, `a ${r} dataset`);
  return d;
}

/** The y of `points` at x (a grid point of the band), within float noise of x. */
function yAt(points: readonly { x: number; y: number }[], x: number): number {
  const p = points.find((q) => Math.abs(q.x - x) < 1e-9);
  assert.ok(p, `a point at x = ${x}`);
  return p.y;
}

function close(actual: number, expected: number, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} ≈ ${expected}`);
}

describe('groups of seeds', () => {
  it('groups runs whose settings differ only in the seed, by method, labelled by what sets a method’s groups apart', () => {
    const s = (method: string, seed: number, lowerSteps = 10): RunView['settings'] => ({ method, iterations: 100, lowerSteps, seed, backend: 'cpu' });
    const groups = groupRuns([
      { runId: 'a', method: 'rhg', label: 'rhg', settings: s('rhg', 0) },
      { runId: 'b', method: 'cg', label: 'cg', settings: s('cg', 0) },
      { runId: 'c', method: 'rhg', label: 'rhg', settings: s('rhg', 1) },
      { runId: 'd', method: 'rhg', label: 'rhg', settings: s('rhg', 0, 20) },
      { runId: 'e', method: 'cg', label: 'cg', settings: s('cg', 1) },
    ]);
    assert.deepEqual(
      groups.map((g) => [g.id, g.label, g.runIds]),
      [
        ['a', 'rhg (lowerSteps=10)', ['a', 'c']],
        ['b', 'cg', ['b', 'e']],
        // A lone run keeps its own label.
        ['d', 'rhg', ['d']],
      ],
    );
    assert.deepEqual(
      groups.map((g) => g.color),
      [methodColor('rhg'), methodColor('cg'), methodColor('rhg', 1)],
    );
    assert.equal(groups[0]!.settings.seed, undefined);
  });

  it('lets a queued run that knows only its given options join the group its settings match, and keeps runs without settings apart', () => {
    const full = (seed: number, lowerSteps: number): RunView['settings'] => ({ method: 'rhg', iterations: 100, lowerSteps, lowerLr: 0.1, seed, backend: 'cpu' });
    const groups = groupRuns([
      { runId: 'q', method: 'rhg', label: 'rhg', settings: { method: 'rhg', lowerSteps: 20, seed: 2 } },
      { runId: 'a', method: 'rhg', label: 'rhg', settings: full(0, 10) },
      { runId: 'b', method: 'rhg', label: 'rhg', settings: full(1, 20) },
      { runId: 'x', method: 'rhg', label: 'old 1' },
      { runId: 'y', method: 'rhg', label: 'old 2' },
    ]);
    assert.deepEqual(
      groups.map((g) => g.runIds),
      [['q', 'b'], ['a'], ['x'], ['y']],
    );
    assert.equal(groups[0]!.label, 'rhg (lowerSteps=20)');
  });

  it('colours each seed of a group with the group’s colour, which is runColors when no two runs group', () => {
    const m = model(view('a', 'rhg', 0, curve(2, () => 1)), view('b', 'rhg', 1, curve(2, () => 2)), view('c', 'cg', 0, curve(2, () => 3)));
    assert.deepEqual(m.colors(), [methodColor('rhg'), methodColor('rhg'), methodColor('cg')]);
    const apart = model(view('a', 'rhg', undefined, curve(2, () => 1)), view('b', 'rhg', undefined, curve(2, () => 2)));
    assert.deepEqual(apart.colors(), [methodColor('rhg'), methodColor('rhg', 1)]);
  });

  it('names each seed of a group in the run list and the tables, and a lone run as before', () => {
    const m = model(view('a', 'rhg', 0, curve(2, () => 1)), view('b', 'rhg', 1, curve(2, () => 2)), view('c', 'cg', 0, curve(2, () => 3)));
    assert.deepEqual(m.summaryRows().map((r) => r.label), ['a · seed 0', 'b · seed 1', 'c']);
    // A run already named after its seed (a seeded comparison, a sweep) is not told its seed twice.
    const named = model(view('a', 'rhg', 0, curve(2, () => 1), { label: 'rhg seed 0' }), view('b', 'rhg', 1, curve(2, () => 2), { label: 'rhg seed 1' }));
    assert.deepEqual(named.summaryRows().map((r) => r.label), ['rhg seed 0', 'rhg seed 1']);
  });
});

describe('bands of a group of seeds', () => {
  let constant: PanelModel;
  before(() => {
    // Three finished seeds, F ≡ 1, 2, 4 on iterations 0..10.
    constant = model(view('a', 'rhg', 0, curve(10, () => 1)), view('b', 'rhg', 1, curve(10, () => 2)), view('c', 'rhg', 2, curve(10, () => 4)));
  });

  it('draws the median with its 20–80% band as lower, upper and centre datasets', () => {
    const chart = constant.chart('upperLoss', LINEAR, 0, 2000, 'iteration', MEDIAN) as LineChartData;
    assert.deepEqual(
      chart.datasets.map((d) => d.role),
      ['band-lower', 'band-upper', 'center'],
    );
    const centre = role(chart, 'center');
    assert.equal(centre.points.length, BAND_POINTS);
    assert.equal(centre.label, 'rhg · median of 3 seeds');
    assert.equal(centre.color, methodColor('rhg'));
    // Sorted [1, 2, 4]: type-7 quantiles q20 = 1 + 0.4·(2 − 1) = 1.4, q50 = 2, q80 = 2 + 0.6·(4 − 2) = 3.2.
    for (const [r, y] of [['band-lower', 1.4], ['center', 2], ['band-upper', 3.2]] as const) for (const p of role(chart, r).points) close(p.y, y);
    assert.equal(role(chart, 'band-lower').points[0]!.x, 0);
    assert.equal(role(chart, 'band-upper').points.at(-1)!.x, 10);
  });

  it('switches to the mean ± 95% CI', () => {
    const chart = constant.chart('upperLoss', LINEAR, 0, 2000, 'iteration', { stat: 'mean', showSeeds: false }) as LineChartData;
    // Mean 7/3; sample variance ((4/3)² + (1/3)² + (5/3)²)/2 = 7/3; half-width t₀.₉₇₅,₂ · √(7/3 / 3) = 4.302653 · 0.881917.
    const half = 4.302653 * Math.sqrt(7 / 9);
    close(role(chart, 'center').points[5]!.y, 7 / 3);
    close(role(chart, 'band-lower').points[5]!.y, 7 / 3 - half, 1e-6);
    close(role(chart, 'band-upper').points[5]!.y, 7 / 3 + half, 1e-6);
    assert.equal(role(chart, 'center').label, 'rhg · mean of 3 seeds');
  });

  it('draws each seed thin on request, and a lone run as its plain line', () => {
    const chart = constant.chart('upperLoss', LINEAR, 0, 2000, 'iteration', { stat: 'median', showSeeds: true }) as LineChartData;
    const seeds = chart.datasets.filter((d) => d.role === 'seed');
    assert.deepEqual(seeds.map((d) => d.runId), ['a', 'b', 'c']);
    assert.deepEqual(seeds.map((d) => d.label), ['rhg · seed 0', 'rhg · seed 1', 'rhg · seed 2']);
    assert.deepEqual(seeds[2]!.points.map((p) => p.y), Array(11).fill(4));
    const mixed = model(view('a', 'rhg', 0, curve(3, () => 1)), view('b', 'rhg', 1, curve(3, () => 2)), view('c', 'cg', 0, curve(3, () => 5)));
    const lone = (mixed.chart('upperLoss', LINEAR, 0, 2000, 'iteration', MEDIAN) as LineChartData).datasets.filter((d) => d.role === 'raw');
    assert.deepEqual(lone.map((d) => [d.runId, d.color, d.points.length]), [['c', methodColor('cg'), 4]]);
    // Without a band view every run is its own line, as before.
    assert.deepEqual((mixed.chart('upperLoss', LINEAR) as LineChartData).datasets.map((d) => d.role), ['raw', 'raw', 'raw']);
  });

  it('interpolates linear seeds and holds finished seeds but not running ones', () => {
    // F = t, 2t, 3t: q20 = 1.4t, median 2t, q80 = 2.6t at every grid x.
    const linear = model(...[1, 2, 3].map((k, i) => view(`s${k}`, 'rhg', i, curve(10, (t) => k * t))));
    const chart = linear.chart('upperLoss', LINEAR, 0, 2000, 'iteration', MEDIAN) as LineChartData;
    for (const p of role(chart, 'center').points) close(p.y, 2 * p.x);
    for (const p of role(chart, 'band-lower').points) close(p.y, 1.4 * p.x);
    for (const p of role(chart, 'band-upper').points) close(p.y, 2.6 * p.x);
    // Seed b runs and has reached t = 4 only: past it, only a (1) and c (4) count, median 2.5.
    const live = model(view('a', 'rhg', 0, curve(10, () => 1)), view('b', 'rhg', 1, curve(4, () => 2), { status: 'running' }), view('c', 'rhg', 2, curve(10, () => 4)));
    const centre = role(live.chart('upperLoss', LINEAR, 0, 2000, 'iteration', MEDIAN) as LineChartData, 'center').points;
    // Grid x_i = 10·i/199; x_110 ≈ 5.53 lies past b's last record.
    const x110 = (10 * 110) / (BAND_POINTS - 1);
    close(centre[0]!.y, 2);
    close(yAt(centre, x110), 2.5);
    close(centre.at(-1)!.y, 2.5);
    // Records that arrive extend the band at the next redraw: b now counts up to t = 6.
    live.append('b', [record(5, { upperLoss: 2 }), record(6, { upperLoss: 2 })]);
    const grown = role(live.chart('upperLoss', LINEAR, 0, 2000, 'iteration', MEDIAN) as LineChartData, 'center').points;
    close(yAt(grown, x110), 2);
    close(grown.at(-1)!.y, 2.5);
  });
});

describe('x axes', () => {
  let m: PanelModel;
  before(() => {
    m = model(view('a', 'rhg', undefined, curve(4, (t) => 10 - t)));
  });

  it('plots a chart against gradients, HVPs, oracle calls, wall time and iterations', () => {
    const xs = (axis: 'iteration' | 'time' | 'gradientEvals' | 'hvpEvals' | 'oracleCalls'): number[] => (m.chart('upperLoss', LINEAR, 0, 2000, axis) as LineChartData).datasets[0]!.points.map((p) => p.x);
    assert.deepEqual(xs('iteration'), [0, 1, 2, 3, 4]);
    assert.deepEqual(xs('gradientEvals'), [0, 3, 6, 9, 12]);
    assert.deepEqual(xs('hvpEvals'), [0, 1, 2, 3, 4]);
    assert.deepEqual(xs('oracleCalls'), [0, 4, 8, 12, 16]);
    assert.deepEqual(xs('time'), [0, 0.5, 1, 1.5, 2]);
    // The y values follow their records whatever the axis.
    assert.deepEqual((m.chart('upperLoss', LINEAR, 0, 2000, 'oracleCalls') as LineChartData).datasets[0]!.points.map((p) => p.y), [10, 9, 8, 7, 6]);
    // The smoothed line moves with its raw line, and later records extend the cached series.
    m.append('a', [record(5, { upperLoss: 5 })]);
    const smoothed = (m.chart('upperLoss', LINEAR, 0.5, 2000, 'oracleCalls') as LineChartData).datasets.find((d) => d.role === 'smoothed')!;
    assert.deepEqual(smoothed.points.map((p) => p.x), [0, 4, 8, 12, 16, 20]);
  });

  it('leaves out records that cannot say their x (no cost counters in an older record)', () => {
    const old = model(view('o', 'rhg', undefined, [record(0), record(1, { gradientEvals: Number.NaN }), record(2)]));
    assert.deepEqual((old.chart('upperLoss', LINEAR, 0, 2000, 'oracleCalls') as LineChartData).datasets[0]!.points.map((p) => p.x), [0, 8]);
    assert.deepEqual((old.chart('upperLoss', LINEAR, 0, 2000, 'hvpEvals') as LineChartData).datasets[0]!.points.map((p) => p.x), [0, 1, 2]);
  });

  it('drops x ≤ 0 on a log x axis, log–log with log y, and spaces a band’s grid logarithmically', () => {
    const log = m.chart('upperLoss', { logX: true, logY: true }, 0, 2000, 'oracleCalls') as LineChartData;
    assert.deepEqual(log.datasets[0]!.points.map((p) => p.x), [4, 8, 12, 16, 20]);
    const seeds = model(view('a', 'rhg', 0, curve(10, () => 1)), view('b', 'rhg', 1, curve(10, () => 2)), view('c', 'rhg', 2, curve(10, () => 4)));
    const centre = role(seeds.chart('upperLoss', { logX: true, logY: false }, 0, 2000, 'iteration', MEDIAN) as LineChartData, 'center').points;
    // Grid from 1 (0 left out) to 10, equal ratios: x_i = 10^(i/199).
    assert.equal(centre[0]!.x, 1);
    assert.equal(centre.at(-1)!.x, 10);
    close(centre[1]!.x, 10 ** (1 / (BAND_POINTS - 1)));
    close(centre[2]!.x / centre[1]!.x, centre[1]!.x / centre[0]!.x);
  });
});

describe('to reach target', () => {
  let m: PanelModel;
  before(() => {
    // ‖x − x*‖ = 1 − 0.1t (a), 1 − 0.05t (b), 1 (c) on iterations 0..10, 4t oracle calls and 0.5t s.
    m = model(
      view('a', 'rhg', 0, curve(10, () => 1, (t) => 1 - 0.1 * t)),
      view('b', 'rhg', 1, curve(10, () => 1, (t) => 1 - 0.05 * t)),
      view('c', 'rhg', 2, curve(10, () => 1, () => 1)),
      view('d', 'cg', 0, curve(10, () => 1, () => 1)),
    );
  });

  it('gives the median time and oracle calls over the seeds that reached it, and how many did', () => {
    assert.equal(m.targetMeasure(), 'upperDistance');
    // Target 0.5: a at t = 5 (20 calls, 2.5 s), b at t = 10 (40 calls, 5 s), c never: medians 30 calls and 3.75 s.
    const [rhg, cg] = m.targetRows(0.5);
    assert.equal(rhg!.groupId, 'a');
    assert.equal(rhg!.reached, 2);
    assert.equal(rhg!.runs, 3);
    close(rhg!.oracleCalls!, 30);
    close(rhg!.timeS!, 3.75);
    assert.deepEqual(targetCells(rhg!), { time: '3.75 s', oracleCalls: '30', reached: '2 of 3 reached' });
    assert.deepEqual(targetCells(cg!), { time: 'not reached', oracleCalls: 'not reached', reached: '0 of 1 reached' });
    assert.equal(cg!.timeS, undefined);
  });

  it('interpolates inside the step that crossed the target', () => {
    // Target 0.45: a between t = 5 (0.5) and t = 6 (0.4), at t = 5.5: 22 calls, 2.75 s; b would need t = 11.
    const [rhg] = m.targetRows(0.45);
    assert.equal(rhg!.reached, 1);
    close(rhg!.oracleCalls!, 22);
    close(rhg!.timeS!, 2.75);
  });

  it('targets F when a run has no distance, and starts from the runs’ tolerance', () => {
    const f = model(view('a', 'rhg', undefined, curve(4, (t) => 4 - t)), view('b', 'rhg', undefined, curve(4, () => 1, () => 1)));
    assert.equal(f.targetMeasure(), 'upperLoss');
    // F = 4 − t reaches 1.5 at t = 2.5: 10 oracle calls, 1.25 s.
    const [a] = f.targetRows(1.5);
    close(a!.oracleCalls!, 10);
    close(a!.timeS!, 1.25);
    assert.equal(targetMeasure([]), 'upperLoss');
    assert.equal(f.defaultTarget(), DEFAULT_TARGET);
    assert.equal(model(view('a', 'rhg', 0, [], { settings: { method: 'rhg', tolerance: 1e-4 } })).defaultTarget(), 1e-4);
    assert.equal(defaultTarget([undefined, 'x', 0, 3e-3]), 3e-3);
    assert.equal(parseTarget(' 1e-3 '), 1e-3);
    assert.equal(parseTarget('-2'), -2);
    assert.equal(parseTarget('abc'), undefined);
    assert.equal(parseTarget(''), undefined);
  });

  it('has no time for a run whose records carry none, but still counts its oracle calls', () => {
    const untimed = model(view('a', 'rhg', undefined, curve(4, () => 1, (t) => 1 - 0.25 * t).map((r) => ({ ...r, time: undefined }))));
    const [a] = untimed.targetRows(0.5);
    assert.equal(a!.reached, 1);
    close(a!.oracleCalls!, 8);
    assert.equal(a!.timeS, undefined);
    assert.equal(targetCells(a!).time, '—');
  });
});

describe('persisted toggles', () => {
  it('reads back the x axis, log x, the band statistic, show seeds and the target; older and bad values safely', () => {
    const s = readPersistedState({ title: 't', runIds: [], charts: {}, xAxis: 'oracleCalls', logX: true, bandStat: 'mean', showSeeds: true, target: 1e-3 });
    assert.equal(s?.xAxis, 'oracleCalls');
    assert.equal(s?.logX, true);
    assert.equal(s?.bandStat, 'mean');
    assert.equal(s?.showSeeds, true);
    assert.equal(s?.target, 1e-3);
    // A panel saved before the new axes had 'time' or 'iteration'.
    assert.equal(readPersistedState({ xAxis: 'time' })?.xAxis, 'time');
    const bad = readPersistedState({ xAxis: 'furlongs', logX: 'yes', bandStat: 'mode', showSeeds: 1, target: Number.NaN });
    assert.deepEqual([bad?.xAxis, bad?.logX, bad?.bandStat, bad?.showSeeds, bad?.target], [undefined, undefined, undefined, undefined, undefined]);
  });
});
