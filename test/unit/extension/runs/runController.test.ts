// RunController turns RunManager events into the UI's change stream: a run keeps the id it was
// queued with, records accumulate, compile errors and finishes are reported once, checks come back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExperimentSpec, SourceDiagnostic } from '../../../../src/protocol/experiment';
import type { IterationRecord } from '../../../../src/protocol/metrics';
import type { CheckResultMessage } from '../../../../src/protocol/worker';
import { problemKey, RunController, type RunChange, type RunManagerLike } from '../../../../src/extension/runs/runController';
import type { CheckOutcome, RunHandle } from '../../../../src/extension/runs/runManager';
import { FakeManager } from '../../helpers/fakeRunManager';

const SPEC: ExperimentSpec = { problem: { kind: 'file', path: '/ws/sub/lake.bilevel.ts', exportName: 'lake' }, method: 'rhg', options: { iterations: 10 } };

function record(t: number): IterationRecord {
  return { iteration: t, upperLoss: 1, lowerLoss: 1, hypergradNorm: 1, lowerStationarity: 0, forwardMs: 1, backwardMs: 1, gradientEvals: 1, hvpEvals: 0, numTensors: 1, numBytes: 4, stats: {} };
}

function setup(): { fake: FakeManager; controller: RunController; changes: RunChange[] } {
  const fake = new FakeManager();
  const controller = new RunController(fake as unknown as RunManagerLike, () => 1000);
  const changes: RunChange[] = [];
  controller.onDidChange((c) => changes.push(c));
  return { fake, controller, changes };
}

