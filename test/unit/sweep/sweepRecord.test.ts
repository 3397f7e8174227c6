// makeSweepRecord, sweepRunLine, formatRunsJsonl and runLineAt (src/sweep/sweepRecord.ts): sweep.json
// and runs.jsonl, whose line i `bilevel run --spec runs.jsonl --index i` will run (issue 15).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SWEEP_SCHEMA_VERSION } from '../../../src/protocol/sweep';
import type { SweepSpec } from '../../../src/protocol/sweep';
import { catalogFor, CORE_CATALOG } from '../../../src/sweep/coreCatalog';
import { expandSweep } from '../../../src/sweep/expandSweep';
import { formatRunsJsonl, makeSweepRecord, runLineAt, sweepRunLine } from '../../../src/sweep/sweepRecord';

const SPEC: SweepSpec = {
  problem: { kind: 'file', path: '/work/lake.bilevel.ts', exportName: 'lake' },
  methods: ['rhg', 'fom'],
  seeds: [0, 1],
  grid: [{ flag: 'K', values: [10, 20] }],
  options: { outerLr: 0.2 },
  name: 'lake K',
};
const runs = expandSweep(SPEC, CORE_CATALOG);
const runIds = runs.map((r) => `20261206-030000-${r.method}-lake-${String(r.index).padStart(4, '0')}`);
const record = makeSweepRecord({ id: '20261206-030000-sweep-lake-ab12', createdAt: '2026-12-06T03:00:00.000Z', spec: SPEC, runs, runIds });

describe('makeSweepRecord', () => {
  it('records the spec and each expanded run with its run id', () => {
    assert.equal(record.schemaVersion, SWEEP_SCHEMA_VERSION);
    assert.equal(record.name, 'lake K');
    assert.equal(record.runs.length, 8);
    assert.deepEqual(record.runs[5], { ...runs[5]!, runId: runIds[5] });
    assert.equal('status' in record, false, 'the status is derived from the runs, never stored');
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record, 'plain JSON');
  });

  it('refuses run ids that do not match the runs one to one', () => {
    const args = { id: 's', createdAt: '', spec: SPEC, runs };
    assert.throws(() => makeSweepRecord({ ...args, runIds: runIds.slice(1) }), /8 runs but 7 run ids/);
    assert.throws(() => makeSweepRecord({ ...args, runIds: runIds.map(() => 'same') }), /a run id is given twice/);
    assert.throws(() => makeSweepRecord({ ...args, runs: [...runs].reverse(), runIds }), /run 0 has index 7/);
  });
});

describe('runs.jsonl', () => {
  it('holds one experiment spec per run, with its run id and place in the sweep', () => {
    assert.deepEqual(sweepRunLine(record, 5), {
      problem: SPEC.problem,
      method: 'fom',
      options: { outerLr: 0.2, lowerSteps: 10, seed: 1 },
      name: 'lake K: fom K=10 seed 1',
      runId: runIds[5],
      sweep: { id: record.id, index: 5 },
    });
    assert.equal(sweepRunLine(record, 2).name, 'lake K: rhg K=20 seed 0');
    assert.deepEqual(sweepRunLine(record, 2).options, { outerLr: 0.2, lowerSteps: 20, seed: 0 });
    assert.throws(() => sweepRunLine(record, 8), /has runs 0–7, not 8/);
  });

  it('writes line i as run i and reads it back by index', () => {
    const text = formatRunsJsonl(record);
    const lines = text.split('\n');
    assert.equal(lines.length, 9, '8 lines, each ending in a newline');
    assert.equal(lines[8], '');
    for (let i = 0; i < 8; i++) assert.deepEqual(runLineAt(text, i), sweepRunLine(record, i));
  });

  it('refuses an index out of range, a bad line, or a line tagged with another index', () => {
    const text = formatRunsJsonl(record);
    assert.throws(() => runLineAt(text, 8), /--index 8: runs\.jsonl has 8 lines \(indices 0–7\)/);
    assert.throws(() => runLineAt(text, -1), /--index must be a whole number ≥ 0, got -1/);
    assert.throws(() => runLineAt('{"runId":"a","sweep":{"id":"s","index":0}}\n{oops\n', 1), /line 2 of runs\.jsonl is not JSON/);
    assert.throws(() => runLineAt('[1]\n', 0), /line 1 of runs\.jsonl is not an object/);
    assert.throws(() => runLineAt('{"sweep":{"id":"s","index":0}}\n', 0), /has no runId/);
    const lines = text.split('\n');
    const swapped = [lines[1], lines[0], ...lines.slice(2)].join('\n');
    assert.throws(() => runLineAt(swapped, 0), /not tagged sweep\.index 0/);
  });
});

describe('sweepRunLine with problem parameters on the grid', () => {
  it("gives each line the problem's own parameters and its grid point's", () => {
    const problem = { kind: 'builtin', id: 'toy-nonsingleton', params: { start: 'random' } } as const;
    const spec: SweepSpec = { problem, methods: ['rhg'], seeds: [0], grid: [{ flag: 'n', values: [1, 2], problem: true }] };
    const expanded = expandSweep(spec, catalogFor(problem));
    const rec = makeSweepRecord({ id: '20261206-030000-sweep-toy-ab12', createdAt: '2026-12-06T03:00:00.000Z', spec, runs: expanded, runIds: ['20261206-030000-rhg-toy-0001', '20261206-030000-rhg-toy-0002'] });
    assert.deepEqual(sweepRunLine(rec, 0).problem, { kind: 'builtin', id: 'toy-nonsingleton', params: { start: 'random', n: 1 } });
    assert.deepEqual(sweepRunLine(rec, 1).problem, { kind: 'builtin', id: 'toy-nonsingleton', params: { start: 'random', n: 2 } });
    assert.deepEqual(sweepRunLine(rec, 1).options, { seed: 0 });
    assert.deepEqual(rec.spec.problem, problem, 'the spec keeps the fixed parameters only');
  });
});
