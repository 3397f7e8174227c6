// Export Metrics as CSV: one row per run × iteration, the runs' settings as leading columns (union over
// the runs), statistics and evaluations as columns, RFC 4180 quoting; the default file name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IterationRecord } from '../../../../src/protocol/metrics';
import { csvCell, CSV_FIELDS, CSV_RUN_COLUMNS, runsToCsv } from '../../../../src/extension/views/metricsCsv';
import { exportFileName } from '../../../../src/extension/views/exportFileName';
import { runSettings } from '../../../../src/protocol/runSettings';

/** The CSV of one run with no settings but its method: columns run_id, name, method, then the metrics. */
function metricsToCsv(records: readonly IterationRecord[]): string {
  return runsToCsv([{ runId: 'r', settings: { method: 'rhg' }, records }]);
}

/** The rows of a CSV without its run columns (run_id, name, method). */
function metricRows(csv: string): string[] {
  return csv.split('\r\n').map((line) => (line === '' ? line : line.split(',').slice(CSV_RUN_COLUMNS.length).join(',')));
}

function record(t: number, stats: IterationRecord['stats'], extra: Partial<IterationRecord> = {}): IterationRecord {
  return {
    iteration: t,
    upperLoss: 0.5,
    lowerLoss: -1e-9,
    hypergradNorm: 0.25,
    lowerStationarity: 1e-6,
    forwardMs: 1.5,
    backwardMs: 2,
    gradientEvals: 10,
    hvpEvals: 3,
    numTensors: 12,
    numBytes: 480,
    stats,
    ...extra,
  };
}

describe('runsToCsv', () => {
  it('writes a header of the record fields and every statistic, then one row per iteration', () => {
    const csv = metricsToCsv([
      record(0, { 'ptt.kStar': 3, 'cg.flag': 'not-converged, badly', 'rhg.adjointNorms': [1, 0.5] }),
      record(1, { 'ptt.kStar': 4, 'cg.converged': true }, { upperLoss: Number.NaN, upperDistance: Infinity }),
    ]);
    assert.ok(csv.startsWith('run_id,name,method,iteration,'));
    assert.ok(csv.split('\r\n').slice(1, -1).every((line) => line.startsWith('r,,rhg,')));
    const lines = metricRows(csv);
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    assert.equal(lines[0], [...CSV_FIELDS, 'stats.cg.converged', 'stats.cg.flag', 'stats.ptt.kStar', 'stats.rhg.adjointNorms'].join(','));
    assert.equal(lines[1], '0,0.5,-1e-9,0.25,0.000001,,,1.5,2,10,3,12,480,,"not-converged, badly",3,"1;0.5"');
    assert.equal(lines[2], '1,NaN,-1e-9,0.25,0.000001,Infinity,,1.5,2,10,3,12,480,true,,4,');
    assert.equal(lines.length, 4);
  });

  it('adds a column per held-out evaluation, empty on iterations without one', () => {
    const csv = metricsToCsv([record(0, {}, { evals: { 'test.accuracy': 75.5, f1: 66.7 } }), record(1, {}), record(2, {}, { evals: { 'test.accuracy': 80 } })]);
    const [header, ...rows] = metricRows(csv.trimEnd());
    assert.deepEqual(header!.split(',').slice(-2), ['evals.f1', 'evals.test.accuracy']);
    assert.deepEqual(rows.map((r) => r.split(',').slice(-2)), [['66.7', '75.5'], ['', ''], ['', '80']]);
  });

  it('writes one row of settings with empty metrics for a run without metrics', () => {
    assert.equal(metricsToCsv([]), [...CSV_RUN_COLUMNS, ...CSV_FIELDS].join(',') + '\r\n' + ['r', '', 'rhg', ...CSV_FIELDS.map(() => '')].join(',') + '\r\n');
  });

  it('puts several runs in one table: their settings (union) repeated on each row, metric columns of all', () => {
    const a = runSettings({ method: 'rhg', methodOptions: { iterations: 2, K: 10, seed: 1 }, problemParams: { n: 4 }, iterations: 2, seed: 1, backend: 'cpu' });
    const b = runSettings({ method: 'cg', methodOptions: { iterations: 1, K: 5, cgIterations: 8, seed: 1 }, problemParams: { n: 4 }, iterations: 1, seed: 1, backend: 'cpu', preset: 'toy' });
    const csv = runsToCsv([
      { runId: 'rhg-1', name: 'baseline, K=10', settings: a, records: [record(0, { 'rhg.steps': 10 }), record(1, { 'rhg.steps': 10 })] },
      { runId: 'cg-2', settings: b, records: [record(0, { 'cg.residual': 1e-7 })] },
    ]);
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    const columns = header!.split(',');
    assert.deepEqual(columns.slice(0, 12), ['run_id', 'name', 'method', 'iterations', 'K', 'seed', 'problem.n', 'backend', 'cgIterations', 'preset', 'iteration', 'upperLoss']);
    assert.deepEqual(columns.slice(-2), ['stats.cg.residual', 'stats.rhg.steps']);
    assert.equal(rows.length, 3, 'one row per run × iteration');
    const cell = (row: number, column: string): string => rows[row]!.replace('"baseline, K=10"', 'baseline K=10').split(',')[columns.indexOf(column)]!;
    assert.deepEqual(['run_id', 'name', 'method', 'K', 'cgIterations', 'preset', 'iteration', 'stats.rhg.steps', 'stats.cg.residual'].map((c) => cell(1, c)), ['rhg-1', 'baseline K=10', 'rhg', '10', '', '', '1', '10', '']);
    assert.deepEqual(['run_id', 'name', 'method', 'K', 'cgIterations', 'preset', 'iteration', 'stats.rhg.steps', 'stats.cg.residual'].map((c) => cell(2, c)), ['cg-2', '', 'cg', '5', '8', 'toy', '0', '', '1e-7']);
  });

  it('renames a setting that would clash with a metric column', () => {
    const csv = runsToCsv([{ runId: 'x-1', settings: { method: 'm', upperLoss: 'mse' }, records: [record(0, {})] }]);
    const header = csv.split('\r\n')[0]!.split(',');
    assert.deepEqual(header.slice(0, 5), ['run_id', 'name', 'method', 'setting.upperLoss', 'iteration']);
    assert.equal(header.filter((c) => c === 'upperLoss').length, 1);
  });

  it('quotes cells with separators, quotes, line breaks or edge spaces', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a "b"'), '"a ""b"""');
    assert.equal(csvCell('x\ny'), '"x\ny"');
    assert.equal(csvCell(' lead'), '" lead"');
  });
});

