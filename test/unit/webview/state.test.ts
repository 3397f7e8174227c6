// The run panel's data side (webview/state.ts): series per metric and statistic, smoothing that
// keeps the raw line, min/max decimation (10^5 points, extremes kept), zoom ranges, the
// k* histogram, progress/ETA and the summary table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { RunView } from '../../../src/protocol/webview';
import { statusLine } from '../../../webview/runDetails';
import {
  decimateMinMax,
  filterForAxes,
  formatChartValue,
  formatCheck,
  KSTAR_HISTOGRAM,
  PanelModel,
  progressOf,
  readPersistedState,
  sliceRange,
  smoothEma,
  STAT_PREFIX,
  statusWord,
  type LineChartData,
  type Point,
} from '../../../webview/state';

function record(t: number, extra: Partial<IterationRecord> = {}): IterationRecord {
  return {
    iteration: t,
    upperLoss: 1 / (t + 1),
    lowerLoss: -1,
    hypergradNorm: 0.5,
    lowerStationarity: 1e-6,
    upperDistance: 2 / (t + 1),
    forwardMs: 1,
    backwardMs: 3,
    gradientEvals: t,
    hvpEvals: t,
    numTensors: 10,
    numBytes: 1000 + t,
    stats: {},
    ...extra,
  };
}

function view(runId: string, records: IterationRecord[], extra: Partial<RunView> = {}): RunView {
  return { runId, label: runId, method: runId, problem: 'toy', status: 'running', iterations: 10, startedAt: 0, records, ...extra };
}

const DEFAULTS = { logScaleY: false, smoothing: 0, maxPointsPerSeries: 2000 };
const LINEAR = { logX: false, logY: false };

