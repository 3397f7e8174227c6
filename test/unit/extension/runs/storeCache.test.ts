// The history's store cache re-reads only what changed: a listing reads new runs, runs a file event
// named, running runs and unreadable folders, and nothing else; sweeps take their runs' states from
// the cached runs. A fake reader counts every read. Also which sweeps are still active, and that a
// recorded cancel (cancel.json) turns a SLURM sweep cancelled before any task started from queued to
// cancelled, even when no file event says so.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { StoreCache, type StoreReader } from '../../../../src/extension/runs/storeCache';
import { executionActive } from '../../../../src/extension/runs/runStores';
import type { RunStatus } from '../../../../src/protocol/metrics';
import type { RunRecord } from '../../../../src/protocol/runRecord';
import type { SweepExecution, SweepRecord } from '../../../../src/protocol/sweep';
import { SWEEPS_DIR } from '../../../../src/store/sweepStore';
import type { SweepCancel } from '../../../../src/sweep/sweepStatus';

const STORE = '/shared/runs';

/** An in-memory store: run statuses by id (a string status is readable, an Error is not), sweeps by id. */
class FakeReader implements StoreReader {
  runs = new Map<string, RunStatus | Error>();
  sweeps = new Map<string, SweepRecord>();
  cancels = new Map<string, SweepCancel>();
  reads: string[] = [];
  /** Reads of cancel.json, apart from `reads`: a queued or running sweep's is read at every listing. */
  cancelReads: string[] = [];

  ids(dir: string): string[] {
    return dir === path.join(STORE, SWEEPS_DIR) ? [...this.sweeps.keys()] : [...this.runs.keys()];
  }
  readRun(_storeDir: string, id: string): RunRecord {
    this.reads.push(`run ${id}`);
    const status = this.runs.get(id);
    if (status === undefined) throw new Error(`no run.json in ${id}`);
    if (status instanceof Error) throw status;
    return { id, status, createdAt: `2026-12-06T03:00:0${id.slice(-1)}Z` } as unknown as RunRecord;
  }
  readCheck(): undefined {
    return undefined;
  }
  readSweep(_storeDir: string, id: string): SweepRecord {
    this.reads.push(`sweep ${id}`);
    return this.sweeps.get(id)!;
  }
  readSweepCancel(_storeDir: string, id: string): SweepCancel | undefined {
    this.cancelReads.push(id);
    return this.cancels.get(id);
  }
}

function sweep(id: string, runIds: string[], execution?: SweepExecution): SweepRecord {
  return {
    schemaVersion: 1,
    id,
    createdAt: '2026-12-06T03:00:00Z',
    spec: { problem: { kind: 'builtin', id: 'toy-quadratic', params: {} }, methods: ['rhg'], seeds: [0], grid: [] },
    runs: runIds.map((runId, index) => ({ index, runId, method: 'rhg', seed: index, options: {}, gridPoint: {}, dropped: [] })),
    ...(execution ? { executions: [execution] } : {}),
  };
}

let reader: FakeReader;
let cache: StoreCache;

