// The one recorder (src/runner/recordRun.ts), tested once here; the CLI (executeRun) and the worker
// (workerEndpoint) both call it, and the last test checks that nothing else in src/ creates or
// finishes run records. Backend: cpu.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getMethod, resolveRunOptions } from '../../../src/core';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { RunRecord } from '../../../src/protocol/runRecord';
import { loadProblem } from '../../../src/runner/loadProblem';
import type { LoadedProblem } from '../../../src/runner/loadProblem';
import { DEFAULT_BATCH_MS, DEFAULT_HEARTBEAT_MS, recordRun, runConfigOf } from '../../../src/runner/recordRun';
import type { RunRequest } from '../../../src/runner/recordRun';
import { selectBackend } from '../../../src/runtime/backend';
import { parseRecord } from '../../../src/store/recordJson';
import { makeRunId } from '../../../src/store/runId';
import { METRICS_FILE, RUN_FILE, RunStore } from '../../../src/store/runStore';
import { sourceChanged } from '../../../src/store/runSource';
import { StoreWriteError } from '../../../src/store/storeWriteError';

// Bundled to dist-test/unit/runner/, so the repository root is three folders up.
const ROOT = path.resolve(__dirname, '../../..');
const CPU = { requested: 'cpu', ran: { name: 'cpu', detail: 'test' } };

const T0 = Date.parse('2026-12-06T06:00:00.000Z');

