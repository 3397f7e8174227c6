// The worker's protocol endpoint over an in-memory transport (no child process): handshake, a
// built-in run streaming batches into the run store, cancel, problem files (compile errors, a run, a
// missing export), option errors and the hypergradient check. Backend: cpu.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ExperimentSpec } from '../../../src/protocol/experiment';
import type { IterationRecord } from '../../../src/protocol/metrics';
import { WORKER_PROTOCOL_VERSION } from '../../../src/protocol/worker';
import type { HostToWorker, MessagePort, WorkerToHost } from '../../../src/protocol/worker';
import { parseRecord } from '../../../src/store/recordJson';
import { METRICS_FILE, RunStore } from '../../../src/store/runStore';
import { serveWorker } from '../../../src/worker/workerEndpoint';
import { problemFileLabel } from '../../../src/store/problemPaths';
import { createMemoryPortPair } from './memoryPort';
import { registerNodeDatasets } from '../../../src/datasets/registerNodeDatasets';
import { makeRunId } from '../../../src/store/runId';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/problems/fixture.bilevel.ts');

let tmp: string;
let n = 0;

/** A served endpoint and the host side of its transport, with every message the worker sent. */
class Session {
  readonly host: MessagePort<HostToWorker, WorkerToHost>;
  readonly received: WorkerToHost[] = [];
  readonly done: Promise<number>;
  readonly storeDir = path.join(tmp, `ws${n++}`, '.bilevel', 'runs');
  private waiters: { predicate: (m: WorkerToHost) => boolean; resolve: (m: WorkerToHost) => void }[] = [];

  constructor(backend = 'cpu', protocolVersion = WORKER_PROTOCOL_VERSION) {
    const { a: host, b: worker } = createMemoryPortPair<HostToWorker, WorkerToHost>();
    this.host = host;
    host.onMessage((m) => {
      this.received.push(m);
      this.waiters = this.waiters.filter((w) => (w.predicate(m) ? (w.resolve(m), false) : true));
    });
    this.done = serveWorker(worker).done;
    host.send({ type: 'init', protocolVersion, backend, storeDir: this.storeDir });
  }

  /** The next (or an already received) message of `type`. */
  next<T extends WorkerToHost['type']>(type: T): Promise<Extract<WorkerToHost, { type: T }>> {
    const seen = this.received.find((m) => m.type === type);
    if (seen) return Promise.resolve(seen as Extract<WorkerToHost, { type: T }>);
    return new Promise((resolve) => this.waiters.push({ predicate: (m) => m.type === type, resolve: resolve as (m: WorkerToHost) => void }));
  }

  types(): string[] {
    return this.received.map((m) => m.type);
  }

  records(): IterationRecord[] {
    return this.received.flatMap((m) => (m.type === 'metrics' ? m.records : []));
  }
}

const toy = (options: ExperimentSpec['options'] = {}, method = 'rhg'): ExperimentSpec => ({
  problem: { kind: 'builtin', id: 'toy-quadratic', params: { n: 3 } },
  method,
  options: { lowerSteps: 5, ...options },
});

