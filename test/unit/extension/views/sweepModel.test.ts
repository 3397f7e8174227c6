// A sweep in the history: one node with "n of N done", a text progress bar and its status, its runs
// as children (never loose rows of the problem), this window's live statuses over the store's, and
// which runs Cancel can reach (none of a sweep another process runs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunStatus } from '../../../../src/protocol/metrics';
import type { RunRecord } from '../../../../src/protocol/runRecord';
import type { SweepRecord, SweepRunState } from '../../../../src/protocol/sweep';
import { sweepStatus } from '../../../../src/sweep/sweepStatus';
import { buildHistory, type LiveRunInfo, type StoredRun } from '../../../../src/extension/views/historyModel';
import { progressBar, sweepItem, sweepLabel, sweepProgressOf, type SweepInfo } from '../../../../src/extension/views/sweepModel';

const SWEEP_ID = '20261206-030000-sweep-toy-ufom-ab12';
const NOW = Date.parse('2026-12-06T04:00:00Z');

/** A sweep of fom and ufom over seeds 0–1 (4 runs), run ids R0…R3. */
function record(extra: Partial<SweepRecord> = {}): SweepRecord {
  const runs = [0, 1, 2, 3].map((i) => ({
    index: i,
    method: i < 2 ? 'fom' : 'ufom',
    seed: i % 2,
    options: { seed: i % 2 },
    gridPoint: {},
    dropped: [],
    runId: `R${i}`,
  }));
  return { schemaVersion: 1, id: SWEEP_ID, createdAt: '2026-12-06T03:00:00.000Z', spec: { problem: { kind: 'builtin', id: 'toy-ufom', params: {} }, methods: ['fom', 'ufom'], seeds: [0, 1], grid: [] }, runs, ...extra };
}

function info(states: SweepRunState[], owned: boolean, active = false, rec: SweepRecord = record()): SweepInfo {
  return { record: rec, storeDir: '/ws/.bilevel/runs', states, progress: sweepStatus(states, active), ownedByWindow: owned };
}

function stored(id: string, status: RunStatus, createdAt: string, sweep?: { id: string; index: number }): StoredRun {
  return {
    storeDir: '/ws/.bilevel/runs',
    record: {
      schemaVersion: 1,
      id,
      status,
      createdAt,
      config: { problem: 'toy-ufom', problemParams: {}, method: 'fom', methodOptions: {}, iterations: 2, seed: 0, backend: 'cpu', ...(sweep ? { sweep } : {}) },
    } as unknown as RunRecord,
  };
}

const none = (): RunStatus | undefined => undefined;

describe('sweep node model', () => {
  it('draws the finished share in ten cells, rounded down, full only at the end', () => {
    assert.equal(progressBar(0, 4), '░░░░░░░░░░');
    assert.equal(progressBar(1, 4), '██░░░░░░░░');
    assert.equal(progressBar(3, 4), '███████░░░');
    assert.equal(progressBar(4, 4), '██████████');
    assert.equal(progressBar(0, 0), '░░░░░░░░░░');
    assert.equal(progressBar(1, 3, 3), '█░░');
  });

  it('is labelled by its name, else by its methods, seeds and grid', () => {
    assert.equal(sweepLabel(record({ name: 'lake K' })), 'lake K');
    assert.equal(sweepLabel(record()), 'Sweep fom, ufom × seeds 0,1');
    const grid = record({ spec: { ...record().spec, seeds: [0, 1, 2, 3], grid: [{ flag: 'q', values: [0.1, 0.5] }] } });
    assert.equal(sweepLabel(grid), 'Sweep fom, ufom × seeds 0-3 · q=0.1,0.5');
  });

  it('counts n of N done and shows the bar in its description, with a status icon and context value', () => {
    const item = sweepItem(info(['completed', 'diverged', 'running', undefined], false, true), [], none);
    assert.equal(item.progress.finished, 2);
    assert.equal(item.progress.total, 4);
    assert.equal(item.description, 'running · 2 of 4 done █████░░░░░');
    assert.equal(item.contextValue, 'bilevelSweep.running');
    assert.equal(item.icon.id, 'sync~spin');
    assert.match(item.tooltip, /^Sweep fom, ufom × seeds 0,1 — running\nsweep 20261206-030000-sweep-toy-ufom-ab12\nproblem toy-ufom\nmethods fom, ufom\nseeds 0,1\n2 of 4 done █████░░░░░ 50% \(not started 1, running 1, completed 1, diverged 1\)/);
    assert.deepEqual(item.runIds, ['R0', 'R1', 'R2', 'R3']);
  });

  it("takes this window's live statuses over the store's for a sweep it runs; its queued runs keep it running", () => {
    const live = new Map<string, RunStatus>([
      ['R1', 'running'],
      ['R2', 'queued'],
      ['R3', 'cancelled'],
    ]);
    const progress = sweepProgressOf(info(['completed', 'running', undefined, undefined], true), (id) => live.get(id));
    assert.equal(progress.status, 'running');
    assert.deepEqual(progress.counts, { notStarted: 1, running: 1, completed: 1, diverged: 0, failed: 0, cancelled: 1, interrupted: 0 });
    assert.equal(progress.finished, 2);
    const item = sweepItem(info(['completed', 'running', undefined, undefined], true), [], (id) => live.get(id));
    assert.deepEqual(item.activeRunIds, ['R1', 'R2']);
  });

  it('ends cancelled once this window cancelled its runs, even those that never started (no record)', () => {
    const live = new Map<string, RunStatus>([
      ['R1', 'cancelled'],
      ['R2', 'cancelled'],
      ['R3', 'cancelled'],
    ]);
    const item = sweepItem(info(['completed', undefined, undefined, undefined], true), [], (id) => live.get(id));
    assert.equal(item.progress.status, 'cancelled');
    assert.equal(item.description, 'cancelled · 4 of 4 done ██████████');
    assert.equal(item.contextValue, 'bilevelSweep.cancelled');
    assert.deepEqual(item.activeRunIds, []);
  });

  it("keeps the store's progress for a sweep of another process, and no run of it is this window's to cancel", () => {
    const rec = record({ executions: [{ kind: 'local', startedAt: '2026-12-06T03:00:00Z', indices: [0, 1, 2, 3], pid: 4242, hostname: 'node7' }] });
    const item = sweepItem(info(['running', undefined, undefined, undefined], false, true, rec), [], () => 'running');
    assert.equal(item.progress.status, 'running');
    assert.deepEqual(item.activeRunIds, []);
    assert.match(item.tooltip, /run by another process \(pid 4242 on node7\): stop it there$/);
  });
});

