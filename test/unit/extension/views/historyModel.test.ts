// The history view's data (historyModel.ts): grouped by problem, newest first, status icons,
// durations, progress of live runs, queued runs, context values for the menus.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunStatus } from '../../../../src/protocol/metrics';
import type { RunRecord } from '../../../../src/protocol/runRecord';
import { problemDisplayName } from '../../../../src/common/problemId';
import { buildHistory, formatStamp, STATUS_ICONS, type LiveRunInfo, type StoredRun } from '../../../../src/extension/views/historyModel';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function stored(id: string, problem: string, createdAt: string, status: RunStatus, extra: Partial<RunRecord> = {}): StoredRun {
  return {
    storeDir: '/ws/.bilevel/runs',
    record: {
      schemaVersion: 1,
      id,
      status,
      config: { problem, problemParams: {}, method: id.split('-')[0]!, methodOptions: {}, iterations: 100, seed: 0, backend: 'auto' },
      versions: {},
      pid: 1,
      hostname: 'h',
      createdAt,
      updatedAt: createdAt,
      ...extra,
    },
  };
}

describe('buildHistory', () => {
  const runs = [
    stored('rhg-1', 'toy-quadratic', '2026-11-22T10:00:00Z', 'completed', { durationMs: 1500 }),
    stored('cg-2', 'toy-quadratic', '2026-11-22T11:00:00Z', 'diverged', { durationMs: 65_000, message: 'F is NaN' }),
    stored('fom-3', 'lake.bilevel.ts#default', '2026-11-22T11:30:00Z', 'running'),
    stored('ptt-4', '/abs/lake.bilevel.ts#default', '2026-11-20T09:00:00Z', 'interrupted', { name: 'first try', note: 'lr too high' }),
  ];

  it('groups by problem (file paths by base name), groups and runs newest first', () => {
    const groups = buildHistory(runs, [], NOW);
    assert.deepEqual(
      groups.map((g) => [g.label, g.runs.map((r) => r.key)]),
      [
        ['lake.bilevel.ts#default', ['fom-3', 'ptt-4']],
        ['toy-quadratic', ['cg-2', 'rhg-1']],
      ],
    );
    assert.equal(groups[0]!.description, '2 runs, 1 active');
    assert.equal(groups[0]!.tooltip, '/abs/lake.bilevel.ts#default\nlake.bilevel.ts#default');
  });

  it('labels runs with their name or method, status, duration and time; icons and context values follow the status', () => {
    const groups = buildHistory(runs, [], NOW);
    const byKey = new Map(groups.flatMap((g) => g.runs).map((r) => [r.key, r]));
    const completed = byKey.get('rhg-1')!;
    assert.equal(completed.label, 'rhg');
    assert.match(completed.description, /^1\.5 s · \d\d:\d\d$/);
    assert.equal(completed.icon, STATUS_ICONS.completed);
    assert.equal(completed.contextValue, 'bilevelRun.completed');
    const diverged = byKey.get('cg-2')!;
    assert.match(diverged.description, /^diverged · 1 min 05 s · /);
    assert.match(diverged.tooltip, /diverged: F is NaN/);
    const withSummary = buildHistory([stored('rhg-5', 'toy', '2026-11-22T10:00:00Z', 'completed', { summary: { iterations: 1, last: { iteration: 0, upperLoss: 0.123456789, lowerLoss: 0, hypergradNorm: 0, lowerStationarity: 0, upperDistance: 2.5e-7, forwardMs: 0, backwardMs: 0, gradientEvals: 0, hvpEvals: 0, numTensors: 0, numBytes: 0, stats: {} }, x: {}, y: {}, msPerIteration: 1, peakTensors: 0, peakBytes: 0 } })], [], NOW);
    assert.match(withSummary[0]!.runs[0]!.tooltip, /final F 0\.1235, ‖x − x\*‖ 2\.5e-7$/m);
    const named = byKey.get('ptt-4')!;
    assert.equal(named.label, 'first try');
    assert.match(named.description, /^interrupted · 2026-11-20 \d\d:\d\d · ✎$/);
    assert.match(named.tooltip, /note: lr too high/);
    assert.equal(named.icon.id, 'debug-disconnect');
    const running = byKey.get('fom-3')!;
    assert.equal(running.description, 'running · 30 min 00 s');
    assert.equal(running.icon.id, 'sync~spin');
  });

  it('adds progress of live runs and shows queued runs the store does not have yet', () => {
    const live: LiveRunInfo[] = [
      { runId: 'fom-3', recorded: true, storeDir: '/ws/.bilevel/runs', problem: 'lake.bilevel.ts#default', method: 'fom', status: 'running', done: 42, total: 100, queuedAt: NOW - 5000 },
      { runId: 'q-2', recorded: false, storeDir: '/ws/.bilevel/runs', problem: 'toy-nonconvex', method: 'iaptt-gm', status: 'queued', done: 0, total: 0, queuedAt: NOW - 1000 },
    ];
    const groups = buildHistory(runs, live, NOW);
    assert.equal(groups[0]!.label, 'toy-nonconvex', 'the queued run is the newest');
    const queued = groups[0]!.runs[0]!;
    assert.deepEqual([queued.kind, queued.status, queued.description, queued.contextValue, queued.key, queued.runId], ['queued', 'queued', 'queued', 'bilevelQueued', 'q-2', undefined]);
    const running = groups.flatMap((g) => g.runs).find((r) => r.key === 'fom-3')!;
    assert.match(running.description, /^running 42% · /);
  });

  it('shows a started live run before the store lists it', () => {
    const live: LiveRunInfo[] = [{ runId: 'new-9', recorded: true, storeDir: '/s', problem: 'toy-ufom', method: 'ufom', status: 'running', done: 5, total: 10, queuedAt: NOW - 2000 }];
    const [group] = buildHistory([], live, NOW);
    assert.deepEqual([group!.label, group!.runs[0]!.key, group!.runs[0]!.contextValue, group!.runs[0]!.description], ['toy-ufom', 'new-9', 'bilevelRun.running', 'running 50% · 2.0 s']);
  });

  it('is empty for no runs', () => {
    assert.deepEqual(buildHistory([], [], NOW), []);
  });
});

describe('history labels', () => {
  it('shortens file problems to the base name', () => {
    assert.equal(problemDisplayName('toy-quadratic'), 'toy-quadratic');
    assert.equal(problemDisplayName('/a/b/x.bilevel.ts#lake'), 'x.bilevel.ts#lake');
    assert.equal(problemDisplayName('sub/x.bilevel.ts#default'), 'x.bilevel.ts#default');
    assert.equal(problemDisplayName('odd#name'), 'odd#name');
  });

  // Durations are src/common/format.ts's formatDuration (test/unit/common/format.test.ts).
  it('formats time stamps: the time today, the date before', () => {
    const t = new Date(2026, 10, 22, 9, 5).getTime();
    assert.equal(formatStamp(t, new Date(2026, 10, 22, 18, 0).getTime()), '09:05');
    assert.equal(formatStamp(t, new Date(2026, 10, 23, 1, 0).getTime()), '2026-11-22 09:05');
  });
});
