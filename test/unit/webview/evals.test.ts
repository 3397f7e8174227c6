// The run panel's held-out evaluations (webview/state.ts): `eval:<name>` charts next to the losses,
// baselines as dashed flat lines, the summary table's eval columns, and restore from a snapshot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { RunView } from '../../../src/protocol/webview';
import { evalColumns, EVAL_PREFIX, formatEval, PanelModel, type ChartView, type LineChartData } from '../../../webview/state';

/** Record t; evals on every 5th iteration, as the solver sends them with evalEvery = 5. */
function record(t: number, evals?: Record<string, number>): IterationRecord {
  return {
    iteration: t,
    upperLoss: 1 / (t + 1),
    lowerLoss: 0.5,
    hypergradNorm: 0.5,
    lowerStationarity: 1e-6,
    forwardMs: 1,
    backwardMs: 3,
    gradientEvals: t,
    hvpEvals: t,
    numTensors: 10,
    numBytes: 1000,
    stats: {},
    ...(evals ? { evals } : {}),
  };
}

const evalsAt = (t: number, scale = 1): Record<string, number> => ({
  'test.accuracy': scale * (0.5 + t / 100),
  'test.accuracy.ci95': 0.02,
  f1: 40 + t,
  'baseline.noisy.accuracy': 0.55,
  'baseline.clean.accuracy': 0.9,
});

function records(n: number, scale = 1): IterationRecord[] {
  return [...Array(n).keys()].map((t) => record(t, t % 5 === 0 || t === n - 1 ? evalsAt(t, scale) : undefined));
}

function view(runId: string, recs: IterationRecord[], extra: Partial<RunView> = {}): RunView {
  return { runId, label: runId, method: runId, problem: 'hyperclean', status: 'running', iterations: 12, startedAt: 0, records: recs, ...extra };
}

const DEFAULTS = { logScaleY: false, smoothing: 0, maxPointsPerSeries: 2000 };
const LINEAR: ChartView = { logX: false, logY: false };

function lineChart(m: PanelModel, id: string, v: ChartView = LINEAR, smoothing = 0): LineChartData {
  const c = m.chart(id, v, smoothing);
  assert.ok(c && c.kind === 'line', `no line chart ${id}`);
  return c;
}

