// The history with an extra store (bilevel.history.extraStores) on real folders: its runs and sweeps
// show beside the workspace's; a run another process writes there shows after its file events, with
// several events in a row making one rebuild that reads only that run; dropping the setting drops
// its runs; a SLURM sweep there cancelled before any task started reads cancelled once `bilevel sweep
// cancel` recorded it, with no file event. The cache's reads are counted through a wrapped reader.
import '../vscodeStub';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CONFIG, type BilevelConfig } from '../../../../src/extension/config';
import type { RunController } from '../../../../src/extension/runs/runController';
import { RunStores } from '../../../../src/extension/runs/runStores';
import { FS_STORE_READER, StoreCache, type StoreReader } from '../../../../src/extension/runs/storeCache';
import { HistoryTreeProvider } from '../../../../src/extension/views/historyTree';
import type { RunConfig } from '../../../../src/protocol/runRecord';
import type { SweepRecord } from '../../../../src/protocol/sweep';
import { RUN_FILE, RunStore } from '../../../../src/store/runStore';
import { SweepStore } from '../../../../src/store/sweepStore';

const RUN: RunConfig = { problem: 'toy-quadratic', problemParams: {}, method: 'rhg', methodOptions: {}, iterations: 2, seed: 0, backend: 'cpu' };

let workspace = '';
let shared = '';
let config: BilevelConfig;
const reads: string[] = [];
let history: HistoryTreeProvider;
let stores: RunStores;

/** Writes a finished run into `storeDir` as another process would. */
function writeRun(storeDir: string, id: string): string {
  const w = new RunStore(storeDir).create(RUN, { versions: {}, id });
  w.finish('completed');
  return path.join(storeDir, id, RUN_FILE);
}

describe('history with an extra store', () => {
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'bilevel-extra-'));
    shared = path.join(workspace, 'cluster', 'runs');
    writeRun(path.join(workspace, '.bilevel', 'runs'), '20261206-010000-rhg-toy-quadratic-0001');
    writeRun(shared, '20261206-020000-rhg-toy-quadratic-0002');
    writeRun(shared, '20261206-020000-rhg-toy-quadratic-0003');
    config = { ...DEFAULT_CONFIG, history: { extraStores: ['cluster/runs'] } };
    const reader: StoreReader = {
      ...FS_STORE_READER,
      readRun: (storeDir, id) => {
        reads.push(id);
        return FS_STORE_READER.readRun(storeDir, id);
      },
    };
    stores = new RunStores(() => [workspace], () => config, os.homedir(), new StoreCache(reader));
    const controller = { liveInfo: () => [], get: () => undefined } as unknown as RunController;
    history = new HistoryTreeProvider(stores, controller, { appendLine: () => undefined } as never);
  });
  after(() => {
    history.dispose();
    rmSync(workspace, { recursive: true, force: true });
  });

  it("lists the extra store's runs beside the workspace's, marked as extra", () => {
    assert.deepEqual(
      stores.dirs().map((d) => [d.storeDir, d.extra === true, d.folder]),
      [
        [path.join(workspace, '.bilevel', 'runs'), false, workspace],
        [shared, true, path.join(workspace, 'cluster')],
      ],
    );
    assert.deepEqual(history.allRuns().map((r) => r.runOrHandle).sort(), ['20261206-010000-rhg-toy-quadratic-0001', '20261206-020000-rhg-toy-quadratic-0002', '20261206-020000-rhg-toy-quadratic-0003']);
  });

  it('shows a run written there after its events, with one rebuild that reads only that run', async () => {
    reads.length = 0;
    let rebuilds = 0;
    const listener = history.onDidChangeTreeData(() => rebuilds++);
    const file = writeRun(shared, '20261206-030000-rhg-toy-quadratic-0004');
    // run.json is written at the start and at the end: events for the file, and its folder.
    for (const changed of [file, file, path.dirname(file)]) {
      stores.changed(changed);
      history.refresh(20);
    }
    assert.ok(!history.allRuns().some((r) => r.runOrHandle.endsWith('0004')), 'not before the debounce');
    await new Promise((resolve) => setTimeout(resolve, 80));
    listener.dispose();
    assert.equal(rebuilds, 1);
    assert.deepEqual(reads, ['20261206-030000-rhg-toy-quadratic-0004']);
    assert.ok(history.allRuns().some((r) => r.runOrHandle === '20261206-030000-rhg-toy-quadratic-0004'));
  });

  it('reads a SLURM sweep cancelled before any task started as cancelled, from the recorded cancel', async () => {
    // Submitted as job 4242, no task started (no run record): the history can only call it queued.
    const sweeps = new SweepStore(shared);
    const id = '20261206-040000-sweep-toy-quadratic-00aa';
    const record: SweepRecord = {
      schemaVersion: 1,
      id,
      createdAt: '2026-12-06T04:00:00.000Z',
      spec: { problem: { kind: 'builtin', id: 'toy-quadratic', params: {} }, methods: ['rhg'], seeds: [0, 1], grid: [] },
      runs: [0, 1].map((i) => ({ index: i, method: 'rhg', seed: i, options: { seed: i }, gridPoint: {}, dropped: [], runId: `20261206-040000-rhg-toy-quadratic-01a${i}` })),
      executions: [{ kind: 'slurm', startedAt: '2026-12-06T04:00:00.000Z', indices: [0, 1], jobId: '4242' }],
    };
    sweeps.create(record, '');
    history.reload();
    assert.equal(history.findSweep(id)?.sweep.description, 'queued · 0 of 2 done ░░░░░░░░░░');
    // `bilevel sweep cancel` (scancel) records the cancel; no file event reaches the history here.
    sweeps.writeCancel(record, new Date('2026-12-06T04:01:00.000Z'));
    history.refresh(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const node = history.findSweep(id)!.sweep;
    assert.equal(node.description, 'cancelled · 2 of 2 done ██████████');
    assert.equal(node.contextValue, 'bilevelSweep.cancelled');
    assert.deepEqual(node.progress.counts, { notStarted: 0, running: 0, completed: 0, diverged: 0, failed: 0, cancelled: 2, interrupted: 0 });
    assert.match(node.tooltip, /cancelled at 2026-12-06T04:01:00\.000Z \(bilevel sweep cancel: scancel of SLURM job 4242\); runs that had not started will not$/);
  });

  it('drops the extra runs when the setting no longer names the store', () => {
    config = { ...config, history: { extraStores: [] } };
    history.reload();
    assert.deepEqual(
      history.allRuns().map((r) => r.runOrHandle),
      ['20261206-010000-rhg-toy-quadratic-0001'],
    );
  });
});