// Bounded, so a run that never stops fails the suite instead of hanging it.
void describe('serveWorker', { timeout: 60_000 }, () => {
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-endpoint-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  void it('answers init with ready, naming the backend that runs', async () => {
    const s = new Session();
    const ready = await s.next('ready');
    assert.equal(ready.protocolVersion, WORKER_PROTOCOL_VERSION);
    assert.equal(ready.backend.name, 'cpu');
    assert.match(ready.backend.detail, /tfjs-backend-cpu/);
    assert.ok(ready.versions.tfjs && ready.versions.node && ready.versions.bilevel);
    s.host.send({ type: 'cancel' });
    assert.equal(await s.done, 0, 'a cancel before any job ends the worker cleanly');
  });

  void it('refuses a protocol mismatch and an unavailable backend with error, exit code 1', async () => {
    const mismatch = new Session('cpu', WORKER_PROTOCOL_VERSION + 1);
    assert.match((await mismatch.next('error')).message, /protocol version mismatch/);
    assert.equal(await mismatch.done, 1);
    // tfjs-node is not a dependency; selectBackend says what to install.
    const unavailable = new Session('tensorflow');
    const error = await unavailable.next('error');
    assert.match(error.message, /backend 'tensorflow'/);
    assert.equal(await unavailable.done, 1);
    assert.deepEqual(unavailable.types(), ['error']);
  });

  void it('runs a built-in toy: runStarted, metrics batches with every record in order, runFinished, and the run store', async () => {
    const s = new Session();
    await s.next('ready');
    const runId = makeRunId('rhg', 'toy-quadratic');
    s.host.send({ type: 'run', runId, spec: { ...toy({ iterations: 8 }), name: 'endpoint test' }, batchMs: 1 });
    const started = await s.next('runStarted');
    const finished = await s.next('runFinished');
    assert.equal(await s.done, 0);
    assert.equal(started.runId, runId, 'the run is recorded under the id the host made');
    assert.equal(started.iterations, 8);
    assert.equal(started.options.lowerSteps, 5);
    assert.equal(started.options.outerOptimizer, 'sgd', 'runStarted carries resolved defaults');
    assert.equal(finished.status, 'completed');
    assert.equal(finished.runId, started.runId);
    const types = s.types();
    assert.equal(types[0], 'ready');
    assert.equal(types[1], 'runStarted');
    assert.equal(types.at(-1), 'runFinished');
    assert.ok(types.filter((t) => t === 'metrics').length >= 1);
    const records = s.records();
    assert.deepEqual(
      records.map((r) => r.iteration),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    assert.deepEqual(finished.summary?.last, records.at(-1));
    // The store holds the same records, and run.json the final status.
    const store = new RunStore(s.storeDir);
    const record = store.read(started.runId);
    assert.equal(record.status, 'completed');
    assert.equal(record.name, 'endpoint test');
    assert.equal(record.config.problem, 'toy-quadratic');
    assert.equal(record.config.problemParams.n, 3);
    assert.ok(Object.keys(record.config.problemParams).length > 1, 'problem parameters are stored resolved (defaults filled in)');
    assert.equal(record.config.backend, 'cpu');
    assert.equal(record.backend?.name, 'cpu');
    const lines = readFileSync(path.join(started.runDir, METRICS_FILE), 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => parseRecord(l)), records);
  });

  void it('batches metrics: a long batch interval sends all records in one final batch', async () => {
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: toy({ iterations: 5 }), batchMs: 60_000 });
    await s.next('runFinished');
    const batches = s.received.filter((m) => m.type === 'metrics');
    assert.equal(batches.length, 1);
    assert.equal(s.records().length, 5);
  });

  void it('stops on cancel after the current iteration: status cancelled in the message and run.json', async () => {
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: toy({ iterations: 100_000 }), batchMs: 1 });
    const started = await s.next('runStarted');
    await s.next('metrics');
    s.host.send({ type: 'cancel' });
    const finished = await s.next('runFinished');
    assert.equal(await s.done, 0);
    assert.equal(finished.status, 'cancelled');
    assert.match(finished.message ?? '', /^cancelled after \d+ of 100000 outer iterations$/);
    const record = new RunStore(s.storeDir).read(started.runId);
    assert.equal(record.status, 'cancelled');
    assert.equal(record.summary?.iterations, s.records().length);
  });

  void it('answers a problem file with a syntax error with compileError at its line and column, and no run', async () => {
    const file = path.join(tmp, 'syntax.bilevel.ts');
    writeFileSync(file, "import { defineProblem } from 'bilevel-lab';\n\nexport const broken = 1 +;\n");
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: { problem: { kind: 'file', path: file, exportName: 'default' }, method: 'rhg', options: {} } });
    const error = await s.next('compileError');
    assert.equal(await s.done, 1);
    // `export const broken = 1 +;`: the unexpected ';' is at 1-based column 26.
    assert.deepEqual(error.diagnostics.map((d) => [d.file, d.line, d.column]), [[file, 3, 26]]);
    assert.match(error.diagnostics[0]!.message, /Unexpected ";"/);
    assert.deepEqual(s.types(), ['ready', 'compileError']);
    assert.deepEqual(new RunStore(s.storeDir).list(), [], 'no run record for a file that does not compile');
  });

  void it('runs a problem file that imports bilevel-lab, tfjs-core and a workspace file', async () => {
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: { problem: { kind: 'file', path: FIXTURE, exportName: 'default' }, method: 'rhg', options: {} } });
    const started = await s.next('runStarted');
    const finished = await s.next('runFinished');
    assert.equal(finished.status, 'completed', finished.message);
    // The problem's defaults apply: 6 iterations.
    assert.equal(started.iterations, 6);
    assert.equal(s.records().length, 6);
    assert.ok(s.records().every((r) => r.upperDistance !== undefined), 'the known solution gives distances');
    const record = new RunStore(s.storeDir).read(started.runId);
    assert.equal(record.config.problem, `${FIXTURE}#default`, 'a store outside the workspace records the absolute path');
  });

  void it('runs a problem file that builds on a built-in workload (hyperclean-mnist) and reports its evaluations', async () => {
    // The worker's main registers the datasets; this in-process endpoint needs it done here.
    registerNodeDatasets();
    const file = path.join(tmp, 'cleaning.bilevel.ts');
    writeFileSync(
      file,
      "import { createBuiltinProblem, defineProblem } from 'bilevel-lab';\n" +
        "const base = createBuiltinProblem('hyperclean-mnist', { train: 100, validation: 50, test: 50, model: 'two-layer', activation: 'relu', hidden: 8 });\n" +
        "export default defineProblem({ ...base, id: 'my-cleaning', defaults: { ...base.defaults, iterations: 3, lowerSteps: 2, evalEvery: 1 } });\n",
    );
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: { problem: { kind: 'file', path: file, exportName: 'default' }, method: 'rhg', options: {} } });
    const finished = await s.next('runFinished');
    assert.equal(finished.status, 'completed', finished.message);
    assert.deepEqual(s.records().map((r) => Object.keys(r.evals ?? {}).includes('test.accuracy')), [true, true, true]);
    const summary = new RunStore(s.storeDir).read(finished.runId).summary!;
    assert.ok(Number.isFinite(summary.evals?.['f1']), JSON.stringify(summary.evals));
  });

  void it('lists the available problem exports when the export is missing', async () => {
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: { problem: { kind: 'file', path: FIXTURE, exportName: 'quadratic' }, method: 'rhg', options: {} } });
    const error = await s.next('compileError');
    assert.equal(error.diagnostics[0]!.message, "fixture.bilevel.ts has no export named 'quadratic'. Problem exports: classifier, default.");
  });

  void it('fails a file problem whose objective is invalid at x_0: compileError, then runFinished failed, run.json failed', async () => {
    const file = path.join(tmp, 'nonscalar.bilevel.ts');
    // The upper objective (line 4, 1-based, `objective` at column 55) returns a vector.
    writeFileSync(
      file,
      "import * as tf from '@tensorflow/tfjs-core';\nimport { defineProblem } from 'bilevel-lab';\nexport default defineProblem({ id: 'vec',\n  upper: { variables: { x: { shape: [2], init: 0 } }, objective: (x, y) => tf.add(x.x, y.y) },\n  lower: { variables: { y: { shape: [2], init: 0 } }, objective: (x, y) => tf.sum(tf.square(tf.sub(y.y, x.x))) } });\n",
    );
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: { problem: { kind: 'file', path: file, exportName: 'default' }, method: 'rhg', options: { iterations: 3 } } });
    const error = await s.next('compileError');
    const finished = await s.next('runFinished');
    // Underlined at the field the issue names, not at defineProblem( (line 3).
    assert.deepEqual([error.diagnostics[0]!.line, error.diagnostics[0]!.column], [4, 55]);
    assert.match(error.diagnostics[0]!.message, /^Invalid problem 'vec': upper\.objective: must return a scalar/);
    assert.equal(finished.status, 'failed');
    assert.equal(new RunStore(s.storeDir).read(finished.runId).status, 'failed');
  });

  void it('fails a run whose objective throws mid-run, naming the line of the problem file', async () => {
    const file = path.join(tmp, 'throws.bilevel.ts');
    // Line 5 (1-based) throws once the lower variable has moved away from its start.
    writeFileSync(
      file,
      "import * as tf from '@tensorflow/tfjs-core';\nimport { defineProblem } from 'bilevel-lab';\nexport default defineProblem({ id: 'late', upper: { variables: { x: { shape: [1], init: 1 } }, objective: (x, y) => tf.sum(tf.square(y.y)) },\n  lower: { variables: { y: { shape: [1], init: 0 } }, objective: (x, y) => {\n    if (y.y.dataSync()[0] !== 0) throw new Error('the lower variable moved');\n    return tf.sum(tf.square(tf.sub(y.y, x.x)));\n  } } });\n",
    );
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: { problem: { kind: 'file', path: file, exportName: 'default' }, method: 'rhg', options: { iterations: 3, lowerSteps: 2 } } });
    const finished = await s.next('runFinished');
    assert.equal(finished.status, 'failed');
    assert.match(finished.message ?? '', /^the lower variable moved \(at throws\.bilevel\.ts:5:\d+\)$/);
    assert.equal(new RunStore(s.storeDir).read(finished.runId).message, finished.message);
    assert.ok(!s.types().includes('compileError'), 'a runtime failure is not a compile error');
  });

  void it('answers bad options with error and writes no run record', async () => {
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: toy({ noSuchOption: 1 }) });
    assert.match((await s.next('error')).message, /unknown option 'noSuchOption' for method 'rhg'/);
    assert.equal(await s.done, 1);
    assert.deepEqual(new RunStore(s.storeDir).list(), []);
  });

  void it('answers check with checkResult', async () => {
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'check', spec: toy({}, 'rhg') });
    const result = await s.next('checkResult');
    assert.equal(await s.done, 0);
    assert.equal(result.method, 'rhg');
    assert.equal(result.exact, true);
    assert.equal(result.relativeErrorVsRhg, 0);
    assert.ok(result.maxRelativeError < 1e-2, `FD agreement ${result.maxRelativeError}`);
    assert.ok(result.directions.length >= 1);
  });

  void it('refuses a second job with error and keeps running the first', async () => {
    const s = new Session();
    await s.next('ready');
    s.host.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: toy({ iterations: 100_000 }) });
    await s.next('runStarted');
    s.host.send({ type: 'check', spec: toy() });
    assert.match((await s.next('error')).message, /already running a job/);
    s.host.send({ type: 'cancel' });
    assert.equal((await s.next('runFinished')).status, 'cancelled');
    assert.equal(await s.done, 0);
  });
});

void describe('problemFileLabel', () => {
  void it('is workspace-relative (POSIX) for a file inside the workspace of a .bilevel/runs store, else absolute', () => {
    const ws = path.resolve('/w/project');
    const store = path.join(ws, '.bilevel', 'runs');
    assert.equal(problemFileLabel(path.join(ws, 'exp', 'a.bilevel.ts'), store), 'exp/a.bilevel.ts');
    const outside = path.resolve('/elsewhere/a.bilevel.ts');
    assert.equal(problemFileLabel(outside, store), outside);
    assert.equal(problemFileLabel(path.join(ws, 'a.bilevel.ts'), path.resolve('/custom/store')), path.join(ws, 'a.bilevel.ts'));
  });
});