describe('exportFileName', () => {
  const at = (day: number, hour: number): string => new Date(2026, 11, day, hour, 30).toISOString();

  it('names one run by its label, problem and local day', () => {
    assert.equal(exportFileName([{ label: 'rhg', problem: 'toy-quadratic', createdAt: at(6, 10) }], 'csv'), 'rhg-toy-quadratic-2026-12-06.csv');
    assert.equal(exportFileName([{ label: 'My run (K=10)', problem: '/ws/lake.bilevel.ts#default', createdAt: at(6, 10) }], 'png', 'upper loss'), 'my-run-k-10-lake-2026-12-06-upper-loss.png');
    assert.equal(exportFileName([{ label: 'cg', problem: 'C:\\ws\\lake.bilevel.ts#deep', createdAt: at(6, 10) }], 'svg'), 'cg-lake-deep-2026-12-06.svg');
  });

  it('names several runs by their distinct labels and the newest day, and survives odd input', () => {
    const runs = [
      { label: 'rhg', problem: 'toy-quadratic', createdAt: at(5, 23) },
      { label: 'cg', problem: 'toy-quadratic', createdAt: at(6, 1) },
      { label: 'rhg', problem: 'toy-quadratic', createdAt: at(4, 1) },
    ];
    assert.equal(exportFileName(runs, 'csv'), 'rhg-cg-toy-quadratic-2026-12-06.csv');
    assert.equal(exportFileName([...runs, { label: 'rhg', problem: 'toy-nonconvex', createdAt: 'not a date' }], 'csv'), 'rhg-cg-2-problems-2026-12-06.csv');
    assert.equal(exportFileName([{ label: '???', problem: '#', createdAt: '' }], 'csv'), 'runs.csv');
    assert.ok(exportFileName([{ label: 'x'.repeat(300), problem: 'p', createdAt: at(6, 1) }], 'csv').length < 100);
  });
});