describe('RunController', () => {
  it('follows a run from queued to finished under the one id it was queued with', async () => {
    const { fake, controller, changes } = setup();
    const run = controller.start(SPEC, '/ws/.bilevel/runs');
    assert.equal(fake.stores[0], '/ws/.bilevel/runs');
    assert.deepEqual([run.runId, run.recorded, run.status, run.iterations, run.problem], ['R1', false, 'queued', 10, 'lake.bilevel.ts#lake']);
    assert.deepEqual(controller.liveInfo()[0], { runId: 'R1', recorded: false, storeDir: '/ws/.bilevel/runs', problem: 'lake.bilevel.ts#lake', method: 'rhg', status: 'queued', done: 0, total: 10, queuedAt: 1000 });
    const handle = fake.handles[0]!;
    const finished = controller.waitForRun('R1');
    fake.started.fire({ handle, runId: 'R1', runDir: '/ws/.bilevel/runs/R1', options: {}, iterations: 12, backend: { name: 'cpu', detail: '', skipped: [] } });
    assert.equal(controller.get('R1'), run);
    assert.equal(run.recorded, true);
    assert.equal(run.status, 'running');
    assert.equal(run.iterations, 12);
    fake.metrics.fire({ handle, runId: 'R1', records: [record(0), record(1)] });
    fake.metrics.fire({ handle, runId: 'R1', records: [record(2)] });
    assert.deepEqual(
      run.kept.records().map((r) => r.iteration),
      [0, 1, 2],
    );
    assert.equal(controller.liveInfo()[0]!.done, 3);
    fake.finished.fire({ handle, result: { status: 'completed', runId: 'R1', warnings: ['w'] } });
    assert.equal((await finished).status, 'completed');
    assert.deepEqual(run.warnings, ['w']);
    assert.deepEqual(controller.active(), []);
    // The store has the records of a finished run with an id; memory is freed.
    assert.equal(run.kept.records().length, 0);
    assert.equal(run.done, 3);
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['queued', 'started', 'metrics', 'metrics', 'finished'],
    );
    // A second finish (a late event) changes nothing.
    fake.finished.fire({ handle, result: { status: 'failed', warnings: [] } });
    assert.equal(run.status, 'completed');
  });

  it('reports compile errors of runs and of checks, with the spec', () => {
    const { fake, controller, changes } = setup();
    const run = controller.start(SPEC, '/s');
    const diagnostics: SourceDiagnostic[] = [{ file: '/ws/sub/lake.bilevel.ts', line: 3, column: 5, message: 'Expected ")"' }];
    fake.compileErrors.fire({ handle: fake.handles[0]!, diagnostics });
    fake.compileErrors.fire({ handle: { key: 'check-9', kind: 'check', spec: SPEC, state: 'running' } as never, diagnostics });
    const errors = changes.filter((c) => c.kind === 'compileError');
    assert.equal(errors.length, 2);
    assert.equal(errors[0]!.kind === 'compileError' && errors[0]!.run, run);
    assert.equal(errors[1]!.kind === 'compileError' && errors[1]!.run, undefined);
    assert.equal(errors[1]!.kind === 'compileError' && errors[1]!.spec, SPEC);
    fake.finished.fire({ handle: fake.handles[0]!, result: { status: 'failed', message: 'the problem file has errors', warnings: [], diagnostics } });
    assert.deepEqual(run.diagnostics, diagnostics);
    assert.equal(run.recorded, false, 'no record was made');
  });

  it('cancels through the manager by run id, and refuses unknown or finished runs', () => {
    const { fake, controller } = setup();
    controller.start(SPEC, '/s');
    assert.equal(controller.cancel('R1'), true);
    assert.deepEqual(fake.cancelled, ['R1']);
    assert.equal(controller.cancel('nope'), false);
    fake.finished.fire({ handle: fake.handles[0]!, result: { status: 'cancelled', warnings: [] } });
    assert.equal(controller.cancel('R1'), false);
  });

  it('moves a queued run to running when its worker starts', () => {
    const { fake, controller, changes } = setup();
    const run = controller.start(SPEC, '/s');
    fake.queue.fire({ active: [{ ...fake.handles[0]!, state: 'starting' } as RunHandle], queued: [] });
    assert.equal(run.status, 'running');
    assert.equal(changes.at(-1)!.kind, 'progress');
  });

  it('returns check results and rejects with the reason', async () => {
    const { fake, controller, changes } = setup();
    const result: CheckResultMessage = { type: 'checkResult', method: 'rhg', exact: true, maxRelativeError: 1e-7, relativeErrorVsRhg: 0, directions: [] };
    fake.checkOutcome = { ok: true, result };
    assert.equal(await controller.check(SPEC, '/s'), result);
    fake.checkOutcome = { ok: false, message: 'the problem file has errors: x' };
    await assert.rejects(controller.check(SPEC, '/s'), /problem file has errors/);
    controller.start(SPEC, '/s');
    controller.setCheck('R1', { verdict: 'pass', maxRelativeError: 1e-7, relativeErrorVsRhg: 0 });
    assert.equal(changes.at(-1)!.kind, 'checked');
    assert.equal(controller.get('R1')!.check!.verdict, 'pass');
  });

  it('keys file problems by base name and built-ins by id', () => {
    assert.equal(problemKey(SPEC), 'lake.bilevel.ts#lake');
    assert.equal(problemKey({ problem: { kind: 'builtin', id: 'toy-llc', params: {} }, method: 'rhg', options: {} }), 'toy-llc');
  });
});

describe('RunController.cancelAll', () => {
  it('cancels the queued runs of the group before the running ones, and skips other and finished runs', () => {
    const manager = new FakeManager();
    const controller = new RunController(manager as unknown as RunManagerLike, () => 1000);
    const spec: ExperimentSpec = { problem: { kind: 'builtin', id: 'toy-quadratic', params: {} }, method: 'rhg', options: {} };
    const [a, b, c, other] = [0, 1, 2, 3].map(() => controller.start(spec, '/store'));
    manager.queue.fire({ active: [manager.handles[0]!, manager.handles[3]!].map((h) => ({ ...h, state: 'running' }) as RunHandle), queued: [manager.handles[1]!, manager.handles[2]!] });
    assert.equal(a!.status, 'running');
    assert.equal(b!.status, 'queued');
    assert.equal(controller.cancelAll([a!.runId, b!.runId, c!.runId]), 3);
    assert.deepEqual(manager.cancelled, [b!.runId, c!.runId, a!.runId]);
    assert.ok(!manager.cancelled.includes(other!.runId));
    controller.dispose();
  });
});