describe('StoreCache', () => {
  beforeEach(() => {
    reader = new FakeReader();
    cache = new StoreCache(reader);
    for (let i = 1; i <= 5; i++) reader.runs.set(`r${i}`, 'completed');
  });

  it('reads every run once, then nothing until a change names one', () => {
    assert.deepEqual(
      cache.runs(STORE).runs.map((r) => r.record.id),
      ['r5', 'r4', 'r3', 'r2', 'r1'],
      'newest first',
    );
    assert.equal(reader.reads.length, 5);
    reader.reads = [];
    cache.runs(STORE);
    assert.deepEqual(reader.reads, [], 'no change: no read');
    reader.runs.set('r3', 'failed');
    cache.changed({ kind: 'run', storeDir: STORE, id: 'r3' });
    cache.changed({ kind: 'run', storeDir: STORE, id: 'r3' });
    const listed = cache.runs(STORE).runs;
    assert.deepEqual(reader.reads, ['run r3'], 'two events, one read of that run');
    assert.equal(listed.find((r) => r.record.id === 'r3')!.record.status, 'failed');
  });

  it('reads a new folder, drops a removed one, and ignores changes in stores it never listed', () => {
    cache.runs(STORE);
    reader.reads = [];
    reader.runs.set('r6', 'running');
    reader.runs.delete('r1');
    cache.changed({ kind: 'run', storeDir: '/elsewhere', id: 'r2' });
    const ids = cache.runs(STORE).runs.map((r) => r.record.id);
    assert.deepEqual(reader.reads, ['run r6']);
    assert.deepEqual(ids, ['r6', 'r5', 'r4', 'r3', 'r2']);
  });

  it('re-reads running runs and unreadable folders at every listing, until they settle', () => {
    reader.runs.set('r6', 'running');
    reader.runs.set('r7', new Error('no run.json in r7'));
    const first = cache.runs(STORE);
    assert.deepEqual(
      first.problems.map((p) => [p.id, p.dir, p.error]),
      [['r7', path.join(STORE, 'r7'), 'no run.json in r7']],
    );
    reader.reads = [];
    cache.runs(STORE);
    assert.deepEqual(reader.reads.sort(), ['run r6', 'run r7']);
    reader.runs.set('r6', 'completed');
    reader.runs.set('r7', 'running');
    reader.reads = [];
    const second = cache.runs(STORE);
    assert.equal(second.problems.length, 0);
    assert.equal(second.runs.find((r) => r.record.id === 'r6')!.record.status, 'completed');
    reader.reads = [];
    cache.runs(STORE);
    assert.deepEqual(reader.reads, ['run r7'], 'r6 ended: read no more; r7 runs now');
  });

  it('re-reads the whole store after a store change or clear()', () => {
    cache.runs(STORE);
    reader.reads = [];
    cache.changed({ kind: 'store', storeDir: STORE });
    cache.runs(STORE);
    assert.equal(reader.reads.length, 5);
    reader.reads = [];
    cache.clear();
    cache.runs(STORE);
    assert.equal(reader.reads.length, 5);
  });

  it("gives a sweep its runs' cached states and progress, reading sweep.json once", () => {
    reader.runs.set('r6', 'running');
    reader.sweeps.set('s1', sweep('s1', ['r1', 'r2', 'r6', 'r9']));
    cache.runs(STORE);
    reader.reads = [];
    const [s] = cache.sweeps(STORE, () => false).sweeps;
    assert.deepEqual(reader.reads, ['sweep s1'], 'the runs come from the cache');
    assert.deepEqual(s!.states, ['completed', 'completed', 'running', undefined]);
    assert.equal(s!.progress.status, 'running');
    assert.equal(s!.progress.finished, 2);
    assert.equal(s!.progress.total, 4);
    reader.reads = [];
    cache.sweeps(STORE, () => false);
    assert.deepEqual(reader.reads, []);
    cache.changed({ kind: 'sweep', storeDir: STORE, id: 's1' });
    cache.sweeps(STORE, () => false);
    assert.deepEqual(reader.reads, ['sweep s1']);
  });

  it('lets active() decide a sweep whose runs have not started: queued while active, failed when not', () => {
    reader.sweeps.set('s2', sweep('s2', ['x1', 'x2']));
    cache.runs(STORE);
    assert.equal(cache.sweeps(STORE, () => true).sweeps[0]!.progress.status, 'queued');
    assert.equal(cache.sweeps(STORE, () => false).sweeps[0]!.progress.status, 'failed');
  });

  it('reads a SLURM sweep cancelled before any task started as cancelled, its runs too, without a file event', () => {
    // Submitted as job 42 (indices 0-2), none started: executionActive keeps it queued.
    const slurm: SweepExecution = { kind: 'slurm', startedAt: '2026-12-06T03:00:00Z', indices: [0, 1, 2], jobId: '42' };
    reader.sweeps.set('s3', sweep('s3', ['y0', 'y1', 'y2'], slurm));
    cache.runs(STORE);
    assert.equal(cache.sweeps(STORE, executionActive).sweeps[0]!.progress.status, 'queued');
    // `bilevel sweep cancel` on another host writes cancel.json; no event reaches this cache.
    reader.cancels.set('s3', { schemaVersion: 1, cancelledAt: '2026-12-06T03:05:00.000Z', executions: 1 });
    reader.reads = [];
    const [s] = cache.sweeps(STORE, executionActive).sweeps;
    assert.deepEqual(reader.reads, [], 'sweep.json is not read again');
    assert.equal(s!.progress.status, 'cancelled');
    assert.deepEqual(s!.states, ['cancelled', 'cancelled', 'cancelled']);
    assert.equal(s!.progress.counts.cancelled, 3);
    assert.equal(s!.progress.finished, 3);
    assert.equal(s!.cancelledAt, '2026-12-06T03:05:00.000Z');
    // Settled: its cancel is not read again at each listing.
    reader.cancelReads = [];
    cache.sweeps(STORE, executionActive);
    assert.deepEqual(reader.cancelReads, []);
    // A resume appends an execution the cancel did not stop: queued again.
    reader.sweeps.set('s3', { ...sweep('s3', ['y0', 'y1', 'y2']), executions: [slurm, { ...slurm, jobId: '43' }] });
    cache.changed({ kind: 'sweep', storeDir: STORE, id: 's3' });
    const [resumed] = cache.sweeps(STORE, executionActive).sweeps;
    assert.equal(resumed!.progress.status, 'queued');
    assert.equal(resumed!.cancelledAt, undefined);
  });

  it('keeps a run that started before the cancel as its record says', () => {
    const slurm: SweepExecution = { kind: 'slurm', startedAt: '2026-12-06T03:00:00Z', indices: [0, 1], jobId: '42' };
    reader.sweeps.set('s4', sweep('s4', ['r1', 'z1'], slurm));
    reader.cancels.set('s4', { schemaVersion: 1, cancelledAt: '2026-12-06T03:05:00.000Z', executions: 1 });
    cache.runs(STORE);
    const [s] = cache.sweeps(STORE, executionActive).sweeps;
    assert.deepEqual(s!.states, ['completed', 'cancelled']);
    assert.equal(s!.progress.status, 'cancelled');
  });
});

