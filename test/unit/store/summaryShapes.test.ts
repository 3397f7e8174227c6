// run.json's summary may carry the shapes of the final x and y (RunSummary.shapes): the store keeps
// them, and refuses a record whose shapes are not number arrays by name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRunRecord } from '../../../src/store/checkRecord';

function record(summary: unknown): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id: '20261122-195701-rhg-toy-quadratic-a1b2',
    status: 'completed',
    config: { problem: 'toy-quadratic', problemParams: {}, method: 'rhg', methodOptions: {}, iterations: 1, seed: 0, backend: 'auto' },
    versions: {},
    createdAt: '2026-11-22T19:57:01.000Z',
    updatedAt: '2026-11-22T19:57:02.000Z',
    pid: 1,
    hostname: 'h',
    summary,
  };
}

const BASE = { iterations: 1, x: { w: [1, 2, 3, 4] }, y: { v: [5] }, msPerIteration: 1, peakTensors: 1, peakBytes: 1 };

describe('checkRunRecord and summary shapes', () => {
  it('accepts a summary with or without shapes', () => {
    assert.equal(checkRunRecord(record(BASE)), undefined);
    assert.equal(checkRunRecord(record({ ...BASE, shapes: { x: { w: [2, 2] }, y: { v: [] } } })), undefined);
  });

  it('refuses shapes that are not number arrays by name for x and y', () => {
    for (const shapes of [[2, 2], { x: { w: [2, 2] } }, { x: { w: '2x2' }, y: {} }, { x: {}, y: { v: [null] } }]) {
      assert.match(checkRunRecord(record({ ...BASE, shapes })) ?? '', /shapes/, JSON.stringify(shapes));
    }
  });
});
