// sweepStatus and indicesToResume (src/sweep/sweepStatus.ts): a sweep's status derived from its runs'
// states, never written by them (issue 15), and what --resume reruns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SweepRunState } from '../../../src/protocol/sweep';
import { indicesToResume, sweepStatus } from '../../../src/sweep/sweepStatus';

const status = (states: readonly SweepRunState[], active: boolean): string => sweepStatus(states, active).status;

describe('sweepStatus', () => {
  it('derives queued and running while the executor is alive', () => {
    assert.equal(status([undefined, undefined, 'queued'], true), 'queued');
    assert.equal(status([undefined, 'running', undefined], true), 'running');
    assert.equal(status(['completed', undefined], true), 'running', 'runs waiting for a live executor');
    assert.equal(status(['completed', 'running'], false), 'running', 'a running run is running, whoever started it');
  });

  it('derives how a finished sweep ended', () => {
    assert.equal(status(['completed', 'completed'], false), 'completed');
    assert.equal(status(['completed', 'diverged'], true), 'completed', 'diverging is a result of the numerics');
    assert.equal(status(['completed', 'failed'], false), 'partial');
    assert.equal(status(['completed', 'interrupted'], false), 'partial');
    assert.equal(status(['completed', undefined], false), 'partial', 'a killed sweep: runs that will not start');
    assert.equal(status(['failed', 'interrupted'], false), 'failed');
    assert.equal(status([undefined, undefined], false), 'failed', 'nothing ran and nothing will');
    assert.equal(status(['completed', 'cancelled', undefined], false), 'cancelled');
    assert.equal(status(['failed', 'cancelled'], false), 'cancelled');
  });

  it('counts runs by state and the finished ones', () => {
    const p = sweepStatus(['completed', 'diverged', 'failed', 'cancelled', 'interrupted', 'running', 'queued', undefined], true);
    assert.deepEqual(p.counts, { notStarted: 2, running: 1, completed: 1, diverged: 1, failed: 1, cancelled: 1, interrupted: 1 });
    assert.equal(p.total, 8);
    assert.equal(p.finished, 5);
    assert.equal(p.status, 'running');
  });
});

describe('indicesToResume', () => {
  it('reruns runs not started, failed, cancelled or interrupted; keeps completed, diverged and running ones', () => {
    assert.deepEqual(indicesToResume(['completed', undefined, 'failed', 'diverged', 'cancelled', 'interrupted', 'running', 'queued']), [1, 2, 4, 5, 7]);
    assert.deepEqual(indicesToResume(['completed', 'diverged']), []);
  });
});