describe('executionActive', () => {
  const slurm: SweepExecution = { kind: 'slurm', startedAt: '2026-12-06T03:00:00Z', indices: [1, 2], jobId: '42' };
  const local: SweepExecution = { kind: 'local', startedAt: '2026-12-06T03:00:00Z', indices: [0, 1], pid: 1234, hostname: 'login1' };

  it('is true for a SLURM array while an index it submitted has not started', () => {
    const record = sweep('s', ['a', 'b', 'c'], slurm);
    assert.equal(executionActive(record, ['failed', 'completed', undefined]), true);
    assert.equal(executionActive(record, [undefined, 'completed', 'queued']), true);
    assert.equal(executionActive(record, [undefined, 'completed', 'running']), false, 'index 0 is not in this array');
  });

  it("is the pool process's liveness for a local pool on this host, false on another host or with no execution", () => {
    const here: SweepExecution = { ...local, pid: process.pid, hostname: os.hostname() };
    assert.equal(executionActive(sweep('s', ['a', 'b'], here), []), true, 'this process is alive');
    assert.equal(executionActive(sweep('s', ['a', 'b'], { ...here, hostname: `${os.hostname()}-elsewhere` }), []), false);
    assert.equal(executionActive(sweep('s', ['a']), [undefined]), false);
  });
});
