// Unit tests of the report's pure data side (src/report/reportData.ts): series, decimation,
// histograms and which charts a set of methods gets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IterationRecord, StatValue } from '../../../src/protocol/metrics';
import type { LineChartSpec, Point, ReportMethod } from '../../../src/report/reportData';
import { buildCharts, buildSeries, decimateMinMax, histogram, isPttMethod, kStarHistogram, MAX_POINTS, numericStatKeys, statNumber } from '../../../src/report/reportData';

/** A record of iteration `t` with simple values (F = 100/(t+1)) and the given stats. */
function record(t: number, stats: Record<string, StatValue> = {}, extra: Partial<IterationRecord> = {}): IterationRecord {
  return {
    iteration: t,
    upperLoss: 100 / (t + 1),
    lowerLoss: -t,
    hypergradNorm: 1 / (t + 1),
    lowerStationarity: 0,
    forwardMs: 2,
    backwardMs: 3,
    gradientEvals: 10 * (t + 1),
    hvpEvals: 0,
    numTensors: 7,
    numBytes: 64,
    stats,
    ...extra,
  };
}

function method(id: string, records: IterationRecord[]): ReportMethod {
  return { method: id, status: 'completed', options: { iterations: records.length }, warnings: [], records };
}

function line(charts: ReturnType<typeof buildCharts>, id: string): LineChartSpec {
  const c = charts.find((x) => x.id === id);
  assert.ok(c, `no chart '${id}' among ${charts.map((x) => x.id).join(', ')}`);
  assert.equal(c.kind, 'line');
  return c;
}

