// The panel's charts read at a glance (webview/state.ts with the catalog and palette of
// src/protocol): sections, constant charts folded, log y by default for norms, wall time on x, and a
// colour per method that does not depend on the panel.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { methodColor, runColors } from '../../../src/protocol/chartData';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { RunView } from '../../../src/protocol/webview';
import { chartSection, constantValue, defaultLogY, PanelModel, readPersistedState, wallTimeX, type LineChartData } from '../../../webview/state';

function record(t: number, extra: Partial<IterationRecord> = {}): IterationRecord {
  return {
    iteration: t,
    upperLoss: 1 / (t + 1),
    lowerLoss: -1,
    hypergradNorm: 0.5 / (t + 1),
    lowerStationarity: 1e-6,
    forwardMs: 1 + t,
    backwardMs: 3,
    gradientEvals: t,
    hvpEvals: 0,
    numTensors: 10,
    numBytes: 72,
    stats: {},
    ...extra,
  };
}

function view(runId: string, method: string, records: IterationRecord[], extra: Partial<RunView> = {}): RunView {
  return { runId, label: runId, method, problem: 'toy', status: 'completed', iterations: records.length, startedAt: 0, records, ...extra };
}

const DEFAULTS = { logScaleY: false, smoothing: 0, maxPointsPerSeries: 2000 };

function model(...runs: RunView[]): PanelModel {
  const m = new PanelModel();
  m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs });
  return m;
}

describe('chart sections', () => {
  it('groups charts by section in page order, statistics and evaluations included', () => {
    const m = model(view('a', 'ptt', [record(0, { evals: { 'test.accuracy': 0.5 }, stats: { 'ptt.kStar': 2 } }), record(1, { evals: { 'test.accuracy': 0.6 }, stats: { 'ptt.kStar': 3 } })]));
    const groups = m.chartGroups();
    assert.deepEqual(groups.map((g) => g.section), ['objectives', 'hypergradient', 'lower', 'evaluation', 'cost', 'stats']);
    assert.deepEqual(groups[0]!.ids, ['upperLoss', 'lowerLoss']);
    assert.deepEqual(groups.find((g) => g.section === 'evaluation')!.ids, ['eval:test.accuracy']);
    assert.deepEqual(groups.find((g) => g.section === 'stats')!.ids, ['stat:ptt.kStar', 'hist:ptt.kStar']);
    assert.equal(groups.find((g) => g.section === 'lower')!.title, 'Lower level');
    assert.equal(chartSection('upperDistance'), 'objectives');
    assert.equal(chartSection('numBytes'), 'cost');
  });

  it('has no statistics section for runs whose method reports none, nor a T-RHG statistic on an RHG run', () => {
    const m = model(view('a', 'rhg', [record(0, { stats: { 'trhg.M': 20 } }), record(1, { stats: { 'trhg.M': 20 } })]));
    assert.ok(!m.chartGroups().some((g) => g.section === 'stats'));
    const both = model(view('a', 'rhg', [record(0, { stats: { 'trhg.M': 20 } })]), view('b', 't-rhg', [record(0, { stats: { 'trhg.M': 5 } })]));
    const chart = both.chart('stat:trhg.M', { logX: false, logY: false }) as LineChartData;
    assert.deepEqual(chart.datasets.map((d) => d.runId), ['b']);
  });
});

describe('constant charts', () => {
  it('folds a chart only when every run’s series is constant, with each distinct value and its runs', () => {
    const m = model(
      view('rhg', 'rhg', [record(0), record(1), record(2)]),
      view('cg', 'cg', [record(0, { numBytes: 96, stats: { 'cg.converged': true } }), record(1, { numBytes: 96, stats: { 'cg.converged': true } })]),
    );
    const memory = m.constantChart('numBytes');
    assert.ok(memory);
    assert.equal(memory.title, 'Memory held by tensors');
    assert.deepEqual(memory.values, [
      { value: 72, labels: ['rhg'] },
      { value: 96, labels: ['cg'] },
    ]);
    assert.deepEqual(m.constantChart('stat:cg.converged')!.values, [{ value: 1, labels: ['cg'] }]);
    assert.equal(m.constantChart('lowerLoss')!.values[0]!.value, -1);
    // One run varies: the chart stays.
    assert.equal(m.constantChart('upperLoss'), undefined);
    assert.equal(m.constantChart('iterationMs'), undefined);
  });

  it('does not fold a chart on one point, which says nothing yet', () => {
    assert.equal(model(view('a', 'rhg', [record(0)])).constantChart('numBytes'), undefined);
  });

  it('treats float noise as constant but a real change as not', () => {
    assert.equal(constantValue([{ x: 0, y: 0.1 + 0.2 }, { x: 1, y: 0.3 }]), 0.1 + 0.2);
    assert.equal(constantValue([{ x: 0, y: 1.5 }, { x: 1, y: 1.5003 }]), undefined);
    assert.equal(constantValue([]), undefined);
  });
});

describe('log y defaults', () => {
  it('starts norms, distances and residuals on a log axis, losses, times and counts on a linear one', () => {
    for (const id of ['hypergradNorm', 'lowerStationarity', 'upperDistance', 'lowerDistance', 'stat:cg.residual', 'stat:slbamm.multiplierNorm', 'stat:ufom.biasSq']) assert.equal(defaultLogY(id, DEFAULTS), true, id);
    for (const id of ['upperLoss', 'lowerLoss', 'iterationMs', 'numBytes', 'gradientEvals', 'eval:test.accuracy', 'stat:trhg.M', 'stat:cg.converged']) assert.equal(defaultLogY(id, DEFAULTS), false, id);
  });

  it('puts every chart on a log axis when bilevel.charts.logScaleY is on', () => {
    assert.equal(defaultLogY('upperLoss', { logScaleY: true }), true);
  });
});

