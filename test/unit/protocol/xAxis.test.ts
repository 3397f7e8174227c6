// The x axes every chart offers, read from one record.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isXAxisKey, X_AXES, xOf } from '../../../src/protocol/xAxis';

const record = { iteration: 7, time: 12_500, gradientEvals: 21, hvpEvals: 20 };

describe('xOf', () => {
  it('reads each axis from a record', () => {
    assert.equal(xOf('iteration', record, 10_000), 7);
    assert.equal(xOf('time', record, 10_000), 2.5);
    assert.equal(xOf('gradientEvals', record, undefined), 21);
    assert.equal(xOf('hvpEvals', record, undefined), 20);
    assert.equal(xOf('oracleCalls', record, undefined), 41);
  });

  it('says undefined where the record cannot tell', () => {
    assert.equal(xOf('time', record, undefined), undefined);
    assert.equal(xOf('time', { ...record, time: undefined }, 10_000), undefined);
    assert.equal(xOf('oracleCalls', { ...record, hvpEvals: NaN }, undefined), undefined);
  });

  it('lists five axes and knows their keys', () => {
    assert.deepEqual(X_AXES.map((a) => a.key), ['iteration', 'time', 'gradientEvals', 'hvpEvals', 'oracleCalls']);
    assert.ok(isXAxisKey('hvpEvals'));
    assert.ok(!isXAxisKey('seconds'));
  });
});
