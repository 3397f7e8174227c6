// The experiments table's rows (experimentRows.ts) from run.json files written by the real store,
// with a check.json beside one of them; the CSV of its rows (experimentsCsv.ts) and the checks on
// the table's messages (parseExperimentsMessage.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { experimentRows, overlappingStoredRuns, readCheckVerdicts, RUN_COLUMNS } from '../../../../src/extension/views/experimentRows';
import { experimentsCsv } from '../../../../src/extension/views/experimentsCsv';
import type { LiveRunInfo, StoredRun } from '../../../../src/extension/views/historyModel';
import { parseExperimentsMessage } from '../../../../src/extension/views/parseExperimentsMessage';
import type { ExperimentColumn } from '../../../../src/protocol/experimentsTable';
import type { IterationRecord, RunSummary } from '../../../../src/protocol/metrics';
import type { RunConfig } from '../../../../src/protocol/runRecord';
import { writeCheck } from '../../../../src/store/checkStore';
import { RunStore } from '../../../../src/store/runStore';

function last(upperLoss: number, extra: Partial<IterationRecord> = {}): IterationRecord {
  return { iteration: 9, upperLoss, lowerLoss: 0.5, hypergradNorm: 1e-3, lowerStationarity: 2e-6, forwardMs: 1, backwardMs: 1, gradientEvals: 10, hvpEvals: 5, numTensors: 3, numBytes: 72, stats: {}, ...extra };
}

function summary(upperLoss: number, extra: Partial<RunSummary> = {}, lastExtra: Partial<IterationRecord> = {}): RunSummary {
  return { iterations: 10, last: last(upperLoss, lastExtra), x: {}, y: {}, msPerIteration: 12.5, peakTensors: 9, peakBytes: 2048, ...extra };
}

function config(method: string, methodOptions: RunConfig['methodOptions'], extra: Partial<RunConfig> = {}): RunConfig {
  return { problem: '/ws/lake.bilevel.ts#default', problemParams: { n: 4 }, method, methodOptions, iterations: 10, seed: 0, backend: 'cpu', ...extra };
}