describe('wall time on the x axis', () => {
  it('counts seconds from the run’s first record; records without a time keep their iteration', () => {
    assert.deepEqual(wallTimeX([{ iteration: 0, time: 10_000 }, { iteration: 1, time: 10_500 }, { iteration: 2, time: 12_000 }]), [0, 0.5, 2]);
    assert.deepEqual(wallTimeX([{ iteration: 0 }, { iteration: 1 }]), [0, 1]);
    assert.deepEqual(wallTimeX([{ iteration: 0, time: 5000 }, { iteration: 1 }]), [0, 1]);
  });

  it('plots a run against seconds when asked, the same points against iterations otherwise', () => {
    const m = model(view('a', 'rhg', [record(0, { time: 1000 }), record(1, { time: 3000 }), record(2, { time: 7000 })]));
    const byTime = m.chart('upperLoss', { logX: false, logY: false }, 0, 2000, 'time') as LineChartData;
    assert.deepEqual(byTime.datasets[0]!.points.map((p) => p.x), [0, 2, 6]);
    const byIteration = m.chart('upperLoss', { logX: false, logY: false }, 0, 2000) as LineChartData;
    assert.deepEqual(byIteration.datasets[0]!.points.map((p) => p.x), [0, 1, 2]);
    // The smoothed line follows the same axis.
    const smoothed = (m.chart('upperLoss', { logX: false, logY: false }, 0.5, 2000, 'time') as LineChartData).datasets.find((d) => d.role === 'smoothed')!;
    assert.deepEqual(smoothed.points.map((p) => p.x), [0, 2, 6]);
    // Records appended later extend the cached time series.
    m.append('a', [record(3, { time: 8000 })]);
    assert.deepEqual((m.chart('upperLoss', { logX: false, logY: false }, 0, 2000, 'time') as LineChartData).datasets[0]!.points.map((p) => p.x), [0, 2, 6, 7]);
  });

  it('persists the x axis, the constant folding and the collapsed sections', () => {
    const s = readPersistedState({ title: 't', runIds: [], charts: {}, xAxis: 'time', hideConstant: false, onlyDifferingSettings: true, collapsed: ['cost', 7] });
    assert.equal(s?.xAxis, 'time');
    assert.equal(s?.hideConstant, false);
    assert.equal(s?.onlyDifferingSettings, true);
    assert.deepEqual(s?.collapsed, ['cost']);
    assert.equal(readPersistedState({ xAxis: 'furlongs' })?.xAxis, undefined);
  });
});

describe('colours', () => {
  it('gives a method the same colour in two panels whatever the order of their runs', () => {
    const one = runColors([{ method: 'rhg' }, { method: 'cg' }, { method: 'neumann' }]);
    const two = runColors([{ method: 'neumann' }, { method: 'my-method' }, { method: 'rhg' }, { method: 'cg' }]);
    assert.equal(one[0], two[2]);
    assert.equal(one[1], two[3]);
    assert.equal(one[2], two[0]);
    assert.equal(new Set(one).size, 3);
  });

  it('gives every built-in method its own colour, and an unknown method a stable one', () => {
    const methods = ['rhg', 't-rhg', 'cg', 'neumann', 'bda', 'ptt', 'iaptt-gm', 'ia-gm', 'ia-gm-a', 'fom', 'sl-bamm', 'ufom'];
    assert.equal(new Set(methods.map((m) => methodColor(m))).size, methods.length);
    assert.equal(methodColor('my-method'), methodColor('my-method'));
    assert.match(methodColor('my-method'), /^#[0-9a-f]{6}$/);
  });

  it('shades runs of one method apart, keeping the first run the method’s own colour', () => {
    const colors = runColors([{ method: 'rhg' }, { method: 'rhg' }, { method: 'rhg' }, { method: 'cg' }]);
    assert.equal(colors[0], methodColor('rhg'));
    assert.equal(new Set(colors).size, 4);
    assert.equal(colors[3], methodColor('cg'));
    for (const c of colors) assert.match(c, /^#[0-9a-f]{6}$/);
  });

  it('colours a panel’s lines and table rows by method', () => {
    const m = model(view('a', 'cg', [record(0), record(1)]), view('b', 'rhg', [record(0), record(1)]));
    const chart = m.chart('upperLoss', { logX: false, logY: false }) as LineChartData;
    assert.equal(chart.datasets.find((d) => d.runId === 'b')!.color, methodColor('rhg'));
    assert.equal(m.summaryRows()[0]!.color, methodColor('cg'));
  });
});

describe('summary rows', () => {
  it('carries the concurrency mark and what iterations to tolerance counted', () => {
    const m = model(
      view('a', 'rhg', [record(0, { upperDistance: 0.5 })], { concurrent: true, settings: { method: 'rhg', tolerance: 0.01 } }),
      view('b', 'cg', [record(0)]),
    );
    const [a, b] = m.summaryRows();
    assert.equal(a!.concurrent, true);
    assert.equal(a!.toleranceMeasure, 'upperDistance');
    assert.equal(a!.tolerance, 0.01);
    assert.equal(b!.concurrent, undefined);
    assert.equal(b!.toleranceMeasure, 'hypergradNorm');
  });
});