describe('PanelModel', () => {
  it('says "deleted" for a run the store no longer has, not "failed"', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('gone', [], { status: 'failed', missing: true }), view('bad', [], { status: 'failed' })] });
    assert.equal(statusWord(m.run('gone')!), 'deleted');
    assert.equal(statusWord(m.run('bad')!), 'failed');
  });

  it("keeps each run's backend and the backend it asked for from the snapshot", () => {
    const m = new PanelModel();
    const backend = { name: 'wasm', detail: 'tfjs-backend-wasm 4.22.0, simd, 2 threads, binaries: /d', skipped: [] };
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('a', [], { backend, requestedBackend: 'auto' }), view('b', [])] });
    assert.deepEqual([m.run('a')!.backend, m.run('a')!.requestedBackend], [backend, 'auto']);
    assert.deepEqual([m.run('b')!.backend, m.run('b')!.requestedBackend], [undefined, undefined]);
  });

  it('builds one series per metric and per numeric statistic, in page order, papers\u2019 stats first', () => {
    const m = new PanelModel();
    m.applySnapshot({
      title: 't',
      chartDefaults: DEFAULTS,
      runs: [
        view('ptt', [
          record(0, { stats: { 'ptt.kStar': 3, 'zeta.other': 1, 'cg.flag': 'x', 'rhg.adjointNorms': [1, 2] } }),
          record(1, { stats: { 'ptt.kStar': 5, 'zeta.other': 2, 'ufom.coin': true } }),
        ]),
      ],
    });
    const ids = m.chartIds();
    // The metrics of src/protocol/metricCatalog.ts (the report's too); lowerDistance has no values and
    // is left out; string and array stats make no chart.
    assert.deepEqual(ids.slice(0, 10), ['upperLoss', 'lowerLoss', 'hypergradNorm', 'lowerStationarity', 'upperDistance', 'iterationMs', 'gradientEvals', 'hvpEvals', 'numTensors', 'numBytes']);
    assert.deepEqual(ids.slice(10), [`${STAT_PREFIX}ptt.kStar`, `${STAT_PREFIX}ufom.coin`, `${STAT_PREFIX}zeta.other`, KSTAR_HISTOGRAM]);
    const coin = m.chart(`${STAT_PREFIX}ufom.coin`, LINEAR) as LineChartData;
    assert.deepEqual(coin.datasets[0]!.points, [{ x: 1, y: 1 }]);
    const time = m.chart('iterationMs', LINEAR) as LineChartData;
    assert.deepEqual(time.datasets[0]!.points, [{ x: 0, y: 4 }, { x: 1, y: 4 }]);
  });

  it('appends only new iterations and skips non-finite values', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('a', [record(0), record(1)])] });
    assert.equal(m.append('a', [record(1), record(2, { upperLoss: Number.NaN }), record(3)]), true);
    assert.equal(m.append('a', [record(2)]), false);
    assert.equal(m.append('nope', [record(9)]), false);
    const f = m.chart('upperLoss', LINEAR) as LineChartData;
    assert.deepEqual(f.datasets[0]!.points.map((p) => p.x), [0, 1, 3]);
    assert.equal(m.run('a')!.count, 4);
    assert.equal(m.recordCount, 4);
  });

  it('keeps the raw line when smoothing and draws the EMA over it', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('a', [0, 1, 2, 3].map((t) => record(t, { upperLoss: t % 2 })))] });
    const chart = m.chart('upperLoss', LINEAR, 0.5) as LineChartData;
    assert.deepEqual(
      chart.datasets.map((d) => d.role),
      ['raw', 'smoothed'],
    );
    assert.deepEqual(chart.datasets[0]!.points.map((p) => p.y), [0, 1, 0, 1]);
    assert.notDeepEqual(chart.datasets[1]!.points.map((p) => p.y), [0, 1, 0, 1]);
    assert.equal((m.chart('upperLoss', LINEAR, 0) as LineChartData).datasets.length, 1);
  });

  it('zooms by x range and drops what a log axis cannot show', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('a', Array.from({ length: 20 }, (_, t) => record(t, { lowerLoss: t - 5 })))] });
    const zoomed = m.chart('lowerLoss', { ...LINEAR, xRange: [5, 8] }) as LineChartData;
    // One neighbour on each side so the line reaches the plot edges.
    assert.deepEqual(zoomed.datasets[0]!.points.map((p) => p.x), [4, 5, 6, 7, 8, 9]);
    const log = m.chart('lowerLoss', { logX: true, logY: true }) as LineChartData;
    assert.ok(log.datasets[0]!.points.every((p) => p.x > 0 && p.y > 0));
    assert.equal(log.datasets[0]!.points[0]!.x, 6);
  });

  it('histograms k* per run over the union of values', () => {
    const m = new PanelModel();
    m.applySnapshot({
      title: 't',
      chartDefaults: DEFAULTS,
      runs: [view('a', [3, 3, 5].map((k, t) => record(t, { stats: { 'ptt.kStar': k } }))), view('b', [record(0)]), view('c', [record(0, { stats: { 'ptt.kStar': 1 } })])],
    });
    const h = m.kStarHistogram()!;
    assert.deepEqual(h.labels, ['1', '3', '5']);
    assert.deepEqual(
      h.datasets.map((d) => [d.label, d.counts]),
      [
        ['a', [0, 2, 1]],
        ['c', [1, 0, 0]],
      ],
    );
  });

  it('applies status changes and fills the summary table from the summary, else from the records', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('a', [record(0), record(1)]), view('b', [], { check: { verdict: 'pass', maxRelativeError: 1e-6, relativeErrorVsRhg: 0 } })] });
    const [before, b] = m.summaryRows();
    let a = before;
    assert.equal(a!.finalUpper, 0.5);
    assert.equal(a!.upperDistance, 1);
    assert.equal(a!.msPerIteration, 4);
    assert.equal(a!.peakBytes, 1001);
    assert.equal(b!.finalUpper, undefined);
    assert.equal(formatCheck(b!.check), '✓ pass 1e-6');
    m.applyStatus({
      runId: 'a',
      status: 'completed',
      summary: { iterations: 2, last: record(1), x: {}, y: {}, msPerIteration: 3.5, peakTensors: 10, peakBytes: 2048, iterationsToTolerance: 7 },
    });
    [a] = m.summaryRows();
    assert.equal(a!.status, 'completed');
    assert.equal(a!.msPerIteration, 3.5);
    assert.equal(a!.peakBytes, 2048);
    assert.equal(a!.iterationsToTolerance, 7);
    assert.equal(m.applyStatus({ runId: 'zzz', status: 'failed' }), false);
  });

  it('reports progress with an ETA while running and none once finished', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('a', [record(0, { time: 2500 }), record(1, { time: 2750 })], { iterations: 10, startedAt: 1000 })] });
    const p = m.progress('a', 3000)!;
    assert.deepEqual(p, { unit: 'iterations', done: 2, total: 10, iterations: 2, fraction: 0.2, elapsedMs: 2000, etaMs: 2000 });
    m.applyStatus({ runId: 'a', status: 'cancelled' }, 3500);
    const q = m.progress('a', 9000)!;
    assert.equal(q.fraction, 0.2, 'a cancelled run shows how far it got');
    assert.equal(q.etaMs, undefined);
    assert.equal(q.elapsedMs, 2500, 'the clock stops when the run ended');
    // A stored run brings its end time along.
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('b', [record(0)], { status: 'completed', startedAt: 1000, endedAt: 1800 })] });
    assert.equal(m.progress('b', 99_000)!.elapsedMs, 800);
  });
});

