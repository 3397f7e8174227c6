// sweepStatus and indicesToResume (src/sweep/sweepStatus.ts): a sweep's status derived from its runs'
// states, never written by them (issue 15), a recorded cancel of the last execution, and what
// --resume reruns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SweepRunState } from '../../../src/protocol/sweep';
import type { SweepExecution } from '../../../src/protocol/sweep';
import { indicesToResume, lastExecutionCancelled, slurmCancelledIndices, statesAfterCancel, sweepStatus } from '../../../src/sweep/sweepStatus';

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

describe('a cancelled sweep', () => {
  const job: SweepExecution = { kind: 'slurm', startedAt: '2026-12-06T03:00:00Z', indices: [0, 1, 2], jobId: '42' };
  const cancel = { schemaVersion: 1, cancelledAt: '2026-12-06T03:05:00Z', executions: 1 };

  it('reads cancelled, not queued, when cancelled before any run started, though the queue still lists the job', () => {
    const p = sweepStatus([undefined, undefined, undefined], true, true);
    assert.equal(p.status, 'cancelled');
    assert.deepEqual(p.counts, { notStarted: 0, running: 0, completed: 0, diverged: 0, failed: 0, cancelled: 3, interrupted: 0 });
    assert.equal(p.finished, 3, 'n of N done counts them');
    assert.equal(sweepStatus([undefined, undefined, undefined], true, false).status, 'queued', 'without the cancel');
  });

  it('counts only the runs that never started as cancelled; a run still running keeps the sweep running', () => {
    assert.equal(status(['completed', undefined], false), 'partial');
    assert.equal(sweepStatus(['completed', undefined], false, true).status, 'cancelled');
    assert.equal(sweepStatus(['completed', 'completed'], false, true).status, 'completed', 'nothing left to cancel');
    assert.equal(sweepStatus(['running', 'queued'], true, true).status, 'running', 'its run ends cancelled after its iteration');
    assert.deepEqual(statesAfterCancel(['completed', 'failed', 'running', 'queued', undefined], true), ['completed', 'failed', 'running', 'cancelled', 'cancelled']);
    assert.deepEqual(statesAfterCancel([undefined, 'queued'], false), [undefined, 'queued']);
  });

  it('applies to the executions the cancel stopped: a resume after it is not cancelled', () => {
    assert.equal(lastExecutionCancelled({ executions: [job] }, cancel), true);
    assert.equal(lastExecutionCancelled({ executions: [job] }, undefined), false);
    assert.equal(lastExecutionCancelled({ executions: [job, { ...job, jobId: '43' }] }, cancel), false, 'resumed after the cancel');
    assert.equal(lastExecutionCancelled({ executions: [job, { ...job, jobId: '43' }] }, { ...cancel, executions: 2 }), true, 'the resume cancelled too');
    assert.equal(lastExecutionCancelled({}, { ...cancel, executions: 0 }), false, 'no execution: nothing was stopped');
  });
});

describe('a sweep SLURM reports cancelled (a bare scancel, no cancel.json)', () => {
  const job = (jobId: string, indices: number[]): SweepExecution => ({ kind: 'slurm', startedAt: '2026-12-06T03:00:00Z', indices, jobId });
  const tasks = (states: Record<number, string>): Map<number, { state: string }> => new Map(Object.entries(states).map(([i, state]) => [Number(i), { state }]));

  it('reads the runs of cancelled tasks that never started as cancelled, and only those', () => {
    const all = new Set([0, 1, 2]);
    assert.deepEqual(statesAfterCancel([undefined, 'queued', undefined], all), ['cancelled', 'cancelled', 'cancelled']);
    const p = sweepStatus([undefined, undefined, undefined], false, all);
    assert.equal(p.status, 'cancelled', 'not failed: nothing ran because it was cancelled');
    assert.deepEqual(p.counts, { notStarted: 0, running: 0, completed: 0, diverged: 0, failed: 0, cancelled: 3, interrupted: 0 });
    assert.equal(sweepStatus([undefined, undefined, undefined], false, new Set()).status, 'failed', 'without SLURM’s word');
    // A run that started keeps its own record's word (a SIGTERM'd run writes cancelled, a killed one reads interrupted).
    assert.deepEqual(statesAfterCancel(['completed', 'interrupted', 'running', undefined], new Set([0, 1, 2, 3])), ['completed', 'interrupted', 'running', 'cancelled']);
    assert.equal(sweepStatus(['completed', undefined], false, new Set([1])).status, 'cancelled');
  });

  it('a scancel of some tasks leaves the sweep running while others are pending', () => {
    const p = sweepStatus(['running', undefined, undefined], true, new Set([1]));
    assert.equal(p.status, 'running');
    assert.deepEqual([p.counts.cancelled, p.counts.notStarted, p.finished], [1, 1, 1]);
    assert.equal(sweepStatus([undefined, undefined], true, new Set([0])).status, 'running', 'one pending task is still to start');
  });

  it('judges each index by the last execution holding it, and counts nothing SLURM cannot say', () => {
    const first = job('42', [0, 1, 2, 3]);
    const resume = job('43', [2, 3]);
    const byJob = new Map([
      [first, tasks({ 0: 'COMPLETED', 1: 'CANCELLED', 2: 'CANCELLED', 3: 'CANCELLED by 1000' })],
      [resume, tasks({ 2: 'PENDING', 3: 'CANCELLED' })],
    ]);
    assert.deepEqual([...slurmCancelledIndices([first, resume], (e) => byJob.get(e))].sort(), [1, 3], 'the resume took 2 over and it is pending');
    assert.deepEqual([...slurmCancelledIndices([first], (e) => byJob.get(e))].sort(), [1, 2, 3], '`CANCELLED by <uid>` counts');
    assert.deepEqual([...slurmCancelledIndices([first, resume], () => undefined)], [], 'no scontrol or squeue: no word');
    const local: SweepExecution = { kind: 'local', startedAt: '2026-12-06T04:00:00Z', indices: [1], pid: 1, hostname: 'h' };
    assert.deepEqual([...slurmCancelledIndices([first, local], (e) => byJob.get(e))].sort(), [2, 3], 'a local resume took 1 over');
    assert.deepEqual([...slurmCancelledIndices(undefined, () => undefined)], []);
  });
});

describe('indicesToResume', () => {
  it('reruns runs not started, failed, cancelled or interrupted; keeps completed, diverged and running ones', () => {
    assert.deepEqual(indicesToResume(['completed', undefined, 'failed', 'diverged', 'cancelled', 'interrupted', 'running', 'queued']), [1, 2, 4, 5, 7]);
    assert.deepEqual(indicesToResume(['completed', 'diverged']), []);
  });
});
