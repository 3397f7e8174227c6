// The history view's data (historyModel.ts): grouped by problem, newest first, status icons,
// durations, progress of live runs, queued runs, context values for the menus; settings, final metrics
// and the stored check in the tooltip; true statuses (queued, starting, cancelling, record deleted).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunStatus } from '../../../../src/protocol/metrics';
import type { RunRecord } from '../../../../src/protocol/runRecord';
import { problemDisplayName } from '../../../../src/common/problemId';
import { buildHistory, formatStamp, type LiveRunInfo, type StoredRun } from '../../../../src/extension/views/historyModel';
import { STATUS_ICONS } from '../../../../src/extension/views/statusIcons';
import type { CheckView } from '../../../../src/protocol/webview';

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
    assert.match(withSummary[0]!.runs[0]!.tooltip, /^final \(iteration 0\): F 0\.1235, f 0, ‖∇F‖ 0, ‖x − x\*‖ 2\.5e-7$/m);
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

  it('lists every setting of the run and its final metrics and evaluation in the tooltip', () => {
    const summary = {
      iterations: 50,
      last: { iteration: 49, upperLoss: 0.25, lowerLoss: -1.5, hypergradNorm: 1e-9, lowerStationarity: 0, upperDistance: 3e-4, lowerDistance: 0.5, forwardMs: 0, backwardMs: 0, gradientEvals: 0, hvpEvals: 0, numTensors: 0, numBytes: 0, stats: {} },
      x: {},
      y: {},
      msPerIteration: 1,
      peakTensors: 0,
      peakBytes: 0,
      evals: { 'test.accuracy': 91.25, 'test.accuracy.ci95': 0.5 },
    };
    const run = stored('cg-7', 'toy-quadratic', '2026-11-22T10:00:00Z', 'completed', { summary });
    const config = { ...run.record.config, methodOptions: { iterations: 50, K: 20, cgIterations: 8, lr: 0.05, seed: 3 }, problemParams: { n: 4 }, iterations: 50, seed: 3, backend: 'cpu', preset: 'toy-cg' };
    const [group] = buildHistory([{ ...run, record: { ...run.record, config } }], [], NOW);
    const tooltip = group!.runs[0]!.tooltip.split('\n');
    const settings = tooltip.slice(tooltip.indexOf('settings:') + 1).filter((l) => l.startsWith('  '));
    assert.deepEqual(settings, ['  method = cg', '  iterations = 50', '  K = 20', '  cgIterations = 8', '  lr = 0.05', '  seed = 3', '  problem.n = 4', '  backend = cpu', '  preset = toy-cg']);
    assert.ok(tooltip.includes('final (iteration 49): F 0.25, f -1.5, ‖∇F‖ 1e-9, ‖x − x*‖ 3e-4, ‖y − y*‖ 0.5'), tooltip.join('\n'));
    assert.ok(tooltip.includes('final evaluation: test.accuracy 91.25'), 'the confidence half-width is not a metric of its own');
  });

  it('shows a stored check: a mark in the description, a tooltip line, a context value for its menu', () => {
    const pass: CheckView = { verdict: 'pass', maxRelativeError: 1.2e-5, relativeErrorVsRhg: 3e-6, rtol: 1e-3, checkedAt: '2026-11-22T10:01:00Z' };
    const fail: CheckView = { verdict: 'fail', maxRelativeError: 0.4, relativeErrorVsRhg: 0.4 };
    const groups = buildHistory(
      [
        { ...stored('rhg-1', 'toy', '2026-11-22T10:00:00Z', 'completed'), check: pass },
        { ...stored('cg-2', 'toy', '2026-11-22T10:00:01Z', 'completed', { note: 'n' }), check: fail },
        { ...stored('ad-3', 'toy', '2026-11-22T10:00:02Z', 'failed'), check: { ...fail, verdict: 'approximate' } },
        { ...stored('fo-4', 'toy', '2026-11-22T10:00:03Z', 'completed'), checkError: '/s/fo-4/check.json is not valid JSON' },
      ],
      [],
      NOW,
    );
    const byKey = new Map(groups[0]!.runs.map((r) => [r.key, r]));
    assert.match(byKey.get('rhg-1')!.description, / · ✓ check$/);
    assert.equal(byKey.get('rhg-1')!.contextValue, 'bilevelRun.completed.check');
    assert.match(byKey.get('rhg-1')!.tooltip, /^hypergradient check: passed — max relative error 1\.2e-5 vs finite differences, 3e-6 vs RHG, rtol 0\.001, 2026-11-22T10:01:00Z$/m);
    assert.match(byKey.get('cg-2')!.description, / · ✎ · ✗ check$/);
    assert.match(byKey.get('cg-2')!.tooltip, /^hypergradient check: FAILED/m);
    assert.match(byKey.get('ad-3')!.description, /≈ check$/);
    assert.equal(byKey.get('ad-3')!.contextValue, 'bilevelRun.failed.check');
    assert.equal(byKey.get('fo-4')!.contextValue, 'bilevelRun.completed', 'an unreadable check has no menu');
    assert.match(byKey.get('fo-4')!.tooltip, /^hypergradient check unreadable: .*not valid JSON$/m);
  });

  it('tells queued, starting, cancelling and deleted runs apart, and never times a queued run', () => {
    const base = { storeDir: '/s', problem: 'toy', method: 'rhg', done: 0, total: 10 } as const;
    const live: LiveRunInfo[] = [
      { ...base, runId: 'q-1', recorded: false, status: 'queued', queuedAt: NOW - 60_000 },
      { ...base, runId: 's-2', recorded: false, status: 'running', queuedAt: NOW - 50_000, startedAt: NOW - 1000 },
      { ...base, runId: 'c-3', recorded: false, status: 'queued', queuedAt: NOW - 40_000, cancelling: true },
      { ...base, runId: 'd-4', recorded: true, status: 'running', done: 3, queuedAt: NOW - 30_000, startedAt: NOW - 20_000, recordMissing: true },
      { ...base, runId: 'r-5', recorded: true, status: 'running', done: 5, queuedAt: NOW - 30_000, startedAt: NOW - 4000 },
    ];
    const rows = new Map(buildHistory([], live, NOW)[0]!.runs.map((r) => [r.key, r]));
    assert.deepEqual([rows.get('q-1')!.description, rows.get('q-1')!.status, rows.get('q-1')!.icon.id], ['queued', 'queued', 'clock']);
    assert.equal(rows.get('s-2')!.description, 'starting');
    assert.equal(rows.get('c-3')!.description, 'cancelling…');
    assert.equal(rows.get('d-4')!.description, 'running 30% · run folder deleted');
    assert.equal(rows.get('d-4')!.icon.id, 'warning');
    assert.match(rows.get('d-4')!.tooltip, /run folder or run\.json was deleted/);
    assert.equal(rows.get('r-5')!.description, 'running 50% · 4.0 s', 'elapsed from the start, not from the queue');
  });

  it('reads cancelling on a stored running run the moment the cancel is asked for', () => {
    const run = stored('rhg-1', 'toy', '2026-11-22T11:59:00Z', 'running');
    const live: LiveRunInfo = { runId: 'rhg-1', recorded: true, storeDir: '/s', problem: 'toy', method: 'rhg', status: 'running', done: 1, total: 10, queuedAt: NOW - 60_000, cancelling: true };
    const row = buildHistory([run], [live], NOW)[0]!.runs[0]!;
    assert.equal(row.description, 'cancelling…');
    assert.match(row.tooltip, /^rhg — cancelling$/m);
  });

  it('marks a group with unfinished runs of this window for Cancel all, with exactly those runs', () => {
    const runs = [stored('rhg-1', 'toy', '2026-11-22T11:00:00Z', 'running'), stored('cg-2', 'toy', '2026-11-22T11:01:00Z', 'completed'), stored('cli-3', 'other', '2026-11-22T11:02:00Z', 'running')];
    const live: LiveRunInfo[] = [
      { runId: 'rhg-1', recorded: true, storeDir: '/s', problem: 'toy', method: 'rhg', status: 'running', done: 1, total: 10, queuedAt: NOW },
      { runId: 'q-4', recorded: false, storeDir: '/s', problem: 'toy', method: 'fom', status: 'queued', done: 0, total: 0, queuedAt: NOW },
    ];
    const groups = new Map(buildHistory(runs, live, NOW).map((g) => [g.label, g]));
    assert.deepEqual([groups.get('toy')!.contextValue, [...groups.get('toy')!.activeRunIds].sort()], ['bilevelGroup.active', ['q-4', 'rhg-1']]);
    // A run of the CLI (another process) is running but not this window's to cancel.
    assert.deepEqual([groups.get('other')!.contextValue, groups.get('other')!.activeRunIds], ['bilevelGroup', []]);
  });

  it('lists run folders the store could not read last, saying what is wrong, but not those of live runs', () => {
    const unreadable = [
      { id: '20261120-090000-rhg-toy-aaaa', dir: '/s/20261120-090000-rhg-toy-aaaa', storeDir: '/s', error: 'no run.json in /s/20261120-090000-rhg-toy-aaaa' },
      { id: '20261121-090000-cg-toy-bbbb', dir: '/s/20261121-090000-cg-toy-bbbb', storeDir: '/s', error: '/s/x/run.json is not valid JSON: Unexpected end' },
      { id: 'live-1', dir: '/s/live-1', storeDir: '/s', error: 'no run.json in /s/live-1' },
    ];
    const live: LiveRunInfo[] = [{ runId: 'live-1', recorded: false, storeDir: '/s', problem: 'toy', method: 'rhg', status: 'running', done: 0, total: 0, queuedAt: NOW }];
    const groups = buildHistory(runs, live, NOW, unreadable);
    const last = groups.at(-1)!;
    assert.deepEqual([last.label, last.description, last.contextValue], ['unreadable run folders', '2 folders', 'bilevelGroup']);
    assert.deepEqual(
      last.runs.map((r) => [r.key, r.kind, r.description, r.contextValue, r.runId]),
      [
        ['20261121-090000-cg-toy-bbbb', 'unreadable', 'run.json unreadable', 'bilevelUnreadable', undefined],
        ['20261120-090000-rhg-toy-aaaa', 'unreadable', 'run.json missing', 'bilevelUnreadable', undefined],
      ],
    );
    assert.match(last.runs[0]!.tooltip, /not valid JSON/);
    assert.ok(!buildHistory(runs, live, NOW, [unreadable[2]!]).some((g) => g.label === 'unreadable run folders'), 'a live run\u2019s folder is being written');
  });

  it('is empty for no runs', () => {
    assert.deepEqual(buildHistory([], [], NOW), []);
  });

  it("names the backend that ran in the description, and its adapter, detail and auto's skipped backends in the tooltip", () => {
    const webgpu = {
      name: 'webgpu',
      detail: 'Dawn (webgpu 0.6.2) on NVIDIA H100 (vendor nvidia, arch hopper); tfjs-backend-webgpu 4.22.0',
      skipped: [{ name: 'tensorflow', reason: 'needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, and neither is installed (npm install @tensorflow/tfjs-node)' }],
    };
    const runs = [
      stored('rhg-1', 'toy', '2026-11-22T11:00:00Z', 'completed', { durationMs: 1500, backend: webgpu }),
      stored('cg-2', 'toy', '2026-11-22T11:01:00Z', 'completed', { durationMs: 1500 }),
    ];
    const rows = new Map(buildHistory(runs, [], NOW)[0]!.runs.map((r) => [r.key, r]));
    const ran = rows.get('rhg-1')!;
    assert.equal(ran.description, `1.5 s · ${formatStamp(Date.parse('2026-11-22T11:00:00Z'), NOW)} · webgpu`);
    const lines = ran.tooltip.split('\n');
    const at = lines.indexOf('backend webgpu · NVIDIA H100 (asked for auto)');
    assert.ok(at > 0, ran.tooltip);
    assert.deepEqual(lines.slice(at + 1, at + 3), [`  ${webgpu.detail}`, `  auto skipped tensorflow: ${webgpu.skipped[0]!.reason}`]);
    // A record from before backends were recorded says what was asked for.
    assert.match(rows.get('cg-2')!.tooltip, /^backend auto \(requested\)$/m);
    assert.doesNotMatch(rows.get('cg-2')!.description, /auto/);
  });

  it("shows a starting run's backend in its tooltip once its worker is ready", () => {
    const live: LiveRunInfo = { runId: 's-1', recorded: false, storeDir: '/s', problem: 'toy', method: 'rhg', status: 'running', done: 0, total: 10, queuedAt: NOW - 5000, backend: { name: 'cpu', detail: 'tfjs-backend-cpu 4.22.0 (plain JavaScript kernels)', skipped: [] } };
    const row = buildHistory([], [live], NOW)[0]!.runs[0]!;
    assert.equal(row.description, 'starting');
    assert.equal(row.tooltip, 'rhg on toy — its worker is loading the problem\nbackend cpu\n  tfjs-backend-cpu 4.22.0 (plain JavaScript kernels)');
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
