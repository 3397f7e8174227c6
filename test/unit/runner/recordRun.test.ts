// The one recorder (src/runner/recordRun.ts), tested once here; the CLI (executeRun) and the worker
// (workerEndpoint) both call it, and the last test checks that nothing else in src/ creates or
// finishes run records. Backend: cpu.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getMethod, resolveRunOptions } from '../../../src/core';
import type { IterationRecord } from '../../../src/protocol/metrics';
import { loadProblem } from '../../../src/runner/loadProblem';
import type { LoadedProblem } from '../../../src/runner/loadProblem';
import { recordRun, runConfigOf } from '../../../src/runner/recordRun';
import type { RunRequest } from '../../../src/runner/recordRun';
import { selectBackend } from '../../../src/runtime/backend';
import { parseRecord } from '../../../src/store/recordJson';
import { makeRunId } from '../../../src/store/runId';
import { METRICS_FILE, RunStore } from '../../../src/store/runStore';

// Bundled to dist-test/unit/runner/, so the repository root is three folders up.
const ROOT = path.resolve(__dirname, '../../..');
const CPU = { requested: 'cpu', ran: { name: 'cpu', detail: 'test' } };

let tmp = '';
let n = 0;
let toy: LoadedProblem;

/** A request for RHG on the 3-dimensional toy quadratic with `given` options, stored in a fresh store. */
function request(given: Record<string, number | string | boolean>, extra: Partial<RunRequest> = {}): RunRequest {
  const options = resolveRunOptions(toy.definition, getMethod('rhg'), { lowerSteps: 5, ...given });
  return { problem: toy, method: 'rhg', options, storeDir: path.join(tmp, `store${n++}`), backend: CPU, ...extra };
}

function readMetrics(dir: string): IterationRecord[] {
  const file = path.join(dir, METRICS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => parseRecord(l) as IterationRecord);
}

describe('recordRun', () => {
  before(async () => {
    await selectBackend('cpu');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-record-'));
    toy = await loadProblem({ kind: 'builtin', id: 'toy-quadratic', params: { n: 3 } });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('records under the id the starter made, disk before the hook, every record once and in order', async () => {
    const req = request({ iterations: 12 });
    const runId = makeRunId('rhg', toy.id);
    const batches: number[][] = [];
    let created: { runId: string; runDir: string } | undefined;
    const seen: number[] = [];
    const out = await recordRun(
      { ...req, runId, name: 'once' },
      {
        onCreated: (r) => (created = r),
        onRecord: (r) => seen.push(r.iteration),
        onBatch: (records) => {
          // A batch the hook sees is already in metrics.jsonl.
          const onDisk = readMetrics(created!.runDir).map((r) => r.iteration);
          assert.deepEqual(onDisk.slice(-records.length), records.map((r) => r.iteration));
          batches.push(records.map((r) => r.iteration));
        },
        shouldStop: () => false,
        batchMs: 0,
      },
    );
    assert.equal(out.status, 'completed');
    assert.equal(out.runId, runId);
    assert.equal(created?.runId, runId);
    assert.deepEqual(batches.flat(), [...Array(12).keys()]);
    assert.deepEqual(seen, [...Array(12).keys()]);
    const record = new RunStore(req.storeDir!).read(runId);
    assert.equal(record.status, 'completed');
    assert.equal(record.name, 'once');
    assert.deepEqual(record.config, runConfigOf({ ...req, runId }), 'run.json keeps the options as resolved once');
    assert.deepEqual(record.summary?.last, out.summary?.last);
    assert.deepEqual(readMetrics(path.join(req.storeDir!, runId)).map((r) => r.iteration), [...Array(12).keys()]);
  });

  it('refuses a run id that is already taken, and writes nothing over it', async () => {
    const req = request({ iterations: 2 });
    const runId = makeRunId('rhg', toy.id);
    await recordRun({ ...req, runId }, { shouldStop: () => false });
    const before = readFileSync(path.join(req.storeDir!, runId, 'run.json'), 'utf8');
    await assert.rejects(recordRun({ ...req, runId }, { shouldStop: () => false }), /already exists/);
    assert.equal(readFileSync(path.join(req.storeDir!, runId, 'run.json'), 'utf8'), before);
  });

  it('ends cancelled when asked to stop, with what ran on disk', async () => {
    const req = request({ iterations: 1000 });
    let calls = 0;
    const out = await recordRun(req, { shouldStop: () => ++calls > 4, batchMs: 0 });
    assert.equal(out.status, 'cancelled');
    const record = new RunStore(req.storeDir!).read(out.runId!);
    assert.equal(record.status, 'cancelled');
    assert.match(record.message ?? '', /cancelled after 4 of 1000/);
    assert.equal(readMetrics(out.runDir!).length, 4);
  });

  it('finishes a run whose objective throws as failed, returns the error, and keeps the records so far', async () => {
    let calls = 0;
    const upper = toy.definition.upper.objective;
    const definition = {
      ...toy.definition,
      upper: {
        ...toy.definition.upper,
        objective: (...args: Parameters<typeof upper>) => {
          // Validation and the first iterations evaluate F; then it breaks.
          if (++calls > 12) throw new Error('the objective broke');
          return upper(...args);
        },
      },
    };
    const broken: LoadedProblem = { ...toy, definition };
    const req = { ...request({ iterations: 50 }), problem: broken };
    const out = await recordRun(req, { shouldStop: () => false, batchMs: 0 });
    assert.equal(out.status, 'failed');
    assert.match(out.message ?? '', /the objective broke/);
    assert.ok(out.error instanceof Error);
    const record = new RunStore(req.storeDir!).read(out.runId!);
    assert.equal(record.status, 'failed');
    assert.match(record.message ?? '', /the objective broke/);
    assert.ok(readMetrics(out.runDir!).length < 50);
  });

  it('keeps nothing without a store', async () => {
    const out = await recordRun({ ...request({ iterations: 3 }), storeDir: undefined }, { shouldStop: () => false });
    assert.equal(out.status, 'completed');
    assert.equal(out.runId, undefined);
    assert.equal(out.summary?.iterations, 3);
  });

  it('is the only code in src/ that creates or finishes run records (the host only finishes those of dead workers)', () => {
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.ts')) sources.push(p);
      }
    };
    walk(path.join(ROOT, 'src'));
    const creators = sources.filter((f) => /\bRunStore\([^)]*\)\.create\(|\bstore\.create\(/.test(readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
    assert.deepEqual(creators, [path.join('src', 'runner', 'recordRun.ts')]);
    const finishers = sources.filter((f) => /\.finish\((?:status|outcome|'failed'|result)/.test(readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f)).sort();
    assert.deepEqual(finishers, [path.join('src', 'extension', 'runs', 'runManager.ts'), path.join('src', 'runner', 'recordRun.ts')]);
  });
});
