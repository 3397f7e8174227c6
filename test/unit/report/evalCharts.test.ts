// The report's held-out evaluation charts (src/report/reportData.ts evalCharts) and the final
// evaluation table of the page (writeReport.ts), from hand-made records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { LineChartSpec, ReportInput, ReportMethod } from '../../../src/report/reportData';
import { baselineValues, buildCharts, evalCharts } from '../../../src/report/reportData';
import { renderReportHtml } from '../../../src/report/writeReport';

/** Record t; every 10th (and the last, t = 25) carries evals as the solver would. */
function record(t: number, accuracy: (t: number) => number): IterationRecord {
  const evaluated = t % 10 === 0 || t === 25;
  return {
    iteration: t,
    upperLoss: 1 / (t + 1),
    lowerLoss: 0,
    hypergradNorm: 1,
    lowerStationarity: 0,
    forwardMs: 1,
    backwardMs: 1,
    gradientEvals: t,
    hvpEvals: 0,
    numTensors: 5,
    numBytes: 40,
    stats: {},
    ...(evaluated
      ? { evals: { 'test.accuracy': accuracy(t), 'test.accuracy.ci95': 0.01, f1: 50 + t, 'baseline.noisy.accuracy': 0.6, 'baseline.clean.accuracy': 0.9 } }
      : {}),
  };
}

function method(id: string, accuracy: (t: number) => number): ReportMethod {
  const records = [...Array(26).keys()].map((t) => record(t, accuracy));
  return { method: id, status: 'completed', options: {}, warnings: [], records, evals: records[25]!.evals! };
}

const METHODS = [method('rhg', (t) => 0.6 + t / 100), method('cg', (t) => 0.55 + t / 200)];

function chart(charts: readonly LineChartSpec[], id: string): LineChartSpec {
  const c = charts.find((x) => x.id === id);
  assert.ok(c, `no chart ${id} among ${charts.map((x) => x.id).join(', ')}`);
  return c;
}

describe('report eval charts', () => {
  it('one chart per eval metric, none for baselines or .ci95, in the evals section', () => {
    const charts = evalCharts(METHODS);
    assert.deepEqual(charts.map((c) => c.id), ['eval-f1', 'eval-test.accuracy']);
    assert.ok(charts.every((c) => c.section === 'evals'));
    // buildCharts puts them after the per-iteration metrics and before method statistics.
    const all = buildCharts(METHODS).map((c) => c.id);
    assert.ok(all.indexOf('eval-test.accuracy') > all.indexOf('upperLoss'));
  });

  it('overlays the methods at the evaluated iterations only', () => {
    const acc = chart(evalCharts(METHODS), 'eval-test.accuracy');
    const [rhg, cg] = acc.series;
    assert.equal(rhg!.label, 'rhg');
    assert.equal(cg!.label, 'cg');
    assert.deepEqual(rhg!.points.map((p) => p.x), [0, 10, 20, 25]);
    [0.6, 0.7, 0.8, 0.85].forEach((v, i) => assert.ok(Math.abs(rhg!.points[i]!.y - v) < 1e-12, `rhg point ${i}`));
    assert.ok(Math.abs(cg!.points[3]!.y - (0.55 + 25 / 200)) < 1e-12);
    assert.ok(!rhg!.dashed && !cg!.dashed);
  });

  it('draws the matching baselines as flat dashed lines across the evaluated iterations', () => {
    const acc = chart(evalCharts(METHODS), 'eval-test.accuracy');
    const dashed = acc.series.filter((s) => s.dashed);
    assert.deepEqual(dashed.map((s) => s.label), ['baseline: clean', 'baseline: noisy']);
    assert.deepEqual(dashed[0]!.points, [{ x: 0, y: 0.9 }, { x: 25, y: 0.9 }]);
    assert.deepEqual(dashed[1]!.points, [{ x: 0, y: 0.6 }, { x: 25, y: 0.6 }]);
    // F1 has no baseline of its own.
    assert.equal(chart(evalCharts(METHODS), 'eval-f1').series.filter((s) => s.dashed).length, 0);
    assert.deepEqual([...baselineValues(METHODS)], [['baseline.noisy.accuracy', 0.6], ['baseline.clean.accuracy', 0.9]]);
  });

  it('has no eval charts when no record has evals', () => {
    const plain = METHODS.map((m) => ({ ...m, records: m.records.map(({ evals: _e, ...r }) => r), evals: undefined }));
    assert.deepEqual(evalCharts(plain as ReportMethod[]), []);
  });

  it('the page gets the evals section, the charts JSON and the final evaluation table', () => {
    const input: ReportInput = {
      problem: 'toy',
      problemParams: {},
      preset: 'fake-preset',
      backend: 'cpu',
      date: '2024-01-01T00:00:00.000Z',
      table: { headers: ['method'], rows: [['rhg'], ['cg']] },
      evalTable: { headers: ['method', 'test.accuracy'], rows: [['rhg', '0.85 ± 0.01'], ['cg', '0.675 ± 0.01'], ['baseline.noisy', '0.6']] },
      methods: METHODS,
    };
    const html = renderReportHtml(input, '/* chart.js */');
    assert.match(html, /id="charts-evals"/);
    assert.match(html, /"id":"eval-test.accuracy"/);
    assert.match(html, /"dashed":true/);
    assert.match(html, /<h3>Final evaluation<\/h3>/);
    assert.match(html, /<td>0\.85 ± 0\.01<\/td>/);
    assert.match(html, /<tr class="baseline"><td>baseline\.noisy<\/td>/);
    assert.match(html, /preset fake-preset/);
    const { evalTable: _table, ...rest } = input;
    const without = renderReportHtml({ ...rest, methods: [] }, '');
    assert.doesNotMatch(without, /Final evaluation|charts-evals/);
  });
});