describe('history with sweeps', () => {
  const sweep = info(['completed', 'running', undefined, undefined], true);
  const runs: StoredRun[] = [
    stored('R0', 'completed', '2026-12-06T03:00:01.000Z', { id: SWEEP_ID, index: 0 }),
    // Listed in sweep.json but not tagged (an older writer): still the sweep's.
    stored('R1', 'running', '2026-12-06T03:00:02.000Z'),
    stored('LOOSE', 'completed', '2026-12-06T02:00:00.000Z'),
  ];
  const live: LiveRunInfo[] = [
    { runId: 'R1', recorded: true, storeDir: '/ws/.bilevel/runs', problem: 'toy-ufom', method: 'fom', status: 'running', done: 1, total: 2, queuedAt: NOW - 1000 },
    { runId: 'R2', recorded: false, storeDir: '/ws/.bilevel/runs', problem: 'toy-ufom', method: 'ufom', status: 'queued', done: 0, total: 0, queuedAt: NOW - 900, sweep: { id: SWEEP_ID, index: 2 } },
    { runId: 'R3', recorded: false, storeDir: '/ws/.bilevel/runs', problem: 'toy-ufom', method: 'ufom', status: 'queued', done: 0, total: 0, queuedAt: NOW - 800, sweep: { id: SWEEP_ID, index: 3 } },
  ];

  it("lists a sweep as one node of its problem, its runs as the node's children in index order, not as loose rows", () => {
    const [group, ...others] = buildHistory(runs, live, NOW, [], [sweep]);
    assert.equal(others.length, 0);
    assert.equal(group!.problem, 'toy-ufom');
    assert.deepEqual(
      group!.runs.map((r) => r.key),
      ['LOOSE'],
    );
    assert.equal(group!.sweeps.length, 1);
    const node = group!.sweeps[0]!;
    assert.deepEqual(
      node.runs.map((r) => r.key),
      ['R0', 'R1', 'R2', 'R3'],
    );
    assert.equal(node.description, 'running · 1 of 4 done ██░░░░░░░░');
    assert.equal(group!.description, '1 run, 1 sweep, 3 active');
    // Cancel all on the problem reaches the sweep's runs of this window too.
    assert.deepEqual(group!.activeRunIds, ['R1', 'R2', 'R3']);
    assert.equal(group!.contextValue, 'bilevelGroup.active');
  });

  it('orders problems by their newest run or sweep', () => {
    const other = stored('Q', 'completed', '2026-12-06T02:30:00.000Z');
    const q = { ...other, record: { ...other.record, config: { ...other.record.config, problem: 'toy-quadratic' } } } as StoredRun;
    const groups = buildHistory([...runs, q], live, NOW, [], [sweep]);
    assert.deepEqual(
      groups.map((g) => g.problem),
      ['toy-ufom', 'toy-quadratic'],
    );
    const onlySweep = buildHistory([q], [], NOW, [], [info([undefined, undefined, undefined, undefined], false)]);
    assert.deepEqual(
      onlySweep.map((g) => [g.problem, g.description]),
      [
        ['toy-ufom', '1 sweep'],
        ['toy-quadratic', '1 run'],
      ],
    );
  });

  it('without sweeps, lists runs as before', () => {
    const [group] = buildHistory(runs, [], NOW);
    assert.deepEqual(
      group!.runs.map((r) => r.key),
      ['R1', 'R0', 'LOOSE'],
    );
    assert.deepEqual(group!.sweeps, []);
    assert.equal(group!.description, '3 runs, 1 active');
  });
});