describe('reportData', () => {
  it('buildSeries keeps finite values by iteration and skips missing, NaN and infinite ones', () => {
    const records = [record(0, {}, { upperDistance: 3 }), record(1), record(2, {}, { upperDistance: Number.NaN }), record(3, {}, { upperDistance: Infinity }), record(4, {}, { upperDistance: 0.5 })];
    assert.deepEqual(buildSeries(records, (r) => r.upperDistance), [{ x: 0, y: 3 }, { x: 4, y: 0.5 }]);
    assert.deepEqual(buildSeries(records, (r) => r.forwardMs + r.backwardMs).map((p) => p.y), [5, 5, 5, 5, 5]);
  });

  it('statNumber maps numbers as is, booleans to 0/1, and strings or arrays to nothing', () => {
    assert.equal(statNumber(4.5), 4.5);
    assert.equal(statNumber(true), 1);
    assert.equal(statNumber(false), 0);
    assert.equal(statNumber('converged'), undefined);
    assert.equal(statNumber([1, 2]), undefined);
  });

  it('decimateMinMax leaves short series alone', () => {
    const pts: Point[] = [...Array(MAX_POINTS).keys()].map((i) => ({ x: i, y: Math.sin(i) }));
    assert.deepEqual(decimateMinMax(pts), pts);
  });

  it('decimateMinMax caps the length and keeps the first, last, minimum and maximum points', () => {
    // A slow wave with one spike up and one spike down that a stride of 4 or more would miss.
    const n = 20_003;
    const pts: Point[] = [...Array(n).keys()].map((i) => ({ x: i, y: Math.sin(i / 500) }));
    pts[7777] = { x: 7777, y: 50 };
    pts[12_345] = { x: 12_345, y: -40 };
    const out = decimateMinMax(pts, MAX_POINTS);
    assert.ok(out.length <= MAX_POINTS, `${out.length} points`);
    assert.ok(out.length >= MAX_POINTS - 4, `only ${out.length} points: the budget should be used`);
    assert.deepEqual(out[0], pts[0]);
    assert.deepEqual(out[out.length - 1], pts[n - 1]);
    assert.ok(out.some((p) => p.x === 7777 && p.y === 50), 'the spike up survives');
    assert.ok(out.some((p) => p.x === 12_345 && p.y === -40), 'the spike down survives');
    // x stays strictly increasing, as Chart.js's `normalized: true` assumes.
    for (let i = 1; i < out.length; i++) assert.ok(out[i]!.x > out[i - 1]!.x, `x not increasing at ${i}`);
    // Every bucket's extremes survive: the decimated envelope matches the original one per region.
    const max = (ps: readonly Point[], lo: number, hi: number): number => Math.max(...ps.filter((p) => p.x >= lo && p.x < hi).map((p) => p.y));
    for (const [lo, hi] of [[0, 5000], [5000, 10_000], [15_000, 20_003]] as const) assert.equal(max(out, lo, hi), max(pts, lo, hi));
  });

  it('decimateMinMax rejects a budget too small to keep the ends', () => {
    assert.throws(() => decimateMinMax([{ x: 0, y: 0 }], 3), /maxPoints/);
  });

  it('histogram counts each distinct value, sorted by value', () => {
    assert.deepEqual(histogram([3, 1, 3, 2, 3, 1, Number.NaN]), [
      { value: 1, count: 2 },
      { value: 2, count: 1 },
      { value: 3, count: 3 },
    ]);
    assert.deepEqual(histogram([]), []);
  });

  it('numericStatKeys lists number and boolean stats of any method and skips strings and arrays', () => {
    const a = method('cg', [record(0, { 'cg.iterations': 4, 'cg.converged': true, 'cg.note': 'ok' }), record(1, { 'cg.iterations': 5, 'cg.trace': [1, 2] })]);
    const b = method('t-rhg', [record(0, { 'trhg.M': 10 })]);
    assert.deepEqual(numericStatKeys([a, b]), ['cg.converged', 'cg.iterations', 'trhg.M']);
  });

  it('buildCharts overlays every method per metric and adds distance charts only when present', () => {
    const a = method('rhg', [record(0, {}, { upperDistance: 2 }), record(1, {}, { upperDistance: 1 })]);
    const b = method('cg', [record(0), record(1), record(2)]);
    const charts = buildCharts([a, b]);
    const ids = charts.map((c) => c.id);
    // The metrics of src/protocol/metricCatalog.ts (the live panel's too), in its order.
    assert.deepEqual(ids.slice(0, 10), ['upperLoss', 'lowerLoss', 'hypergradNorm', 'lowerStationarity', 'upperDistance', 'iterationMs', 'gradientEvals', 'hvpEvals', 'numTensors', 'numBytes']);
    assert.ok(!ids.includes('lowerDistance'), 'no method has lowerDistance');
    const upper = line(charts, 'upperLoss');
    assert.deepEqual(upper.series.map((s) => s.label), ['rhg', 'cg']);
    assert.notEqual(upper.series[0]!.color, upper.series[1]!.color);
    assert.deepEqual(upper.series[1]!.points.map((p) => p.y), [100, 50, 100 / 3]);
    // Only rhg knows x*, so the distance chart has one series.
    assert.deepEqual(line(charts, 'upperDistance').series.map((s) => s.label), ['rhg']);
    assert.deepEqual(line(charts, 'iterationMs').series[0]!.points.map((p) => p.y), [5, 5]);
    // Norms and distances start on a log y axis, losses, times and counts on a linear one.
    assert.deepEqual(
      charts.filter((c) => c.kind === 'line' && c.logY === true).map((c) => c.id),
      ['hypergradNorm', 'lowerStationarity', 'upperDistance'],
    );
    assert.equal(upper.title, 'Upper objective F(x_t, y_K)');
  });

  it('buildCharts puts the papers\u2019 statistics first, with their titles, then the others sorted by key', () => {
    const m = method('t-rhg', [record(0, { 'a.first': 1, 'trhg.M': 10, 'ptt.kStar': 2 })]);
    const stats = buildCharts([m]).filter((c) => c.section === 'stats');
    assert.deepEqual(stats.map((c) => c.id), ['stat-ptt.kStar', 'stat-trhg.M', 'stat-a.first']);
    assert.deepEqual(stats.map((c) => c.title), ['k* trace (PTT: worst-case truncation step)', 'M (T-RHG: back-propagated steps)', 'a.first']);
  });

  it('buildCharts gives each numeric stat an overlay chart, booleans as 0/1, only for methods that have it', () => {
    const cg = method('cg', [record(0, { 'cg.iterations': 4, 'cg.converged': false }), record(1, { 'cg.iterations': 6, 'cg.converged': true })]);
    const rhg = method('rhg', [record(0), record(1)]);
    const charts = buildCharts([rhg, cg]);
    const iters = line(charts, 'stat-cg.iterations');
    assert.equal(iters.section, 'stats');
    assert.deepEqual(iters.series.map((s) => s.label), ['cg']);
    assert.deepEqual(iters.series[0]!.points, [{ x: 0, y: 4 }, { x: 1, y: 6 }]);
    assert.deepEqual(line(charts, 'stat-cg.converged').series[0]!.points.map((p) => p.y), [0, 1]);
    // The colour follows the method's position, so cg has the same colour as in the metric charts.
    assert.equal(iters.series[0]!.color, line(charts, 'upperLoss').series[1]!.color);
  });

  it('PTT methods get a k* trace and a histogram with a bar series per PTT method', () => {
    const kA = [3, 5, 5, 3, 5, 8];
    const kB = [5, 5, 2];
    const ptt = method('ptt', kA.map((k, t) => record(t, { 'ptt.kStar': k })));
    const ptt2 = method('ptt-cg', kB.map((k, t) => record(t, { 'ptt.kStar': k, 'cg.iterations': 3 })));
    const rhg = method('rhg', [record(0)]);
    assert.ok(isPttMethod(ptt) && isPttMethod(ptt2) && !isPttMethod(rhg));
    const charts = buildCharts([rhg, ptt, ptt2]);
    assert.deepEqual(line(charts, 'stat-ptt.kStar').series[0]!.points.map((p) => p.y), kA);
    const hist = kStarHistogram([rhg, ptt, ptt2]);
    assert.ok(hist);
    assert.ok(charts.some((c) => c.kind === 'bar' && c.id === hist.id));
    assert.deepEqual(hist.labels, ['2', '3', '5', '8']);
    assert.deepEqual(hist.series.map((s) => s.label), ['ptt', 'ptt-cg']);
    assert.deepEqual(hist.series[0]!.counts, [0, 2, 3, 1]);
    assert.deepEqual(hist.series[1]!.counts, [1, 0, 2, 0]);
    assert.equal(kStarHistogram([rhg]), undefined);
  });

  it('buildCharts decimates long series and records how many points there were', () => {
    const long = method('rhg', [...Array(12_000).keys()].map((t) => record(t)));
    const upper = line(buildCharts([long]), 'upperLoss');
    assert.equal(upper.series[0]!.rawLength, 12_000);
    assert.ok(upper.series[0]!.points.length <= MAX_POINTS);
    assert.equal(upper.series[0]!.points[0]!.y, 100);
  });
});