describe('series helpers', () => {
  const line = (n: number, f: (i: number) => number): Point[] => Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }));

  // How fast these run is a benchmark row (`npm run bench -- --suite panel`), not an assertion here.
  it('decimates 10^5 points to the limit and keeps the extremes, first and last', () => {
    const points = line(100_000, (i) => Math.sin(i / 50));
    points[31_337] = { x: 31_337, y: 1e6 };
    points[77_777] = { x: 77_777, y: -1e6 };
    const out = decimateMinMax(points, 2000);
    assert.ok(out.length <= 2000, `${out.length} points`);
    assert.deepEqual(out[0], points[0]);
    assert.deepEqual(out.at(-1), points.at(-1));
    assert.ok(out.some((p) => p.y === 1e6));
    assert.ok(out.some((p) => p.y === -1e6));
    for (let i = 1; i < out.length; i++) assert.ok(out[i]!.x > out[i - 1]!.x, 'x stays sorted');
  });

  it('the whole chart path decimates every chart of a run with 10^5 records, smoothing on', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('a', Array.from({ length: 100_000 }, (_, t) => record(t)))] });
    for (const id of m.chartIds()) m.chart(id, LINEAR, 0.9, 2000);
    const chart = m.chart('upperLoss', LINEAR, 0.9, 2000) as LineChartData;
    assert.ok(chart.datasets.every((d) => d.points.length <= 2000 && d.rawLength === 100_000));
  });

  it('leaves short series alone', () => {
    const points = line(10, (i) => i);
    assert.deepEqual(decimateMinMax(points, 2000), points);
  });

  it('smooths with a debiased EMA: a constant stays constant, weight 0 is the identity', () => {
    assert.deepEqual(
      smoothEma(line(5, () => 3), 0.9).map((p) => Number(p.y.toFixed(12))),
      [3, 3, 3, 3, 3],
    );
    const raw = line(4, (i) => i * i);
    assert.deepEqual(smoothEma(raw, 0), raw);
    // s1 = 0.5·0 + 0.5·1 = 0.5 over debias 0.75 (= 1 − 0.5²): 2/3.
    assert.ok(Math.abs(smoothEma(line(2, (i) => i), 0.5)[1]!.y - 2 / 3) < 1e-12);
  });

  it('slices x ranges with binary search and filters for log axes', () => {
    const points = line(10, (i) => i - 2);
    assert.deepEqual(
      sliceRange(points, [3.5, 5.5]).map((p) => p.x),
      [3, 4, 5, 6],
    );
    assert.equal(sliceRange(points, undefined), points);
    assert.deepEqual(
      filterForAxes(points, false, true).map((p) => p.y),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.deepEqual(
      filterForAxes(points, true, false).map((p) => p.x),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('estimates the ETA from the records after the first, none until two are done', () => {
    const timed = (last: number, time: number): Parameters<typeof progressOf>[0] => ({
      status: 'running',
      iterations: 10,
      startedAt: 0,
      count: last + 1,
      lastIteration: last,
      firstTimed: { iteration: 0, time: 1000, calls: 0 },
      lastRecord: { iteration: last, time, gradientEvals: last, hvpEvals: 0 },
    });
    assert.equal(progressOf(timed(0, 1000), 2000).etaMs, undefined);
    // 4 iterations in 400 ms after the first: 100 ms each, 5 left.
    assert.equal(progressOf(timed(4, 1400), 2000).etaMs, 500);
    const p = progressOf({ status: 'running', iterations: 0, startedAt: 0, count: 3, lastIteration: 2 }, 600);
    assert.equal(p.total, 3, 'an unknown total is at least what is done');
    assert.equal(p.etaMs, undefined, 'records without a time give no ETA');
  });

  it('a first iteration 100\u00d7 slower than the rest does not inflate the ETA', () => {
    // The run starts at 0; iteration 0 ends at 10 s (warm-up), each later one takes 100 ms.
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('r', [record(0, { time: 10_000 })], { iterations: 100 })] });
    assert.equal(m.progress('r', 10_050)?.etaMs, undefined, 'no ETA after one iteration');
    m.append('r', [1, 2, 3, 4].map((t) => record(t, { time: 10_000 + 100 * t })));
    const p = m.progress('r', 10_450)!;
    assert.equal(p.done, 5);
    // 95 left at 100 ms: 9.5 s (the average pace since the start would say about 3 min).
    assert.equal(p.etaMs, 9500);
    m.applyStatus({ runId: 'r', status: 'completed' }, 20_000);
    assert.equal(m.progress('r', 20_000)?.etaMs, undefined);
  });

  it('counts a budgeted run in oracle calls toward maxOracleCalls, with its ETA at the pace of calls, as the CLI bar does', () => {
    // 40 iterations planned; the first costs 40 oracle calls and takes 10 s (warm-up), each later one 41 calls in 100 ms.
    const timed = (t: number): IterationRecord => record(t, { time: 10_000 + 100 * t, gradientEvals: 40 + 21 * t, hvpEvals: 20 * t });
    const upTo = (last: number): IterationRecord[] => Array.from({ length: last + 1 }, (_, t) => timed(t));
    const settings = (maxOracleCalls: number): RunView['settings'] => ({ method: 'rhg', iterations: 40, maxOracleCalls, seed: 0, backend: 'cpu' });
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('b', upTo(29), { iterations: 40, startedAt: 0, settings: settings(6000) })] });
    // 1229 of 6000 calls (20%) is behind 30 of 40 iterations (75%): the iterations end the run first.
    let p = m.progress('b', 13_000)!;
    assert.equal(p.unit, 'iterations');
    assert.equal(statusLine('running', p), 'iteration 30 of 40 · elapsed 13 s · ETA 1.0 s');
    // With a budget of 1300 the budget is nearer (95%): the panel counts calls, and the ETA is the
    // 71 calls left at 41 calls per 100 ms, not the 10 iterations left.
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('b', upTo(29), { iterations: 40, startedAt: 0, settings: settings(1300) })] });
    p = m.progress('b', 13_000)!;
    assert.deepEqual([p.unit, p.done, p.total, p.iterations], ['oracle calls', 1229, 1300, 30]);
    assert.ok(Math.abs(p.fraction - 1229 / 1300) < 1e-12);
    assert.ok(Math.abs(p.etaMs! - (71 * 100) / 41) < 1e-9, `ETA ${p.etaMs} ms`);
    assert.equal(statusLine('running', p), '1229 of 1300 oracle calls · iteration 30 · elapsed 13 s · ETA 173 ms');
    // The iteration that crosses the budget ends the run: a full bar, no ETA, the overshoot shown as it is.
    m.append('b', [timed(30), timed(31)]);
    m.applyStatus({ runId: 'b', status: 'completed' }, 13_200);
    p = m.progress('b', 14_000)!;
    assert.deepEqual([p.unit, p.done, p.total, p.iterations, p.fraction, p.etaMs], ['oracle calls', 1311, 1300, 32, 1, undefined]);
  });

  it('a run without a budget (maxOracleCalls 0 or absent) keeps counting iterations', () => {
    const m = new PanelModel();
    const records = [0, 1, 2].map((t) => record(t, { time: 1000 + 100 * t, gradientEvals: 1000 * (t + 1), hvpEvals: 0 }));
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('z', records, { settings: { method: 'rhg', maxOracleCalls: 0 } }), view('n', records)] });
    for (const id of ['z', 'n']) assert.deepEqual(m.progress(id, 2000), { unit: 'iterations', done: 3, total: 10, iterations: 3, fraction: 0.3, elapsedMs: 2000, etaMs: 700 });
  });

  // Durations, bytes and numbers are src/common/format.ts's (test/unit/common/format.test.ts).
  it('formats tooltip values in the metric\u2019s unit, and check verdicts', () => {
    assert.equal(formatChartValue('numBytes', 1536), '1.50 KiB');
    assert.equal(formatChartValue('iterationMs', 12.5), '12.5 ms');
    assert.equal(formatChartValue('gradientEvals', 123456), '123456');
    assert.equal(formatChartValue('upperLoss', 0.123456), '0.1235');
    assert.equal(formatChartValue(`${STAT_PREFIX}ptt.kStar`, 7), '7');
    assert.equal(formatChartValue('numBytes', undefined), '—');
    assert.equal(formatCheck({ verdict: 'fail', maxRelativeError: 0.03, relativeErrorVsRhg: 0.03 }), '✗ fail 0.03');
    assert.equal(formatCheck({ verdict: 'approximate', maxRelativeError: 0.12, relativeErrorVsRhg: 0.1 }), '≈ 0.12');
  });

  it('reads a persisted state defensively', () => {
    assert.equal(readPersistedState(undefined), undefined);
    const check = { verdict: 'pass', maxRelativeError: 1e-6, relativeErrorVsRhg: 0 } as const;
    assert.deepEqual(
      readPersistedState({ title: 'T', runIds: ['a', 3], charts: { upperLoss: { logY: true, xRange: [1, 2] }, bad: 5 }, smoothing: 0.3, checks: { a: check, b: { verdict: 'maybe' } } }),
      {
        title: 'T',
        runIds: ['a'],
        charts: { upperLoss: { logY: true, logX: false, xRange: [1, 2] } },
        smoothing: 0.3,
        checks: { a: check },
      },
    );
  });
});
