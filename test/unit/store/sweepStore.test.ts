// The sweep's folder in the store: written whole (runs.jsonl, then sweep.json), read back checked,
// listed with a status derived from its runs' records (never stored) and its recorded cancel, and
// skipped by run listings.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunConfig } from '../../../src/protocol/runRecord';
import type { SweepRecord } from '../../../src/protocol/sweep';
import { RunStore } from '../../../src/store/runStore';
import { CANCEL_FILE, checkSweepRecord, makeSweepId, RUNS_JSONL, SWEEP_FILE, SweepStore, SWEEPS_DIR } from '../../../src/store/sweepStore';

let root = '';

const CONFIG: RunConfig = { problem: 'toy-ufom', problemParams: {}, method: 'fom', methodOptions: {}, iterations: 5, seed: 0, backend: 'cpu' };

function record(id: string, runIds: readonly string[], executions?: SweepRecord['executions']): SweepRecord {
  return {
    schemaVersion: 1,
    id,
    createdAt: '2026-12-06T03:00:00.000Z',
    spec: { problem: { kind: 'builtin', id: 'toy-ufom', params: {} }, methods: ['fom'], seeds: runIds.map((_, i) => i), grid: [] },
    runs: runIds.map((runId, index) => ({ index, method: 'fom', seed: index, options: { seed: index }, gridPoint: {}, dropped: [], runId })),
    ...(executions ? { executions } : {}),
  };
}