describe('RunController: concurrency labels and cancelling', () => {
  it('labels as concurrent only the runs that had another worker beside them at some moment', () => {
    const { fake, controller } = setup();
    const [a, b, c] = [0, 1, 2].map(() => controller.start(SPEC, '/s', { group: 'g1' }));
    assert.deepEqual(fake.groups, ['g1', 'g1', 'g1'], 'the group reaches the manager');
    assert.equal(a!.group, 'g1');
    const [ha, hb, hc] = fake.handles;
    // One after another: a alone, then b alone.
    fake.activeNow(ha!);
    fake.finished.fire({ handle: ha!, result: { status: 'completed', warnings: [] } });
    fake.activeNow(hb!);
    assert.equal(a!.concurrent, undefined);
    assert.equal(b!.concurrent, undefined);
    // An unrelated run starts while b runs: both shared the machine from then on.
    const other = controller.start(SPEC, '/s');
    fake.activeNow(hb!, fake.handles[3]!);
    assert.equal(b!.concurrent, true);
    assert.equal(other.concurrent, true);
    fake.finished.fire({ handle: hb!, result: { status: 'completed', warnings: [] } });
    fake.finished.fire({ handle: fake.handles[3]!, result: { status: 'completed', warnings: [] } });
    // c runs alone afterwards: not labelled, and a finished run is never relabelled.
    fake.activeNow(hc!);
    assert.equal(c!.concurrent, undefined);
    assert.equal(a!.concurrent, undefined);
  });

  it('labels a run that was started beside a running one inside manager.start (before the controller knew it)', () => {
    const fake = new FakeManager();
    // This manager starts every run at once, announcing both as active from inside start().
    const starting = fake.start.bind(fake);
    fake.start = (spec, overrides) => {
      const h = starting(spec, overrides);
      (h as { state: string }).state = 'starting';
      fake.activeNow(...fake.handles);
      return h;
    };
    const controller = new RunController(fake as unknown as RunManagerLike, () => 1000);
    const first = controller.start(SPEC, '/s');
    assert.equal(first.concurrent, undefined);
    const second = controller.start(SPEC, '/s');
    assert.equal(first.concurrent, true);
    assert.equal(second.concurrent, true);
    assert.equal(second.status, 'running');
    assert.equal(second.startedAt, 1000);
  });

  it('labels a run that ran while a check of this window was running', async () => {
    const { fake, controller } = setup();
    const run = controller.start(SPEC, '/s');
    fake.activeNow(fake.handles[0]!);
    assert.equal(run.concurrent, undefined);
    let end!: (o: CheckOutcome) => void;
    fake.checkDone = new Promise((resolve) => (end = resolve));
    const checking = controller.check(SPEC, '/s');
    assert.equal(run.concurrent, true);
    end({ ok: false, message: 'done' });
    await assert.rejects(checking, /done/);
    // After the check, a new run alone is not labelled.
    fake.finished.fire({ handle: fake.handles[0]!, result: { status: 'completed', warnings: [] } });
    const later = controller.start(SPEC, '/s');
    fake.activeNow(fake.handles[1]!);
    assert.equal(later.concurrent, undefined);
  });

  it('marks a running run as cancelling and fires a change at once, before the worker has stopped', () => {
    const { fake, controller, changes } = setup();
    const run = controller.start(SPEC, '/s');
    fake.activeNow(fake.handles[0]!);
    const before = changes.length;
    assert.equal(controller.cancel(run.runId), true);
    assert.equal(run.cancelling, true);
    assert.equal(run.status, 'running', 'still running until the worker reports the end');
    assert.deepEqual(
      changes.slice(before).map((c) => c.kind),
      ['progress'],
    );
    assert.equal(changes.at(-1)!.kind === 'progress' && changes.at(-1)!.run, run);
    fake.finished.fire({ handle: fake.handles[0]!, result: { status: 'cancelled', warnings: [] } });
    assert.equal(run.cancelling, undefined);
    assert.equal(run.status, 'cancelled');
  });

  it('asks for the bilevel.backend of the moment each run or check is queued, so a change applies to the next run', async () => {
    const fake = new FakeManager();
    let setting = 'wasm';
    const controller = new RunController(fake as unknown as RunManagerLike, () => 1000, () => setting);
    const asked: (string | undefined)[] = [];
    const start = fake.start.bind(fake);
    fake.start = (spec, overrides: Parameters<FakeManager['start']>[1] & { backend?: string } = {}) => (asked.push(overrides.backend), start(spec, overrides));
    const check = fake.check.bind(fake);
    fake.check = (spec: ExperimentSpec, overrides?: { backend?: string }) => (asked.push(overrides?.backend), check(spec));
    const first = controller.start(SPEC, '/s');
    setting = 'webgpu';
    const second = controller.start(SPEC, '/s');
    await assert.rejects(controller.check(SPEC, '/s'), /no check/);
    assert.deepEqual(asked, ['wasm', 'webgpu', 'webgpu']);
    assert.deepEqual([first.requestedBackend, second.requestedBackend], ['wasm', 'webgpu']);
    // Without a setting reader the manager's own default applies: nothing is asked for.
    const plain = setup();
    const askedPlain: unknown[] = [];
    const startPlain = plain.fake.start.bind(plain.fake);
    plain.fake.start = (spec, overrides = {}) => (askedPlain.push((overrides as { backend?: string }).backend), startPlain(spec, overrides));
    assert.equal(plain.controller.start(SPEC, '/s').requestedBackend, undefined);
    assert.deepEqual(askedPlain, [undefined]);
  });

  it("takes the backend from the worker's ready (a queue snapshot) once, before the run is recorded, and fires a change", () => {
    const { fake, controller, changes } = setup();
    const run = controller.start(SPEC, '/s');
    fake.activeNow(fake.handles[0]!);
    assert.equal(run.backend, undefined, 'no backend before the worker is ready');
    const backend = { name: 'wasm', detail: 'tfjs-backend-wasm 4.22.0, simd, 2 threads, binaries: /d', skipped: [{ name: 'webgpu', reason: 'found no WebGPU adapter (x)' }] };
    (fake.handles[0] as { backend?: unknown }).backend = backend;
    const before = changes.length;
    fake.activeNow(fake.handles[0]!);
    assert.deepEqual(run.backend, backend);
    assert.deepEqual(
      changes.slice(before).map((c) => c.kind),
      ['progress'],
    );
    assert.deepEqual(controller.liveInfo()[0]!.backend, backend);
    // The same snapshot again changes nothing.
    fake.activeNow(fake.handles[0]!);
    assert.equal(changes.length, before + 1);
  });

  it('takes the backend from runStarted or the result when no snapshot carried it', () => {
    const { fake, controller } = setup();
    const a = controller.start(SPEC, '/s');
    const b = controller.start(SPEC, '/s');
    const cpu = { name: 'cpu', detail: 'tfjs-backend-cpu 4.22.0 (plain JavaScript kernels)', skipped: [] };
    fake.started.fire({ handle: fake.handles[0]!, runId: 'R1', runDir: '/s/R1', options: {}, iterations: 10, backend: cpu });
    fake.finished.fire({ handle: fake.handles[1]!, result: { status: 'failed', message: 'x', warnings: [], backend: cpu } });
    assert.deepEqual([a.backend, b.backend], [cpu, cpu]);
  });
});
