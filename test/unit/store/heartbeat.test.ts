// The heartbeat rule of the run store with a fake clock: a `running` record from another host reads
// `interrupted` once its run.json went more than STALE_BEATS beats without a write, and `running`
// before; finished records, records whose writer never beat, and a live writer on this host are not
// judged by it. The sweep's derived status reads its runs through the same rule.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunConfig, RunRecord } from '../../../src/protocol/runRecord';
import { STALE_BEATS } from '../../../src/protocol/runRecord';
import type { SweepRecord } from '../../../src/protocol/sweep';
import { isHeartbeatStale, staleAfterMs, staleAt } from '../../../src/store/heartbeat';
import { META_FILE, RUN_FILE, RunStore } from '../../../src/store/runStore';
import { SweepStore } from '../../../src/store/sweepStore';

const CONFIG: RunConfig = { problem: 'toy-quadratic', problemParams: { n: 4 }, method: 'rhg', methodOptions: {}, iterations: 5, seed: 0, backend: 'cpu' };
const T0 = Date.parse('2026-12-06T06:00:00.000Z');
const BEAT = 30_000;

let root = '';
let n = 0;
// The fake clock every store here reads.
let now = T0;
const clock = { now: () => now };

/** run.json of run `id` in `store`, rewritten with `patch` (another host's writer, an old record). */
function rewrite(store: RunStore, id: string, patch: Partial<RunRecord>): void {
  const file = path.join(store.dirOf(id), RUN_FILE);
  const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  writeFileSync(file, JSON.stringify({ ...record, ...patch }, null, 2));
}

/** A fresh store with one run created at T0 by a writer that beats every `heartbeatMs` (null: never), moved to `hostname`. */
function runOn(hostname: string, heartbeatMs: number | null = BEAT): { store: RunStore; id: string } {
  now = T0;
  const store = new RunStore(path.join(root, `store${n++}`), clock);
  const id = `run-${n}`;
  store.create(CONFIG, { id, versions: {}, ...(heartbeatMs !== null && { heartbeatMs }) });
  rewrite(store, id, { hostname });
  return { store, id };
}