describe('PanelModel evals', () => {
  it('adds one chart per eval metric right after the losses; no chart for baselines or ci95', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('rhg', records(12))] });
    const ids = m.chartIds();
    assert.deepEqual(ids.slice(0, 4), ['upperLoss', 'lowerLoss', `${EVAL_PREFIX}f1`, `${EVAL_PREFIX}test.accuracy`]);
    assert.ok(!ids.some((id) => id.includes('baseline') || id.endsWith('.ci95')), ids.join(', '));
    // Without evals the page order is as before.
    const plain = new PanelModel();
    plain.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('rhg', [record(0), record(1)])] });
    assert.deepEqual(plain.chartIds().slice(0, 3), ['upperLoss', 'lowerLoss', 'hypergradNorm']);
  });

  it('plots the evaluated iterations per run and the matching baselines as flat dashed lines', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('rhg', records(12)), view('cg', records(12, 0.9))] });
    const c = lineChart(m, `${EVAL_PREFIX}test.accuracy`);
    assert.equal(c.title, 'Test accuracy (test.accuracy)');
    const raw = c.datasets.filter((d) => d.role === 'raw');
    assert.deepEqual(raw.map((d) => d.label), ['rhg', 'cg']);
    assert.deepEqual(raw[0]!.points.map((p) => p.x), [0, 5, 10, 11]);
    assert.ok(Math.abs(raw[1]!.points[1]!.y - 0.9 * 0.55) < 1e-12);
    const baselines = c.datasets.filter((d) => d.role === 'baseline');
    // Both runs report the same constants, so each baseline is drawn once.
    assert.deepEqual(baselines.map((d) => d.label), ['baseline: clean', 'baseline: noisy']);
    assert.deepEqual(baselines[0]!.points, [{ x: 0, y: 0.9 }, { x: 11, y: 0.9 }]);
    assert.deepEqual(baselines[1]!.points, [{ x: 0, y: 0.55 }, { x: 11, y: 0.55 }]);
    assert.notEqual(baselines[0]!.color, raw[0]!.color);
    assert.equal(lineChart(m, `${EVAL_PREFIX}f1`).datasets.filter((d) => d.role === 'baseline').length, 0);
  });

  it('keeps the baseline span to the zoomed range and streams new evaluations in', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('rhg', records(6))] });
    const zoomed = lineChart(m, `${EVAL_PREFIX}test.accuracy`, { ...LINEAR, xRange: [5, 5] });
    assert.deepEqual(zoomed.datasets.find((d) => d.role === 'baseline')!.points.map((p) => p.x), [0, 5]);
    m.append('rhg', [record(6), record(10, evalsAt(10))]);
    const c = lineChart(m, `${EVAL_PREFIX}test.accuracy`);
    assert.deepEqual(c.datasets.find((d) => d.role === 'raw')!.points.map((p) => p.x), [0, 5, 10]);
    assert.deepEqual(c.datasets.find((d) => d.role === 'baseline')!.points.map((p) => p.x), [0, 10]);
  });

  it('drops baselines a log axis cannot show, and labels disagreeing baselines by run', () => {
    const m = new PanelModel();
    const negative = records(6).map((r) => (r.evals ? { ...r, evals: { ...r.evals, 'baseline.noisy.accuracy': -1 } } : r));
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('a', records(6)), view('b', negative)] });
    const linear = lineChart(m, `${EVAL_PREFIX}test.accuracy`).datasets.filter((d) => d.role === 'baseline');
    assert.deepEqual(linear.map((d) => d.label), ['baseline: clean', 'baseline: noisy (a)', 'baseline: noisy (b)']);
    const log = lineChart(m, `${EVAL_PREFIX}test.accuracy`, { logX: false, logY: true }).datasets.filter((d) => d.role === 'baseline');
    assert.deepEqual(log.map((d) => d.label), ['baseline: clean', 'baseline: noisy (a)']);
  });

  it('smoothing applies to eval curves but never to baselines', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('rhg', records(12))] });
    const roles = lineChart(m, `${EVAL_PREFIX}test.accuracy`, LINEAR, 0.6).datasets.map((d) => d.role);
    assert.deepEqual(roles, ['raw', 'smoothed', 'baseline', 'baseline']);
  });

  it('summary rows carry the last evaluation (the summary once the run ended), with ± ci95 cells', () => {
    const m = new PanelModel();
    m.applySnapshot({ title: 't', chartDefaults: DEFAULTS, runs: [view('rhg', records(12)), view('plain', [record(0)])] });
    const [first, plain] = m.summaryRows();
    assert.equal(first!.evals!['test.accuracy'], 0.5 + 11 / 100);
    assert.equal(plain!.evals, undefined);
    assert.deepEqual(evalColumns([first!, plain!]), ['f1', 'test.accuracy']);
    assert.equal(formatEval(first!.evals, 'test.accuracy'), '0.61 ± 0.02');
    assert.equal(formatEval(first!.evals, 'f1'), '51');
    assert.equal(formatEval(plain!.evals, 'f1'), '—');
    const summary = { iterations: 12, x: {}, y: {}, msPerIteration: 4, peakTensors: 10, peakBytes: 1000, evals: { 'test.accuracy': 0.7, 'baseline.noisy.accuracy': 0.5 } };
    m.applyStatus({ runId: 'rhg', status: 'completed', summary });
    const [ended] = m.summaryRows();
    assert.equal(ended!.evals!['test.accuracy'], 0.7);
    // The summary's baseline is the latest value.
    const c = lineChart(m, `${EVAL_PREFIX}test.accuracy`);
    assert.deepEqual(c.datasets.filter((d) => d.role === 'baseline').map((d) => d.points[0]!.y), [0.9, 0.5]);
  });

  it('restores eval charts and baselines from a stored run (snapshot with records and summary)', () => {
    const recs = records(12).map((r) => (r.evals ? { ...r, evals: Object.fromEntries(Object.entries(r.evals).filter(([k]) => !k.startsWith('baseline.'))) } : r));
    const m = new PanelModel();
    m.applySnapshot({
      title: 't',
      chartDefaults: DEFAULTS,
      runs: [view('rhg', recs, { status: 'completed', summary: { iterations: 12, x: {}, y: {}, msPerIteration: 4, peakTensors: 10, peakBytes: 1000, evals: { ...evalsAt(11) } } })],
    });
    const c = lineChart(m, `${EVAL_PREFIX}test.accuracy`);
    assert.equal(c.datasets.filter((d) => d.role === 'raw')[0]!.points.length, 4);
    assert.deepEqual(c.datasets.filter((d) => d.role === 'baseline').map((d) => d.label), ['baseline: clean', 'baseline: noisy']);
  });
});
