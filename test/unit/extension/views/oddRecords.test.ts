// Every reader of the run store against one store full of odd files: run.json files that parse but
// lack what readers read, metrics lines that are valid JSON but not records, cut and garbage lines.
// One odd file must never take a view down: the history (buildHistory), the panel's stored-run view
// (storedRunView), the CSV export (runsToCsv) show the good runs and records, and the odd ones are
// reported (RunStores.list's onProblem, readMetrics' onBadLine).
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../../../../src/extension/config';
import { RunStores, storedRunView } from '../../../../src/extension/runs/runStores';
import { buildHistory } from '../../../../src/extension/views/historyModel';
import { runsToCsv } from '../../../../src/extension/views/metricsCsv';
import { runSettings } from '../../../../src/protocol/runSettings';
import type { IterationRecord } from '../../../../src/protocol/metrics';
import type { RunConfig } from '../../../../src/protocol/runRecord';
import { METRICS_FILE, RUN_FILE, RunStore, type RunStoreProblem } from '../../../../src/store/runStore';

const CONFIG: RunConfig = { problem: 'toy-quadratic', problemParams: { n: 4 }, method: 'rhg', methodOptions: { K: 10 }, iterations: 5, seed: 0, backend: 'auto' };

function iteration(t: number): IterationRecord {
  return { iteration: t, upperLoss: 1 / (t + 1), lowerLoss: 0.5, hypergradNorm: 0.1, lowerStationarity: 1e-6, forwardMs: 1, backwardMs: 2, gradientEvals: t, hvpEvals: 0, numTensors: 3, numBytes: 12, stats: { 'cg.residual': [0.5, 0.25] } };
}

let workspace = '';
let store: RunStore;
let good = '';
const oddIds: string[] = [];

describe('readers of a store with odd files', () => {
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'bilevel-odd-'));
    store = new RunStore(path.join(workspace, '.bilevel', 'runs'));
    const writer = store.create(CONFIG, { versions: {}, name: 'good' });
    good = writer.id;
    writer.append([iteration(0), iteration(1)]);
    // Valid JSON, but not records: a number, null, a string, an array, an object without iteration.
    appendFileSync(path.join(writer.dir, METRICS_FILE), ['42', 'null', '"x"', '[3]', '{"upperLoss": 1}', '{"iteration": 2, garbage'].join('\n') + '\n');
    writer.append([iteration(2)]);
    appendFileSync(path.join(writer.dir, METRICS_FILE), '{"iteration": 3, "upperL');
    writer.finish('completed');
    // run.json files that parse but are not records readers can use.
    const spoil = (change: (raw: Record<string, unknown>) => void): void => {
      const w = store.create(CONFIG, { versions: {} });
      const raw = JSON.parse(readFileSync(path.join(w.dir, RUN_FILE), 'utf8')) as Record<string, unknown>;
      change(raw);
      writeFileSync(path.join(w.dir, RUN_FILE), JSON.stringify(raw));
      oddIds.push(w.id);
    };
    spoil((r) => delete (r.config as Record<string, unknown>).problem);
    spoil((r) => ((r.config as Record<string, unknown>).method = null));
    spoil((r) => (r.status = 'exploded'));
    spoil((r) => (r.createdAt = 17));
    spoil((r) => (r.summary = 'done'));
    spoil((r) => (r.config = []));
    const dir = path.join(store.root, '20260101-000000-odd-json-0000');
    mkdirSync(dir);
    writeFileSync(path.join(dir, RUN_FILE), '[1, 2, 3]');
    oddIds.push(path.basename(dir));
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('RunStore.scan and list return the good run and report every odd folder', () => {
    const { runs, problems } = store.scan();
    assert.deepEqual(runs.map((r) => r.id), [good]);
    assert.deepEqual(problems.map((p) => p.id).sort(), [...oddIds].sort());
    for (const id of oddIds) assert.throws(() => store.read(id), /run\.json/);
  });

  it('RunStore.readMetrics returns only records, and reports every odd line but the cut last one', () => {
    const bad: number[] = [];
    assert.deepEqual(store.readMetrics(good, (line) => bad.push(line)).map((r) => r.iteration), [0, 1, 2]);
    assert.deepEqual(bad, [3, 4, 5, 6, 7, 8]);
  });

  it('buildHistory shows the good run from RunStores.list, which reports the odd ones', () => {
    const stores = new RunStores(() => [workspace], () => DEFAULT_CONFIG);
    const problems: RunStoreProblem[] = [];
    const stored = stores.list((p) => problems.push(p));
    const groups = buildHistory(stored, [], Date.now());
    assert.deepEqual(groups.map((g) => [g.label, g.runs.map((r) => r.key)]), [['toy-quadratic', [good]]]);
    assert.equal(problems.length, oddIds.length);
  });

  it('the panel view of a stored run holds only records, and names the odd lines', () => {
    const stores = new RunStores(() => [workspace], () => DEFAULT_CONFIG);
    const found = stores.find(good)!;
    const bad: number[] = [];
    const view = storedRunView(found, undefined, (line) => bad.push(line));
    assert.deepEqual(view.records.map((r) => r.iteration), [0, 1, 2]);
    assert.equal(view.label, 'good (rhg)');
    assert.deepEqual(bad, [3, 4, 5, 6, 7, 8]);
    for (const id of oddIds) assert.equal(stores.find(id), undefined);
  });

  it('the CSV export of that run has a header and one row per record', () => {
    const csv = runsToCsv([{ runId: good, settings: runSettings(store.read(good).config), records: store.readMetrics(good) }]);
    const rows = csv.trimEnd().split('\r\n');
    assert.equal(rows.length, 4);
    const header = rows[0]!.split(',');
    assert.deepEqual(header.slice(0, 3), ['run_id', 'name', 'method']);
    assert.ok(header.includes('problem.n') && header.includes('K'), rows[0]);
    assert.deepEqual(rows.slice(1).map((r) => r.split(',')[header.indexOf('iteration')]), ['0', '1', '2']);
  });

  it('the CSV export does not break on a stat value of an unexpected shape', () => {
    const odd = { ...iteration(0), stats: { weird: { a: 1 } as unknown as number } };
    assert.match(runsToCsv([{ runId: 'odd-1', settings: { method: 'rhg' }, records: [odd] }]), /"\{""a"":1\}"/);
  });
});