describe('heartbeat rule', () => {
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'bilevel-heartbeat-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('is stale after STALE_BEATS intervals without a beat, and never for a writer that does not beat', () => {
    assert.equal(STALE_BEATS, 3);
    assert.equal(staleAfterMs({ heartbeatMs: BEAT }), 90_000);
    assert.equal(staleAfterMs({}), undefined);
    const at = new Date(T0).toISOString();
    assert.equal(isHeartbeatStale({ heartbeatMs: BEAT, updatedAt: at }, T0 + 90_000), false);
    assert.equal(isHeartbeatStale({ heartbeatMs: BEAT, updatedAt: at }, T0 + 90_001), true);
    assert.equal(isHeartbeatStale({ updatedAt: at }, T0 + 1e9), false);
    assert.equal(staleAt({ heartbeatMs: BEAT, updatedAt: at }), T0 + 90_000);
    assert.equal(staleAt({ heartbeatMs: 500, updatedAt: '2026-12-06T06:00:10.000Z' }), T0 + 10_000 + 1_500);
    assert.equal(staleAt({ updatedAt: at }), undefined);
  });

  it('reads a running record from another host as running while its heartbeat is fresh, interrupted once stale', () => {
    const { store, id } = runOn('another-host.cluster');
    now = T0 + 90_000;
    assert.equal(store.read(id).status, 'running');
    now = T0 + 90_001;
    const stale = store.read(id);
    assert.equal(stale.status, 'interrupted');
    assert.match(stale.message!, /no heartbeat from process \d+ on another-host\.cluster since 2026-12-06T06:00:00\.000Z \(more than 1 min 30 s\)/);
    assert.deepEqual(store.list().map((r) => r.status), ['interrupted']);
    // Nothing is written on read: the file still says running.
    assert.equal((JSON.parse(readFileSync(path.join(store.dirOf(id), RUN_FILE), 'utf8')) as RunRecord).status, 'running');
  });

  it('counts from the last beat: a beat on the writer’s side makes a stale record running again', () => {
    now = T0;
    const store = new RunStore(path.join(root, `store${n++}`), clock);
    const writer = store.create(CONFIG, { id: 'beating', versions: {}, heartbeatMs: BEAT });
    now = T0 + 60_000;
    writer.beat();
    const onDisk = JSON.parse(readFileSync(path.join(writer.dir, RUN_FILE), 'utf8')) as RunRecord;
    assert.equal(onDisk.updatedAt, new Date(T0 + 60_000).toISOString());
    assert.equal(onDisk.createdAt, new Date(T0).toISOString());
    assert.equal(onDisk.status, 'running');
    assert.equal(onDisk.heartbeatMs, BEAT);
    // The beat kept the record: only updatedAt differs from what create wrote.
    assert.deepEqual({ ...onDisk, updatedAt: undefined }, { ...writer.current, updatedAt: undefined });
    rewrite(store, 'beating', { hostname: 'another-host' });
    now = T0 + 60_000 + 90_001;
    assert.equal(store.read('beating').status, 'interrupted');
    now = T0 + 60_000 + 90_000;
    assert.equal(store.read('beating').status, 'running');
  });

  it('leaves finished records as they are, however old', () => {
    const { store, id } = runOn('another-host');
    rewrite(store, id, { status: 'completed', endedAt: new Date(T0).toISOString() });
    now = T0 + 1e9;
    assert.equal(store.read(id).status, 'completed');
    // A finished writer no longer beats.
    now = T0;
    const writer = new RunStore(path.join(root, `store${n++}`), clock).create(CONFIG, { id: 'done', versions: {}, heartbeatMs: BEAT });
    writer.finish('cancelled', undefined, 'stopped');
    now = T0 + 5_000;
    writer.beat();
    const onDisk = JSON.parse(readFileSync(path.join(writer.dir, RUN_FILE), 'utf8')) as RunRecord;
    assert.equal(onDisk.status, 'cancelled');
    assert.equal(onDisk.updatedAt, new Date(T0).toISOString());
  });

  it('keeps a record whose writer never beat (older writers) running from another host', () => {
    const { store, id } = runOn('another-host', null);
    now = T0 + 1e9;
    assert.equal(store.read(id).status, 'running');
  });

  it('on this host, the writer’s pid decides first: alive stays running when stale, gone is interrupted when fresh', () => {
    // This test process is the writer: alive, whatever the heartbeat says.
    const { store, id } = runOn(os.hostname());
    now = T0 + 1e9;
    assert.equal(store.read(id).status, 'running');
    // A writer that exited: interrupted at once, with the pid rule's message.
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const dead = runOn(os.hostname());
    rewrite(dead.store, dead.id, { pid: Number(exited.stdout), writer: { startedAt: new Date(T0).toISOString() } });
    now = T0 + 1_000;
    const read = dead.store.read(dead.id);
    assert.equal(read.status, 'interrupted');
    assert.match(read.message!, /stopped without finishing the run/);
  });

  it('judges the heartbeat by run.json alone: a later edit in meta.json does not make a stale run look alive', () => {
    const { store, id } = runOn('another-host');
    now = T0 + 200_000;
    store.update(id, { name: 'renamed' });
    const meta = JSON.parse(readFileSync(path.join(store.dirOf(id), META_FILE), 'utf8')) as { updatedAt: string };
    assert.equal(meta.updatedAt, new Date(T0 + 200_000).toISOString());
    const read = store.read(id);
    assert.equal(read.status, 'interrupted');
    assert.equal(read.name, 'renamed');
    // Readers still show the edit's time as the record's last change.
    assert.equal(read.updatedAt, meta.updatedAt);
  });

  it('derives a sweep’s status from its runs through the same rule (a stale run on another node is interrupted)', () => {
    const dir = path.join(root, `sweep${n++}`);
    // SweepStore reads its runs with the system clock: the stale run's last beat is long past, the fresh one's is now.
    const runs = new RunStore(dir);
    runs.create(CONFIG, { id: 'stale', versions: {}, heartbeatMs: BEAT });
    runs.create(CONFIG, { id: 'fresh', versions: {}, heartbeatMs: BEAT });
    rewrite(runs, 'stale', { hostname: 'node-7', updatedAt: '2026-01-01T00:00:00.000Z' });
    rewrite(runs, 'fresh', { hostname: 'node-8', updatedAt: new Date().toISOString() });
    const record: SweepRecord = {
      schemaVersion: 1,
      id: '20261206-060000-sweep-toy-quadratic-beef',
      createdAt: '2026-12-06T06:00:00.000Z',
      spec: { problem: { kind: 'builtin', id: 'toy-quadratic', params: {} }, methods: ['rhg'], seeds: [0, 1], grid: [] },
      runs: ['stale', 'fresh'].map((runId, index) => ({ index, method: 'rhg', seed: index, options: { seed: index }, gridPoint: {}, dropped: [], runId })),
    };
    const sweeps = new SweepStore(dir);
    sweeps.create(record, '');
    assert.deepEqual(sweeps.states(record), ['interrupted', 'running']);
    assert.equal(sweeps.entry(record).progress.counts.interrupted, 1);
    assert.equal(sweeps.entry(record).progress.status, 'running');
  });
});