describe('experimentRows', () => {
  let tmp: string;
  let stored: StoredRun[];

  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-experiments-'));
    const store = new RunStore(tmp);
    const rhg = store.create(config('rhg', { iterations: 10, K: 20, lr: 0.1, seed: 0 }, { preset: 'franceschi-2018' }), { id: 'rhg-1', versions: {}, name: 'baseline', note: 'lr 0.1, "quoted", two\nlines' });
    rhg.finish('completed', summary(0.25, { evals: { accuracy: 0.9, 'accuracy.ci95': 0.01 } }, { upperDistance: 1e-4 }));
    const cg = store.create(config('cg', { iterations: 10, K: 40, lr: 0.1, seed: 0, cgIterations: 5 }), { id: 'cg-2', versions: {} });
    cg.finish('diverged', summary(NaN), 'F is NaN');
    store.create(config('fom', { iterations: 10, K: 20, lr: 0.1, seed: 0 }), { id: 'fom-3', versions: {} });
    writeCheck(tmp, {
      schemaVersion: 1,
      id: 'rhg-1',
      runId: 'rhg-1',
      createdAt: '2026-12-06T00:00:00.000Z',
      problem: 'lake.bilevel.ts#default',
      method: 'rhg',
      options: {},
      exact: true,
      check: { verdict: 'pass', maxRelativeError: 1e-6, relativeErrorVsRhg: 0 },
    });
    stored = store.scan().runs.map((record) => ({ record, storeDir: tmp }));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('makes one row per stored run with its status, name, method, problem, times, note and tags', () => {
    const { rows } = experimentRows({ stored, live: [] });
    assert.deepEqual(rows.map((r) => r.runId).sort(), ['cg-2', 'fom-3', 'rhg-1']);
    const rhg = rows.find((r) => r.runId === 'rhg-1')!.cells;
    assert.equal(rhg.status, 'completed');
    assert.equal(rhg.name, 'baseline');
    assert.equal(rhg.method, 'rhg');
    assert.equal(rhg.problem, 'lake.bilevel.ts#default');
    assert.equal(typeof rhg.created, 'number');
    assert.equal(typeof rhg.duration, 'number');
    assert.ok((rhg.duration as number) >= 0);
    assert.equal(rhg.note, 'lr 0.1, "quoted", two\nlines');
    assert.deepEqual(rhg.tags, ['franceschi-2018', 'baseline']);
    const cg = rows.find((r) => r.runId === 'cg-2')!.cells;
    assert.equal(cg.status, 'diverged');
    assert.equal(cg.name, 'cg', 'an unnamed run is called by its method');
    assert.equal(cg.tags, undefined);
    const fom = rows.find((r) => r.runId === 'fom-3')!.cells;
    assert.equal(fom.duration, undefined, 'a running run has no duration yet');
  });

  it('has a column for every resolved setting (union over the runs, method left to its run column) and the values of each run', () => {
    const { columns, rows } = experimentRows({ stored, live: [] });
    const settings = columns.filter((c) => c.group === 'setting').map((c) => c.key);
    for (const key of ['iterations', 'K', 'lr', 'seed', 'cgIterations', 'problem.n', 'backend', 'preset']) assert.ok(settings.includes(key), key);
    assert.ok(!settings.includes('method'));
    assert.equal(columns.filter((c) => c.key === 'method').length, 1);
    assert.equal(rows.find((r) => r.runId === 'cg-2')!.cells.K, 40);
    assert.equal(rows.find((r) => r.runId === 'rhg-1')!.cells.cgIterations, undefined, 'a setting a run lacks is missing, not 0');
    assert.equal(columns.find((c) => c.key === 'K')!.kind, 'number', 'numeric settings sort and compare as numbers');
    assert.equal(columns.find((c) => c.key === 'backend')!.kind, 'text');
  });

  it('has the final metrics, costs and held-out evaluations that some run has (no ci95 columns)', () => {
    const { columns, rows } = experimentRows({ stored, live: [] });
    const metrics = columns.filter((c) => c.group === 'metric').map((c) => c.key);
    assert.deepEqual(metrics, ['upperLoss', 'lowerLoss', 'hypergradNorm', 'upperDistance', 'lowerStationarity', 'msPerIteration', 'peakBytes', 'evals.accuracy']);
    const rhg = rows.find((r) => r.runId === 'rhg-1')!.cells;
    assert.equal(rhg.upperLoss, 0.25);
    assert.equal(rhg.upperDistance, 1e-4);
    assert.equal(rhg.msPerIteration, 12.5);
    assert.equal(rhg.peakBytes, 2048);
    assert.equal(rhg['evals.accuracy'], 0.9);
    assert.ok(Number.isNaN(rows.find((r) => r.runId === 'cg-2')!.cells.upperLoss), 'a diverged run keeps its NaN');
    assert.equal(rows.find((r) => r.runId === 'fom-3')!.cells.upperLoss, undefined);
    assert.equal(columns.find((c) => c.key === 'msPerIteration')!.kind, 'duration');
    assert.equal(columns.find((c) => c.key === 'peakBytes')!.kind, 'bytes');
  });

  it('reads the check verdicts kept with the runs, and says which check.json it cannot read', () => {
    mkdirSync(path.join(tmp, 'cg-2'), { recursive: true });
    writeFileSync(path.join(tmp, 'cg-2', 'check.json'), '{ torn');
    const bad: string[] = [];
    const checks = readCheckVerdicts(stored, (runId) => bad.push(runId));
    rmSync(path.join(tmp, 'cg-2', 'check.json'));
    assert.deepEqual([...checks], [['rhg-1', 'pass']]);
    assert.deepEqual(bad, ['cg-2']);
    const { rows } = experimentRows({ stored, live: [], checks, concurrent: new Set(['cg-2']) });
    assert.equal(rows.find((r) => r.runId === 'rhg-1')!.cells.check, 'pass');
    assert.equal(rows.find((r) => r.runId === 'cg-2')!.cells.check, undefined);
    assert.equal(rows.find((r) => r.runId === 'cg-2')!.cells.concurrent, true);
    assert.equal(rows.find((r) => r.runId === 'rhg-1')!.cells.concurrent, undefined);
  });

  it('adds this window\u2019s queued runs the store does not list, and no second row for one it does', () => {
    const live: LiveRunInfo[] = [
      { runId: 'q-9', recorded: false, storeDir: tmp, problem: 'toy-quadratic', method: 'rhg', status: 'queued', done: 0, total: 10, queuedAt: 1_700_000_000_000 },
      { runId: 'fom-3', recorded: true, storeDir: tmp, problem: '/ws/lake.bilevel.ts#default', method: 'fom', status: 'running', done: 3, total: 10, queuedAt: 1 },
    ];
    const { rows } = experimentRows({ stored, live });
    assert.equal(rows.length, 4);
    const queued = rows.find((r) => r.runId === 'q-9')!.cells;
    assert.deepEqual(queued, { status: 'queued', name: 'rhg', method: 'rhg', problem: 'toy-quadratic', created: 1_700_000_000_000 });
    assert.equal(rows.filter((r) => r.runId === 'fom-3').length, 1);
  });

  it('keeps a setting that shares a column\u2019s key apart, as option.<key>', () => {
    const record = { ...stored[0]!.record, id: 'x-1', config: config('rhg', { note: 'opt', upperLoss: 3 }) };
    const { columns, rows } = experimentRows({ stored: [{ record, storeDir: tmp }], live: [] });
    assert.ok(columns.some((c) => c.key === 'option.note'));
    assert.equal(rows[0]!.cells['option.upperLoss'], 3);
    assert.equal(new Set(columns.map((c) => c.key)).size, columns.length, 'column keys are unique');
    assert.deepEqual(
      columns.slice(0, RUN_COLUMNS.length).map((c) => c.key),
      RUN_COLUMNS.map((c) => c.key),
    );
  });
});

