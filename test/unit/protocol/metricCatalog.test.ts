// The list of charted metrics shared by the live panel and the report (src/protocol/metricCatalog.ts):
// every record field that is a per-iteration quantity has a chart, and titles and order of stats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evalTitle, KSTAR_STAT, metricDef, METRICS, orderStatKeys, statTitle, statTitleInWords } from '../../../src/protocol/metricCatalog';
import type { IterationRecord } from '../../../src/protocol/metrics';

const RECORD: IterationRecord = {
  iteration: 3,
  upperLoss: 1,
  lowerLoss: 2,
  hypergradNorm: 3,
  lowerStationarity: 4,
  upperDistance: 5,
  forwardMs: 6,
  backwardMs: 7,
  gradientEvals: 8,
  hvpEvals: 9,
  numTensors: 10,
  numBytes: 11,
  stats: {},
};

describe('metric catalog', () => {
  it('has one chart per per-iteration quantity, keys unique, read from the record', () => {
    assert.deepEqual(
      METRICS.map((m) => [m.key, m.read(RECORD)]),
      [
        ['upperLoss', 1],
        ['lowerLoss', 2],
        ['hypergradNorm', 3],
        ['lowerStationarity', 4],
        ['upperDistance', 5],
        ['lowerDistance', undefined],
        ['iterationMs', 13],
        ['gradientEvals', 8],
        ['hvpEvals', 9],
        ['numTensors', 10],
        ['numBytes', 11],
      ],
    );
    assert.equal(metricDef('numBytes')?.unit, 'bytes');
    assert.equal(metricDef('iterationMs')?.unit, 'ms');
    assert.equal(metricDef('nope'), undefined);
  });

  it('marks the norms and distances, not losses, times or counts, as log-scale', () => {
    assert.deepEqual(METRICS.filter((m) => m.logScale).map((m) => m.key), ['hypergradNorm', 'lowerStationarity', 'upperDistance', 'lowerDistance']);
  });

  it('titles and orders method statistics: the papers\u2019 first, then the others sorted', () => {
    assert.equal(statTitle(KSTAR_STAT), 'k* trace (PTT: worst-case truncation step)');
    assert.equal(statTitle('zeta.other'), 'zeta.other');
    assert.equal(statTitle('cg.relativeResidual'), 'CG: relative residual');
    assert.equal(statTitleInWords('foo.someValue'), 'foo: some value');
    assert.equal(statTitleInWords('cg.residual'), statTitle('cg.residual'));
    assert.deepEqual(orderStatKeys(['zeta.other', 'ufom.coin', 'a.first', KSTAR_STAT, 'trhg.M']), [KSTAR_STAT, 'trhg.M', 'ufom.coin', 'a.first', 'zeta.other']);
  });

  it('titles evals by the built-in problems\u2019 names, others by their own', () => {
    assert.equal(evalTitle('test.accuracy'), 'Test accuracy (test.accuracy)');
    assert.equal(evalTitle('my.metric'), 'Evaluation: my.metric');
  });
});
