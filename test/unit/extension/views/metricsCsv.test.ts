// Export Metrics as CSV: header, one row per iteration, statistics as columns, RFC 4180 quoting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IterationRecord } from '../../../../src/protocol/metrics';
import { csvCell, CSV_FIELDS, metricsToCsv } from '../../../../src/extension/views/metricsCsv';

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

describe('metricsToCsv', () => {
  it('writes a header of the record fields and every statistic, then one row per iteration', () => {
    const csv = metricsToCsv([
      record(0, { 'ptt.kStar': 3, 'cg.flag': 'not-converged, badly', 'rhg.adjointNorms': [1, 0.5] }),
      record(1, { 'ptt.kStar': 4, 'cg.converged': true }, { upperLoss: Number.NaN, upperDistance: Infinity }),
    ]);
    const lines = csv.split('\r\n');
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    assert.equal(lines[0], [...CSV_FIELDS, 'stats.cg.converged', 'stats.cg.flag', 'stats.ptt.kStar', 'stats.rhg.adjointNorms'].join(','));
    assert.equal(lines[1], '0,0.5,-1e-9,0.25,0.000001,,,1.5,2,10,3,12,480,,"not-converged, badly",3,"1;0.5"');
    assert.equal(lines[2], '1,NaN,-1e-9,0.25,0.000001,Infinity,,1.5,2,10,3,12,480,true,,4,');
    assert.equal(lines.length, 4);
  });

  it('adds a column per held-out evaluation, empty on iterations without one', () => {
    const csv = metricsToCsv([record(0, {}, { evals: { 'test.accuracy': 75.5, f1: 66.7 } }), record(1, {}), record(2, {}, { evals: { 'test.accuracy': 80 } })]);
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    assert.deepEqual(header!.split(',').slice(-2), ['evals.f1', 'evals.test.accuracy']);
    assert.deepEqual(rows.map((r) => r.split(',').slice(-2)), [['66.7', '75.5'], ['', ''], ['', '80']]);
  });

  it('writes just the header for a run without metrics', () => {
    assert.equal(metricsToCsv([]), CSV_FIELDS.join(',') + '\r\n');
  });

  it('quotes cells with separators, quotes, line breaks or edge spaces', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a "b"'), '"a ""b"""');
    assert.equal(csvCell('x\ny'), '"x\ny"');
    assert.equal(csvCell(' lead'), '" lead"');
  });
});