describe('experimentsCsv', () => {
  const columns: ExperimentColumn[] = [
    { key: 'name', label: 'name', kind: 'text', group: 'run' },
    { key: 'created', label: 'created', kind: 'time', group: 'run' },
    { key: 'note', label: 'note', kind: 'text', group: 'run' },
    { key: 'tags', label: 'tags', kind: 'text', group: 'run' },
    { key: 'upperLoss', label: 'upperLoss', kind: 'number', group: 'metric' },
    { key: 'duration', label: 'duration', kind: 'duration', group: 'run' },
  ];

  it('writes a header of keys and one line per run with data values, quoting commas, quotes, newlines and edge spaces', () => {
    const csv = experimentsCsv(columns, [
      { runId: 'a', cells: { name: 'base, line', created: Date.UTC(2026, 11, 6, 1, 2, 3), note: 'say "hi"\nbye', tags: ['p1', 'x'], upperLoss: 0.123456789012, duration: 1500 } },
      { runId: 'b', cells: { name: ' padded', upperLoss: NaN } },
    ]);
    assert.equal(
      csv,
      [
        'name,created,note,tags,upperLoss,duration',
        '"base, line",2026-12-06T01:02:03.000Z,"say ""hi""\nbye","p1;x",0.123456789012,1500',
        '" padded",,,,NaN,',
        '',
      ].join('\r\n'),
    );
  });

  it('writes only the header for no rows', () => {
    assert.equal(experimentsCsv(columns.slice(0, 1), []), 'name\r\n');
  });
});

describe('parseExperimentsMessage', () => {
  it('accepts what the table sends', () => {
    assert.deepEqual(parseExperimentsMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseExperimentsMessage({ type: 'compare', runIds: ['a-1', 'b-2'], extra: 1 }), { ok: true, message: { type: 'compare', runIds: ['a-1', 'b-2'] } });
    assert.deepEqual(parseExperimentsMessage({ type: 'exportCsv', runIds: ['a-1'], columns: ['name', 'K'] }), { ok: true, message: { type: 'exportCsv', runIds: ['a-1'], columns: ['name', 'K'] } });
    assert.deepEqual(parseExperimentsMessage({ type: 'openRun', runId: 'a-1' }), { ok: true, message: { type: 'openRun', runId: 'a-1' } });
  });

  it('refuses anything else', () => {
    for (const bad of [
      null,
      [],
      { type: 'nope' },
      { type: 'compare', runIds: ['a-1'] },
      { type: 'compare', runIds: ['a-1', '../etc'] },
      { type: 'exportCsv', runIds: [], columns: ['name'] },
      { type: 'exportCsv', runIds: ['a-1'], columns: [] },
      { type: 'exportCsv', runIds: ['a-1'], columns: [3] },
      { type: 'openRun', runId: '/abs' },
    ]) {
      assert.equal(parseExperimentsMessage(bad).ok, false, JSON.stringify(bad));
    }
  });
});

describe('overlappingStoredRuns', () => {
  const stored = (id: string, hostname: string, createdAt: string, endedAt: string | undefined, status: 'completed' | 'running' = 'completed', updatedAt = createdAt): StoredRun =>
    ({ storeDir: '/s', record: { id, hostname, createdAt, updatedAt, status, ...(endedAt !== undefined ? { endedAt } : {}) } }) as unknown as StoredRun;

  it('marks runs of one host whose spans overlap, not runs of other hosts, touching spans or runs without an end', () => {
    const runs = [
      stored('a', 'h1', '2026-12-06T10:00:00Z', '2026-12-06T10:05:00Z'),
      stored('b', 'h1', '2026-12-06T10:04:00Z', '2026-12-06T10:08:00Z'),
      stored('c', 'h1', '2026-12-06T10:08:00Z', '2026-12-06T10:09:00Z'),
      stored('d', 'h2', '2026-12-06T10:01:00Z', '2026-12-06T10:02:00Z'),
      stored('e', 'h1', '2026-12-06T09:00:00Z', undefined, 'running', '2026-12-06T09:30:00Z'),
      stored('f', 'h1', '2026-12-06T09:20:00Z', undefined, 'completed'),
    ];
    assert.deepEqual([...overlappingStoredRuns(runs)].sort(), ['a', 'b']);
  });
});