void describe('SweepStore', () => {
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'bilevel-sweepstore-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  void it('makes sweep ids like run ids, with sweep in the method place', () => {
    assert.match(makeSweepId('toy-ufom', new Date('2026-12-06T03:04:05Z')), /^20261206-030405-sweep-toy-ufom-[0-9a-f]{4}$/);
  });

  void it('creates a sweep folder once, reads it back, and derives its status from its runs', () => {
    const sweeps = new SweepStore(root);
    const runs = new RunStore(root);
    const rec = record('20261206-030000-sweep-toy-ufom-aaaa', ['r0', 'r1']);
    sweeps.create(rec, 'line0\nline1\n');
    assert.equal(readFileSync(path.join(root, SWEEPS_DIR, rec.id, RUNS_JSONL), 'utf8'), 'line0\nline1\n');
    assert.deepEqual(sweeps.read(rec.id), rec);
    assert.throws(() => sweeps.create(rec, ''), /already exists/);
    // No run has a record, and no pool is alive: nothing can complete it.
    assert.deepEqual(sweeps.states(rec), [undefined, undefined]);
    assert.equal(sweeps.entry(rec).progress.status, 'failed');
    runs.create({ ...CONFIG, sweep: { id: rec.id, index: 0 } }, { id: 'r0', versions: {} }).finish('completed', { x: {}, y: {}, iterations: 5, msPerIteration: 1, peakTensors: 0, peakBytes: 0 });
    assert.deepEqual(sweeps.states(rec), ['completed', undefined]);
    assert.equal(sweeps.entry(rec).progress.status, 'partial');
    // This process as the pool: the run not started will still be started.
    const live = { ...rec, executions: [{ kind: 'local' as const, startedAt: rec.createdAt, indices: [0, 1], pid: process.pid, hostname: os.hostname() }] };
    sweeps.write(live, 'line0\nline1\n');
    assert.equal(sweeps.entry(sweeps.read(rec.id)).progress.status, 'running');
    // Run listings skip the sweeps folder.
    assert.deepEqual(runs.list().map((r) => r.id), ['r0']);
    assert.deepEqual(runs.read('r0').config.sweep, { id: rec.id, index: 0 });
  });

  void it('adds a SLURM execution to sweep.json alone, and takes whether its job is live from the caller', () => {
    const sweeps = new SweepStore(root);
    const rec = record('20261206-030000-sweep-toy-ufom-cccc', ['s0', 's1']);
    sweeps.create(rec, 'line0\nline1\n');
    const jsonl = path.join(root, SWEEPS_DIR, rec.id, RUNS_JSONL);
    const before = readFileSync(jsonl, 'utf8');
    const submitted = { ...rec, executions: [{ kind: 'slurm' as const, startedAt: rec.createdAt, indices: [0, 1], jobId: '77' }] };
    writeFileSync(jsonl, 'changed by nobody else\n');
    sweeps.writeRecord(submitted);
    assert.deepEqual(sweeps.read(rec.id), submitted);
    assert.equal(readFileSync(jsonl, 'utf8'), 'changed by nobody else\n', 'runs.jsonl, which the array tasks read, is not rewritten');
    writeFileSync(jsonl, before);
    // A SLURM job cannot be seen from the store: by default nothing is active, the caller says what squeue said.
    assert.equal(sweeps.entry(submitted).progress.status, 'failed');
    assert.equal(sweeps.entry(submitted, true).progress.status, 'queued');
  });

  void it('reads a SLURM sweep cancelled before any task started as cancelled, its runs too, until a resume', () => {
    const sweeps = new SweepStore(root);
    const runs = new RunStore(root);
    const job = { kind: 'slurm' as const, startedAt: '2026-12-06T03:00:00.000Z', indices: [0, 1, 2], jobId: '88' };
    const rec = record('20261206-030000-sweep-toy-ufom-dddd', ['d0', 'd1', 'd2'], [job]);
    sweeps.create(rec, 'l0\nl1\nl2\n');
    // squeue still lists the job (the caller says active): queued, as long as no cancel is recorded.
    assert.equal(sweeps.readCancel(rec.id), undefined);
    assert.equal(sweeps.entry(rec, true).progress.status, 'queued');
    const cancel = sweeps.writeCancel(rec, new Date('2026-12-06T03:05:00.000Z'));
    assert.deepEqual(JSON.parse(readFileSync(path.join(root, SWEEPS_DIR, rec.id, CANCEL_FILE), 'utf8')), { schemaVersion: 1, cancelledAt: '2026-12-06T03:05:00.000Z', executions: 1 });
    assert.deepEqual(sweeps.readCancel(rec.id), cancel);
    for (const active of [true, false]) {
      const entry = sweeps.entry(rec, active);
      assert.equal(entry.progress.status, 'cancelled', `active ${active}`);
      assert.deepEqual(entry.states, ['cancelled', 'cancelled', 'cancelled']);
      assert.equal(entry.progress.finished, 3);
      assert.equal(entry.cancel?.cancelledAt, '2026-12-06T03:05:00.000Z');
    }
    assert.deepEqual(sweeps.states(rec), [undefined, undefined, undefined], 'the runs themselves have no record');
    assert.deepEqual(sweeps.list().sweeps.find((s) => s.record.id === rec.id)?.progress.status, 'cancelled', 'the listing reads it too');
    // A run that had finished before the cancel keeps its status.
    runs.create({ ...CONFIG, sweep: { id: rec.id, index: 0 } }, { id: 'd0', versions: {} }).finish('completed', { x: {}, y: {}, iterations: 5, msPerIteration: 1, peakTensors: 0, peakBytes: 0 });
    assert.deepEqual(sweeps.entry(rec, false).states, ['completed', 'cancelled', 'cancelled']);
    // A resume appends an execution the cancel did not stop.
    const resumed = { ...rec, executions: [job, { ...job, jobId: '89', indices: [1, 2] }] };
    sweeps.writeRecord(resumed);
    const entry = sweeps.entry(sweeps.read(rec.id), true);
    assert.equal(entry.progress.status, 'running');
    assert.equal(entry.cancel, undefined);
    // cancel.json that is not one is named; one of a newer format is left to newer readers.
    writeFileSync(path.join(root, SWEEPS_DIR, rec.id, CANCEL_FILE), '{"schemaVersion":1}');
    assert.throws(() => sweeps.readCancel(rec.id), /cancel\.json is not a sweep cancel/);
    writeFileSync(path.join(root, SWEEPS_DIR, rec.id, CANCEL_FILE), '{"schemaVersion":99,"cancelledAt":"x","executions":5}');
    assert.equal(sweeps.readCancel(rec.id), undefined);
  });

  void it('lists readable sweeps newest first and reports unreadable ones', () => {
    const dir = mkdtempSync(path.join(root, 'list-'));
    const sweeps = new SweepStore(dir);
    assert.deepEqual(sweeps.list(), { sweeps: [], problems: [] });
    sweeps.create(record('20261206-010000-sweep-a-0001', ['a0']), '');
    sweeps.create({ ...record('20261206-020000-sweep-b-0002', ['b0']), createdAt: '2026-12-06T04:00:00.000Z' }, '');
    const broken = path.join(dir, SWEEPS_DIR, '20261206-030000-sweep-c-0003');
    sweeps.create(record('20261206-030000-sweep-c-0003', ['c0']), '');
    writeFileSync(path.join(broken, SWEEP_FILE), '{"schemaVersion":1');
    const { sweeps: listed, problems } = sweeps.list();
    assert.deepEqual(listed.map((s) => s.record.id), ['20261206-020000-sweep-b-0002', '20261206-010000-sweep-a-0001']);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.error, /not readable JSON/);
    assert.ok(existsSync(sweeps.runsJsonlOf('20261206-010000-sweep-a-0001')));
    assert.throws(() => sweeps.dirOf('../x'), /Invalid sweep id/);
  });

  void it('checks a sweep.json before readers use it', () => {
    const good = record('s', ['r0']);
    assert.equal(checkSweepRecord(good), undefined);
    assert.match(checkSweepRecord({ ...good, schemaVersion: 99 }) ?? '', /newer/);
    assert.match(checkSweepRecord({ ...good, runs: [{ ...good.runs[0]!, index: 3 }] }) ?? '', /runs\[0\]/);
    assert.match(checkSweepRecord([]) ?? '', /object/);
  });
});