/** A clock whose time moves only when told; advancing fires every live timer whose time came. */
function fakeClock(start: number) {
  const timers: { ms: number; next: number; fn: () => void; live: boolean }[] = [];
  const clock = {
    time: start,
    /** The interval of every timer started, in order. */
    intervals: [] as number[],
    now: () => clock.time,
    every(ms: number, fn: () => void) {
      const timer = { ms, next: clock.time + ms, fn, live: true };
      timers.push(timer);
      clock.intervals.push(ms);
      return () => {
        timer.live = false;
      };
    },
    advance(ms: number) {
      clock.time += ms;
      for (const t of timers) {
        while (t.live && t.next <= clock.time) {
          t.next += t.ms;
          t.fn();
        }
      }
    },
    /** Fires every timer ever started, live or not (what a leaked timer would do). */
    fireAll() {
      for (const t of timers) t.fn();
    },
    running: () => timers.filter((t) => t.live).length,
  };
  return clock;
}

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

  it('records an oracle-call budget in the options and a budget stop in the summary, a completed run either way', async () => {
    // RHG at K = 5: 6 gradients + 5 second-order products = 11 calls per iteration; 30 is reached by the third (33).
    const budgeted = request({ iterations: 1000, maxOracleCalls: 30 });
    const out = await recordRun(budgeted, { shouldStop: () => false });
    const record = new RunStore(budgeted.storeDir!).read(out.runId!);
    assert.equal(record.status, 'completed');
    assert.equal(record.config.methodOptions['maxOracleCalls'], 30);
    assert.equal(record.summary?.stopReason, 'oracleBudget');
    assert.equal(record.summary?.iterations, 3);
    assert.deepEqual(readMetrics(out.runDir!).map((r) => r.gradientEvals + r.hvpEvals), [11, 22, 33]);
    const plain = request({ iterations: 3 });
    const free = await recordRun(plain, { shouldStop: () => false });
    const freeRecord = new RunStore(plain.storeDir!).read(free.runId!);
    assert.equal(freeRecord.config.methodOptions['maxOracleCalls'], 0);
    assert.equal(freeRecord.summary?.stopReason, 'iterations');
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

  it('ends the run at a failed metrics write: solver stopped, run.json failed with the cause, a StoreWriteError for the caller', async () => {
    const req = request({ iterations: 50 });
    const seen: number[] = [];
    const out = await recordRun(req, {
      // A folder where metrics.jsonl should be: every append fails (EISDIR), like a full disk would.
      onCreated: ({ runDir }) => mkdirSync(path.join(runDir, METRICS_FILE)),
      onRecord: (r) => seen.push(r.iteration),
      shouldStop: () => false,
      batchMs: 0,
    });
    assert.equal(out.status, 'failed');
    assert.deepEqual(seen, [0], 'the solver stops at the first failed write');
    assert.ok(out.error instanceof StoreWriteError, String(out.error));
    assert.equal(out.error.code, 'EISDIR');
    assert.equal(out.error.file, path.join(out.runDir!, METRICS_FILE));
    assert.equal(out.message, `the write failed (EISDIR) while writing metrics.jsonl in ${out.runDir}; 0 records were written`);
    assert.equal(out.error.message, out.message);
    const record = new RunStore(req.storeDir!).read(out.runId!);
    assert.equal(record.status, 'failed');
    assert.equal(record.message, out.message);
    assert.deepEqual(readdirSync(out.runDir!).filter((f) => f.endsWith('.tmp')), []);
  });

  it('counts the records that reached disk before a later batch failed, and never rewrites them', async () => {
    const req = request({ iterations: 40 });
    let runDir = '';
    const out = await recordRun(req, {
      onCreated: (r) => (runDir = r.runDir),
      // After three batches, metrics.jsonl turns into something no append can write.
      onBatch: () => {
        if (readMetrics(runDir).length === 3) {
          rmSync(path.join(runDir, METRICS_FILE));
          mkdirSync(path.join(runDir, METRICS_FILE));
        }
      },
      shouldStop: () => false,
      batchMs: 0,
    });
    assert.equal(out.status, 'failed');
    assert.match(out.message ?? '', /; 3 records were written$/);
    assert.equal(new RunStore(req.storeDir!).read(out.runId!).status, 'failed');
  });

  it('batches by time only: pending records span less than batchMs, and slow iterations are written as they come', async () => {
    // Each objective call busy-waits, so an outer iteration takes a known minimum time.
    const slowed = (ms: number): LoadedProblem => {
      const upper = toy.definition.upper.objective;
      const objective = (...args: Parameters<typeof upper>): ReturnType<typeof upper> => {
        const until = Date.now() + ms;
        while (Date.now() < until);
        return upper(...args);
      };
      return { ...toy, definition: { ...toy.definition, upper: { ...toy.definition.upper, objective } } };
    };
    const follow = async (problem: LoadedProblem, batchMs: number): Promise<{ batches: number[][]; spans: number[]; lagging: number }> => {
      const arrived = new Map<number, number>();
      const batches: number[][] = [];
      const spans: number[] = [];
      let last = -1;
      let lagging = 0;
      await recordRun(
        { ...request({ iterations: 12 }), problem },
        {
          onRecord: (r) => {
            arrived.set(r.iteration, Date.now());
            last = r.iteration;
          },
          onBatch: (records) => {
            // The records that waited for this write: all but the one whose arrival wrote the batch
            // (which may come a whole slow iteration after batchMs; docs/run-store.md).
            const times = records.map((r) => arrived.get(r.iteration)!).slice(0, Math.max(1, records.length - 1));
            spans.push(Math.max(...times) - Math.min(...times));
            batches.push(records.map((r) => r.iteration));
            // A batch written after its last record's own step ended lags by a whole iteration.
            if (records.at(-1)!.iteration !== last) lagging++;
          },
          shouldStop: () => false,
          batchMs,
        },
      );
      return { batches, spans, lagging };
    };
    const fast = await follow(slowed(2), 60);
    assert.deepEqual(fast.batches.flat(), [...Array(12).keys()]);
    assert.ok(Math.max(...fast.spans) < 60, `spans ${fast.spans.join(', ')} ms`);
    assert.ok(fast.batches.some((b) => b.length > 1), 'fast iterations are batched');
    const slow = await follow(slowed(25), 20);
    assert.deepEqual(slow.batches, [...Array(12).keys()].map((i) => [i]), 'each slow iteration is written at once');
    assert.equal(slow.lagging, 0);
  });

  it('uses a small batch interval in the CLI and the worker (what a kill can lose, docs/run-store.md)', () => {
    assert.ok(DEFAULT_BATCH_MS >= 50 && DEFAULT_BATCH_MS <= 200, `DEFAULT_BATCH_MS ${DEFAULT_BATCH_MS}`);
    // Nobody picks another interval: the CLI leaves it to the recorder, the worker takes the host's or the default.
    const cli = readFileSync(path.join(ROOT, 'src', 'cli', 'executeRun.ts'), 'utf8');
    assert.doesNotMatch(cli, /batchMs/, 'src/cli/executeRun.ts must use the recorder default interval');
    const docs = readFileSync(path.join(ROOT, 'docs', 'run-store.md'), 'utf8');
    assert.match(docs, new RegExp(`${DEFAULT_BATCH_MS} ms`), 'docs/run-store.md states the bound');
  });

  it('stamps every record with its wall-clock time: on disk, non-decreasing, within the run', async () => {
    const req = request({ iterations: 8 });
    const start = Date.now();
    const seen: (number | undefined)[] = [];
    const out = await recordRun(req, { onRecord: (r) => seen.push(r.time), shouldStop: () => false, batchMs: 0 });
    const end = Date.now();
    assert.equal(out.status, 'completed');
    const times = readMetrics(out.runDir!).map((r) => r.time);
    assert.equal(times.length, 8);
    assert.deepEqual(seen, times, 'the hook sees the records as they are written');
    let previous = start;
    for (const t of times) {
      assert.equal(typeof t, 'number');
      assert.ok(t! >= previous && t! <= end, `time ${t} within [${start}, ${end}] and not before ${previous}`);
      previous = t!;
    }
    // The store reads them back as valid records.
    assert.equal(new RunStore(req.storeDir!).readMetrics(out.runId!).length, 8);
  });

  it('keeps a file problem\'s source with the run (source/<name> and its sha256), and none for a built-in', async () => {
    const dir = mkdtempSync(path.join(tmp, 'problem-'));
    const file = path.join(dir, 'line.bilevel.ts');
    const text = `import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from 'bilevel-lab';
// kept with the run: é ∑
export default defineProblem({
  id: 'line',
  upper: { variables: { x: { shape: [1], init: 0 } }, objective: (_u, { y }) => tf.sum(tf.square(tf.sub(y!, 1))) },
  lower: { variables: { y: { shape: [1], init: 0 } }, objective: ({ x }, { y }) => tf.sum(tf.square(tf.sub(y!, x!))) },
});
`;
    writeFileSync(file, text);
    const problem = await loadProblem({ kind: 'file', path: file });
    const options = resolveRunOptions(problem.definition, getMethod('rhg'), { lowerSteps: 3, iterations: 2 });
    const storeDir = path.join(tmp, `store${n++}`);
    const out = await recordRun({ problem, method: 'rhg', options, storeDir, backend: CPU }, { shouldStop: () => false });
    assert.equal(out.status, 'completed');
    const record = new RunStore(storeDir).read(out.runId!);
    assert.deepEqual(record.source, { file: 'source/line.bilevel.ts', sha256: createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex') });
    assert.equal(readFileSync(path.join(out.runDir!, 'source', 'line.bilevel.ts'), 'utf8'), text);
    assert.equal(sourceChanged(record, text), false);
    assert.equal(sourceChanged(record, text + '// edited\n'), true);

    const builtin = await recordRun(request({ iterations: 2 }), { shouldStop: () => false });
    assert.equal(new RunStore(path.dirname(builtin.runDir!)).read(builtin.runId!).source, undefined);
    assert.equal(existsSync(path.join(builtin.runDir!, 'source')), false);
  });

  it('keeps nothing without a store', async () => {
    const out = await recordRun({ ...request({ iterations: 3 }), storeDir: undefined }, { shouldStop: () => false });
    assert.equal(out.status, 'completed');
    assert.equal(out.runId, undefined);
    assert.equal(out.summary?.iterations, 3);
  });

  it('beats on its timer while the run goes (run.json updatedAt, still running), and stops the timer when the run ends', async () => {
    const clock = fakeClock(T0);
    const req = request({ iterations: 6 });
    let runDir = '';
    const beats: string[] = [];
    const out = await recordRun(req, {
      onCreated: (r) => (runDir = r.runDir),
      onRecord: (r) => {
        if (r.iteration !== 2 && r.iteration !== 4) return;
        clock.advance(30_000);
        const onDisk = JSON.parse(readFileSync(path.join(runDir, RUN_FILE), 'utf8')) as RunRecord;
        assert.equal(onDisk.status, 'running');
        beats.push(onDisk.updatedAt);
      },
      shouldStop: () => false,
      clock,
    });
    assert.equal(out.status, 'completed');
    assert.deepEqual(clock.intervals, [DEFAULT_HEARTBEAT_MS], 'one timer, at the default interval');
    assert.deepEqual(beats, [new Date(T0 + 30_000).toISOString(), new Date(T0 + 60_000).toISOString()]);
    assert.equal(clock.running(), 0, 'no timer left once the run ended');
    const record = new RunStore(req.storeDir!, { now: () => clock.time }).read(out.runId!);
    assert.equal(record.heartbeatMs, DEFAULT_HEARTBEAT_MS);
    assert.equal(record.createdAt, new Date(T0).toISOString());
    assert.equal(record.updatedAt, record.endedAt);
    assert.equal(record.endedAt, new Date(T0 + 60_000).toISOString());
    // A beat after the end writes nothing: the finished record stays.
    clock.fireAll();
    assert.equal((JSON.parse(readFileSync(path.join(runDir, RUN_FILE), 'utf8')) as RunRecord).status, 'completed');
  });

  it('stops the heartbeat of a run that fails, records the interval it was given, and starts none without a store', async () => {
    const clock = fakeClock(T0);
    const failed = await recordRun(request({ iterations: 5 }), {
      onRecord: (r) => {
        if (r.iteration === 1) throw new Error('hook broke');
      },
      shouldStop: () => false,
      heartbeatMs: 5_000,
      clock,
    });
    assert.equal(failed.status, 'failed');
    assert.deepEqual(clock.intervals, [5_000]);
    assert.equal(clock.running(), 0);
    assert.equal(new RunStore(path.dirname(failed.runDir!)).read(failed.runId!).heartbeatMs, 5_000);
    const unstored = fakeClock(T0);
    await recordRun({ ...request({ iterations: 2 }), storeDir: undefined }, { shouldStop: () => false, clock: unstored });
    assert.deepEqual(unstored.intervals, []);
    await assert.rejects(recordRun(request({ iterations: 2 }), { shouldStop: () => false, heartbeatMs: 0 }), /heartbeatMs must be a number of milliseconds > 0 and ≤ 2147483647, not 0/);
    await assert.rejects(recordRun(request({ iterations: 2 }), { shouldStop: () => false, heartbeatMs: Infinity }), /not Infinity/);
  });

  it('records the SLURM job from the environment it is given, and none outside SLURM', async () => {
    const env = { SLURM_JOB_ID: '4213', SLURM_ARRAY_JOB_ID: '4207', SLURM_ARRAY_TASK_ID: '6', SLURMD_NODENAME: 'gpu-03' };
    const inJob = await recordRun({ ...request({ iterations: 2 }), env }, { shouldStop: () => false });
    const record = new RunStore(path.dirname(inJob.runDir!)).read(inJob.runId!);
    assert.deepEqual(record.slurm, { jobId: '4213', arrayJobId: '4207', arrayTaskId: 6, node: 'gpu-03' });
    assert.equal(record.hostname, os.hostname());
    assert.deepEqual(record.backend, CPU.ran, 'the backend that ran is in the record');
    const outside = await recordRun({ ...request({ iterations: 2 }), env: { PATH: '/usr/bin' } }, { shouldStop: () => false });
    assert.equal(new RunStore(path.dirname(outside.runDir!)).read(outside.runId!).slurm, undefined);
    assert.equal('slurm' in JSON.parse(readFileSync(path.join(outside.runDir!, RUN_FILE), 'utf8')), false);
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
