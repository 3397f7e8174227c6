// RunManager with real child processes: the built worker (dist/worker.js, from `node esbuild.mjs`)
// for queueing, graceful cancel, compile errors, checks and dispose; and fake workers for what a real
// one must never do (ignore cancel, crash, run out of memory, die before ready, never answer). A fake
// worker is this same bundled file started with BILEVEL_FAKE_WORKER set (see the bottom).
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ExperimentSpec } from '../../../../src/protocol/experiment';
import type { IterationRecord } from '../../../../src/protocol/metrics';
import type { RunConfig } from '../../../../src/protocol/runRecord';
import { WORKER_PROTOCOL_VERSION } from '../../../../src/protocol/worker';
import type { HostToWorker, WorkerToHost } from '../../../../src/protocol/worker';
import { METRICS_FILE, RunStore } from '../../../../src/store/runStore';
import { RunManager } from '../../../../src/extension/runs/runManager';
import { describeExit, stderrSummary } from '../../../../src/extension/runs/workerProcess';
import type { QueueSnapshot, RunFinishedEvent, RunManagerOptions } from '../../../../src/extension/runs/runManager';
import { makeRunId } from '../../../../src/store/runId';
import { RunController } from '../../../../src/extension/runs/runController';
import { probeRun } from '../../../../src/extension/runs/costProbe';

/** The real worker bundle, next to the extension bundle in dist/. */
const WORKER = path.resolve(__dirname, '../../../../dist/worker.js');

/** What a fake worker does after the handshake. */
type FakeMode = 'ignore-cancel' | 'exit-3' | 'sigkill' | 'oom' | 'exit-before-ready' | 'never-ready' | 'complete';

const toy = (iterations: number, extra: ExperimentSpec['options'] = {}): ExperimentSpec => ({
  problem: { kind: 'builtin', id: 'toy-quadratic', params: { n: 3 } },
  method: 'rhg',
  options: { iterations, lowerSteps: 5, ...extra },
});

if (process.env.BILEVEL_FAKE_WORKER === undefined) {
  let tmp: string;
  let n = 0;
  const managers: RunManager[] = [];
  const storeDir = (): string => path.join(tmp, `ws${n++}`, '.bilevel', 'runs');
  /** A manager on the real worker (cpu backend), disposed after the suite. */
  const realManager = (options: Partial<RunManagerOptions> = {}): RunManager => {
    const m = new RunManager({ workerPath: WORKER, backend: 'cpu', storeDir: storeDir(), ...options });
    managers.push(m);
    return m;
  };
  /** A manager whose workers are fakes behaving as `mode`. */
  const fakeManager = (mode: FakeMode, options: Partial<RunManagerOptions> = {}): RunManager => {
    const env: NodeJS.ProcessEnv = { ...process.env, BILEVEL_FAKE_WORKER: mode };
    // The child must not think it is a node:test worker.
    delete env.NODE_TEST_CONTEXT;
    return realManager({ workerPath: __filename, env, ...options });
  };

  // Bounded, so a worker that never stops fails the suite instead of hanging it.
  void describe('RunManager', { timeout: 120_000 }, () => {
    before(() => {
      assert.ok(existsSync(WORKER), `${WORKER} is missing: build it with \`node esbuild.mjs\` before the unit tests`);
      tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-runmanager-'));
    });
    after(async () => {
      await Promise.all(managers.map((m) => m.dispose()));
      rmSync(tmp, { recursive: true, force: true });
    });

    void it("records a sweep's run under the id and sweep tag it was started with (run.json's config.sweep)", async () => {
      const m = realManager();
      const runId = makeRunId('rhg', 'toy-quadratic');
      const handle = m.start(toy(2), { runId, sweep: { id: '20261206-030000-sweep-toy-quadratic-ab12', index: 3 } });
      assert.equal(handle.runId, runId);
      const result = await handle.done;
      assert.equal(result.status, 'completed', result.message);
      const record = new RunStore(path.dirname(result.runDir!)).read(runId);
      assert.deepEqual(record.config.sweep, { id: '20261206-030000-sweep-toy-quadratic-ab12', index: 3 });
    });

    void it('with maxConcurrent 1 runs two runs one after the other, each to completed with all its metrics', async () => {
      const m = realManager({ maxConcurrent: 1 });
      const events: string[] = [];
      const snapshots: QueueSnapshot[] = [];
      const records = new Map<string, IterationRecord[]>();
      m.onQueueChanged((q) => snapshots.push(q));
      m.onRunStarted((e) => events.push(`started ${e.handle.key}`));
      m.onMetrics((e) => records.set(e.runId, [...(records.get(e.runId) ?? []), ...e.records]));
      m.onRunFinished((e) => events.push(`finished ${e.handle.key} ${e.result.status}`));
      const first = m.start(toy(4));
      const second = m.start(toy(3));
      assert.equal(first.state, 'starting');
      assert.equal(second.state, 'queued');
      assert.deepEqual(
        m.runs.queued.map((h) => h.key),
        [second.key],
      );
      const [a, b] = await Promise.all([first.done, second.done]);
      // One id from the first moment: the queued handle's id is the id the record has.
      assert.deepEqual([a.runId, b.runId], [first.runId, second.runId]);
      assert.match(second.runId, /^\d{8}-\d{6}-rhg-toy-quadratic-[0-9a-f]{4}$/);
      assert.deepEqual(events, [`started ${first.key}`, `finished ${first.key} completed`, `started ${second.key}`, `finished ${second.key} completed`]);
      assert.ok(
        snapshots.every((q) => q.active.length <= 1),
        'never two active runs',
      );
      for (const [result, iterations] of [
        [a, 4],
        [b, 3],
      ] as const) {
        assert.equal(result.status, 'completed');
        assert.equal(result.exit?.code, 0);
        assert.equal(result.backend?.name, 'cpu');
        const got = records.get(result.runId!)!;
        assert.deepEqual(
          got.map((r) => r.iteration),
          Array.from({ length: iterations }, (_, i) => i),
        );
        assert.equal(readFileSync(path.join(result.runDir!, METRICS_FILE), 'utf8').trim().split('\n').length, iterations);
      }
      assert.deepEqual(m.runs, { active: [], queued: [] });
    });

    void it('with maxConcurrent 2 runs two runs at once', async () => {
      const m = realManager({ maxConcurrent: 2 });
      let most = 0;
      m.onQueueChanged((q) => (most = Math.max(most, q.active.length)));
      const runs = [m.start(toy(3)), m.start(toy(3))];
      assert.deepEqual(
        runs.map((r) => r.state),
        ['starting', 'starting'],
      );
      const results = await Promise.all(runs.map((r) => r.done));
      assert.equal(most, 2);
      assert.deepEqual(
        results.map((r) => r.status),
        ['completed', 'completed'],
      );
    });

    void it('cancels a running run gracefully: cancelled, with run.json cancelled and the worker exiting cleanly', async () => {
      const m = realManager();
      const handle = m.start(toy(1_000_000));
      const firstBatch = new Promise<void>((resolve) => m.onMetrics(() => resolve()));
      await firstBatch;
      assert.equal(m.cancel(handle.runId!), true, 'cancel by run id');
      assert.equal(handle.state, 'stopping');
      const result = await handle.done;
      assert.equal(result.status, 'cancelled');
      assert.match(result.message ?? '', /^cancelled after \d+ of 1000000 outer iterations$/);
      assert.equal(result.exit?.code, 0);
      assert.equal(result.exit?.signal, null);
      const record = new RunStore(path.dirname(result.runDir!)).read(result.runId!);
      assert.equal(record.status, 'cancelled');
      assert.equal(m.cancel(handle), false, 'a finished run cannot be cancelled again');
    });

    void it('cancels a queued run without ever starting it', async () => {
      const m = realManager({ maxConcurrent: 1 });
      const running = m.start(toy(1_000_000));
      const queued = m.start(toy(3));
      const started: string[] = [];
      m.onRunStarted((e) => started.push(e.handle.key));
      assert.equal(m.cancel(queued.key), true);
      assert.deepEqual(await queued.done, { status: 'cancelled', message: 'cancelled before it started', warnings: [] });
      m.cancel(running);
      assert.equal((await running.done).status, 'cancelled');
      assert.ok(!started.includes(queued.key));
    });

    void it('cancels a run that is still starting by killing its worker: nothing is recorded', async () => {
      const dir = storeDir();
      const m = realManager({ storeDir: dir });
      const handle = m.start(toy(5));
      assert.equal(handle.state, 'starting');
      m.cancel(handle.key);
      const result = await handle.done;
      assert.equal(result.status, 'cancelled');
      assert.equal(result.message, 'cancelled before it started');
      assert.equal(result.runId, undefined);
      assert.deepEqual(new RunStore(dir).list(), []);
    });

    void it('starts queued runs when maxConcurrent is raised', async () => {
      const m = realManager({ maxConcurrent: 1 });
      const a = m.start(toy(1_000_000));
      const b = m.start(toy(1_000_000));
      assert.equal(b.state, 'queued');
      m.configure({ maxConcurrent: 2 });
      assert.equal(b.state, 'starting');
      await m.dispose();
      assert.deepEqual([a.result?.status, b.result?.status], ['cancelled', 'cancelled']);
    });

    void it('kills a worker that ignores cancel after killTimeoutMs: cancelled with the reason, in run.json too', async () => {
      const m = fakeManager('ignore-cancel', { killTimeoutMs: 300 });
      const handle = m.start(toy(10));
      await new Promise<void>((resolve) => m.onRunStarted(() => resolve()));
      const t0 = Date.now();
      m.cancel(handle);
      const result = await handle.done;
      assert.ok(Date.now() - t0 >= 290, 'waits for the timeout before killing');
      assert.equal(result.status, 'cancelled');
      assert.equal(result.message, 'cancelled: the worker did not stop within 300 ms of the cancel request and was killed');
      assert.equal(result.exit?.signal, 'SIGKILL');
      const record = new RunStore(path.dirname(result.runDir!)).read(result.runId!);
      assert.equal(record.status, 'cancelled');
      assert.equal(record.message, result.message);
    });

    void it('reports a worker that exits with code 3 as failed, with its stderr, while another run completes', async () => {
      const crashing = fakeManager('exit-3');
      const healthy = realManager();
      const good = healthy.start(toy(20));
      const bad = crashing.start(toy(10));
      const finished: RunFinishedEvent[] = [];
      crashing.onRunFinished((e) => finished.push(e));
      const result = await bad.done;
      assert.equal(result.status, 'failed');
      assert.equal(result.message, 'the worker exited with code 3: fake worker: simulated crash in iteration 1');
      assert.equal(result.exit?.code, 3);
      assert.equal(finished.length, 1, 'onRunFinished fires once');
      const record = new RunStore(path.dirname(result.runDir!)).read(result.runId!);
      assert.equal(record.status, 'failed');
      assert.equal(record.message, result.message);
      // This process (the extension host in real life) and the other run are unaffected.
      assert.equal((await good.done).status, 'completed');
    });

    void it('reports a worker killed by a signal as failed with the signal', async () => {
      const result = await fakeManager('sigkill').start(toy(10)).done;
      assert.equal(result.status, 'failed');
      assert.match(result.message ?? '', /^the worker was killed by SIGKILL/);
      assert.equal(new RunStore(path.dirname(result.runDir!)).read(result.runId!).status, 'failed');
    });

    void it('reports a worker that runs out of memory as failed, out of memory', async () => {
      const result = await fakeManager('oom', { execArgv: ['--max-old-space-size=24'] }).start(toy(10)).done;
      assert.equal(result.status, 'failed');
      assert.match(result.message ?? '', /^the worker ran out of memory \(.*\): .*heap out of memory$/);
      assert.equal(new RunStore(path.dirname(result.runDir!)).read(result.runId!).status, 'failed');
    });

    void it('fails a run whose worker exits before it is ready, or never answers init', async () => {
      const early = await fakeManager('exit-before-ready').start(toy(3)).done;
      assert.equal(early.status, 'failed');
      assert.equal(early.message, 'the worker exited with code 2 before it was ready: fake worker: cannot start');
      assert.equal(early.runId, undefined);
      const silent = await fakeManager('never-ready', { readyTimeoutMs: 300 }).start(toy(3)).done;
      assert.equal(silent.status, 'failed');
      assert.equal(silent.message, 'the worker did not answer within 300 ms of starting');
      assert.equal(silent.exit, undefined);
    });

    void it("sends bilevel.backend in the worker's init: the default, the configured one for the next run, a run's own", async () => {
      const m = fakeManager('complete', { backend: 'wasm' });
      const first = await m.start(toy(1)).done;
      m.configure({ backend: 'webgpu' });
      const second = await m.start(toy(1)).done;
      const own = await m.start(toy(1), { backend: 'cpu' }).done;
      assert.deepEqual(
        [first, second, own].map((r) => [r.status, r.backend?.detail]),
        [
          ['completed', 'fake, init asked for wasm'],
          ['completed', 'fake, init asked for webgpu'],
          ['completed', 'fake, init asked for cpu'],
        ],
      );
      // Through RunController, the setting read as each run is queued wins over the manager's default.
      let setting = 'tensorflow';
      const controller = new RunController(m, Date.now, () => setting);
      const a = controller.start(toy(1), storeDir());
      setting = 'auto';
      const b = controller.start(toy(1), storeDir());
      await Promise.all([controller.waitForRun(a.runId), controller.waitForRun(b.runId)]);
      controller.dispose();
      assert.deepEqual([a.backend?.detail, b.backend?.detail], ['fake, init asked for tensorflow', 'fake, init asked for auto']);
    });

    void it('fails a run on an unavailable backend with the worker’s reason', async () => {
      const result = await realManager({ backend: 'tensorflow' }).start(toy(3)).done;
      assert.equal(result.status, 'failed');
      assert.match(result.message ?? '', /backend 'tensorflow'/);
    });

    void it('reports compile errors of a problem file through onCompileError and the result', async () => {
      const m = realManager();
      const file = path.join(tmp, 'broken.bilevel.ts');
      writeFileSync(file, "import { defineProblem } from 'bilevel-lab';\nexport default defineProblem({ id: 'x', );\n");
      const seen: string[] = [];
      m.onCompileError((e) => seen.push(`${e.handle.key} ${e.diagnostics[0]!.line}:${e.diagnostics[0]!.column}`));
      const handle = m.start({ problem: { kind: 'file', path: file, exportName: 'default' }, method: 'rhg', options: {} });
      const result = await handle.done;
      assert.equal(result.status, 'failed');
      assert.equal(result.runId, undefined);
      assert.deepEqual(seen, [`${handle.key} 2:41`]);
      assert.equal(result.diagnostics?.[0]?.line, 2);
      assert.match(result.message ?? '', /^the problem file has errors: /);
    });

    void it('checks a hypergradient in a worker of its own', async () => {
      const outcome = await realManager().check(toy(1)).done;
      assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
      assert.equal(outcome.result.method, 'rhg');
      assert.equal(outcome.result.exact, true);
    });

    void it('starts the runs of one group one at a time, while an unrelated run starts beside them', async () => {
      const m = realManager({ maxConcurrent: 2, groupConcurrency: 1 });
      let mostOfGroup = 0;
      let besideGroup = false;
      m.onQueueChanged((q) => {
        const ofGroup = q.active.filter((h) => h.key !== single.key).length;
        mostOfGroup = Math.max(mostOfGroup, ofGroup);
        if (ofGroup > 0 && q.active.some((h) => h.key === single.key)) besideGroup = true;
      });
      const group = [m.start(toy(3), { group: 'g' }), m.start(toy(3), { group: 'g' }), m.start(toy(3), { group: 'g' })];
      const single = m.start(toy(3));
      assert.deepEqual(
        [...group, single].map((h) => h.state),
        ['starting', 'queued', 'queued', 'starting'],
        'the unrelated run skips the waiting group runs',
      );
      const results = await Promise.all([...group, single].map((h) => h.done));
      assert.deepEqual(
        results.map((r) => r.status),
        ['completed', 'completed', 'completed', 'completed'],
      );
      assert.equal(mostOfGroup, 1, 'never two runs of the group at once');
      assert.ok(besideGroup, 'the unrelated run ran beside the group');
    });

    void it('Cancel all of a 3-method comparison never starts its queued runs (RunController over the real manager)', async () => {
      const m = realManager({ maxConcurrent: 2, groupConcurrency: 1 });
      const controller = new RunController(m);
      const started: string[] = [];
      m.onRunStarted((e) => started.push(e.handle.key));
      const dir = storeDir();
      const runs = ['rhg', 'cg', 'neumann'].map((method) => controller.start({ ...toy(1_000_000), method }, dir, { group: 'compare' }));
      assert.deepEqual(
        runs.map((r) => r.status),
        ['running', 'queued', 'queued'],
      );
      await new Promise<void>((resolve) => m.onRunStarted(() => resolve()));
      assert.equal(controller.cancelAll(runs.map((r) => r.runId)), 3);
      assert.equal(runs[0]!.cancelling, true);
      const ended = await Promise.all(runs.map((r) => controller.waitForRun(r.runId)));
      assert.deepEqual(
        ended.map((r) => r.status),
        ['cancelled', 'cancelled', 'cancelled'],
      );
      assert.deepEqual(started, [runs[0]!.runId], 'only the first run ever started');
      assert.deepEqual(
        new RunStore(dir).list().map((r) => r.id),
        [runs[0]!.runId],
      );
      controller.dispose();
    });

    void it('a single cancel of the running run of a group lets the next queued one start', async () => {
      const m = realManager({ maxConcurrent: 2, groupConcurrency: 1 });
      const [first, second] = [m.start(toy(1_000_000), { group: 'g' }), m.start(toy(2), { group: 'g' })];
      await new Promise<void>((resolve) => m.onRunStarted(() => resolve()));
      m.cancel(first!);
      assert.equal((await first!.done).status, 'cancelled');
      assert.equal((await second!.done).status, 'completed');
    });

    void it('probes a run for a few iterations outside the queue, leaving no record anywhere', async () => {
      const m = realManager({ maxConcurrent: 1 });
      const busy = m.start(toy(1_000_000));
      const runDirs: string[] = [];
      m.onRunStarted((e) => runDirs.push(e.runDir));
      // A budget no 3-iteration probe reaches (rhg at K = 5 calls 11 oracles an iteration).
      const outcome = await probeRun(m, toy(500, { maxOracleCalls: 100_000 }), 3);
      assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
      assert.equal(outcome.sample.plannedIterations, 500, 'the iterations the real run would make');
      assert.equal(outcome.sample.maxOracleCalls, 100_000, 'the resolved budget, for the estimate (costEstimate.ts)');
      assert.ok(outcome.sample.records.every((r) => Number.isFinite((r.gradientEvals ?? Number.NaN) + (r.hvpEvals ?? Number.NaN))), 'records carry the oracle counters');
      assert.ok(outcome.sample.records.length >= 3);
      assert.ok(outcome.sample.startMs > 0);
      assert.ok(outcome.sample.records.every((r) => typeof r.time === 'number'));
      const probeDir = runDirs.find((d) => !d.startsWith(path.dirname(busy.runDir ?? '/nowhere')))!;
      assert.ok(probeDir !== undefined && !existsSync(probeDir), 'the probe store is removed');
      assert.equal(busy.state, 'running', 'the probe did not wait for the long run');
      m.cancel(busy);
      await busy.done;
    });

    void it('dispose cancels queued and running runs and waits for their workers', async () => {
      const m = realManager({ maxConcurrent: 1 });
      const running = m.start(toy(1_000_000));
      const queued = m.start(toy(3));
      await new Promise<void>((resolve) => m.onRunStarted(() => resolve()));
      await m.dispose();
      assert.equal(running.state, 'finished');
      assert.equal(running.result?.status, 'cancelled');
      assert.equal(queued.result?.status, 'cancelled');
      assert.throws(() => m.start(toy(1)), /disposed/);
    });
  });

  void describe('the worker process (dist/worker.js)', () => {
    // Runs after the RunManager suite removed tmp: its store is made again under it, so remove it again.
    after(() => rmSync(tmp, { recursive: true, force: true }));

    void it('finishes its run as cancelled and exits when the host goes away', async () => {
      const dir = storeDir();
      const child = fork(WORKER, [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const started = new Promise<string>((resolve) =>
        child.on('message', (raw) => {
          const m = raw as WorkerToHost;
          if (m.type === 'ready') child.send({ type: 'run', runId: makeRunId('rhg', 'test'), spec: toy(1_000_000), batchMs: 1 } satisfies HostToWorker);
          if (m.type === 'metrics') resolve(m.runId);
        }),
      );
      child.send({ type: 'init', protocolVersion: WORKER_PROTOCOL_VERSION, backend: 'cpu', storeDir: dir } satisfies HostToWorker);
      const runId = await started;
      child.disconnect();
      assert.equal(await exited, 0);
      const record = new RunStore(dir).read(runId);
      assert.equal(record.status, 'cancelled');
    });
  });

  void describe('crash reports', () => {
    void it('summarize stderr: the error line of an uncaught exception, not its stack or the banner', () => {
      const uncaught = ['/ext/dist/worker.js:120', '    throw err;', '    ^', '', 'TypeError: x is not a function', '    at run (/ext/dist/worker.js:1:2)', '    at main (/ext/dist/worker.js:3:4)', '', 'Node.js v20.20.2'];
      assert.deepEqual(stderrSummary(uncaught), ['TypeError: x is not a function']);
      assert.deepEqual(stderrSummary(['warming up', 'step 1', 'step 2', 'step 3']), ['step 1', 'step 2', 'step 3']);
      assert.deepEqual(stderrSummary([]), []);
    });

    void it('recognize V8 running out of memory whatever the signal', () => {
      const oom = ['<--- Last few GCs --->', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', ' 1: 0xb8d0a3 node::Abort() [node]', ' 2: 0xa96834  [node]'];
      assert.deepEqual(stderrSummary(oom), ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory']);
      assert.equal(describeExit({ code: null, signal: 'SIGABRT', stderr: oom }), 'ran out of memory (killed by SIGABRT)');
      assert.equal(describeExit({ code: 134, signal: null, stderr: oom }), 'ran out of memory (exit code 134)');
      assert.equal(describeExit({ code: null, signal: 'SIGTERM', stderr: [] }), 'was killed by SIGTERM');
      assert.equal(describeExit({ code: 7, signal: null, stderr: ['boom'] }), 'exited with code 7');
    });
  });
} else {
  fakeWorker(process.env.BILEVEL_FAKE_WORKER as FakeMode);
}

/** A worker that handshakes like the real one, then misbehaves as `mode` says. */
function fakeWorker(mode: FakeMode): void {
  const send = (m: WorkerToHost): void => void process.send!(m);
  if (mode === 'exit-before-ready') {
    process.stderr.write('fake worker: cannot start\n');
    process.exit(2);
  }
  process.on('message', (raw) => {
    const message = raw as HostToWorker;
    if (message.type === 'init') {
      if (mode === 'never-ready') return;
      // The detail echoes the backend `init` asked for, so tests see what reached the worker.
      send({ type: 'ready', protocolVersion: WORKER_PROTOCOL_VERSION, backend: { name: 'cpu', detail: `fake, init asked for ${message.backend}`, skipped: [] }, versions: {} });
      process.once('message', (run) => startFakeRun(mode, message.storeDir, run as HostToWorker, send));
    }
  });
}

/** Creates a real run record under the host's run id, streams one record, then does what `mode` says. */
function startFakeRun(mode: FakeMode, storeDir: string, message: HostToWorker, send: (m: WorkerToHost) => void): void {
  if (message.type !== 'run') return;
  const config: RunConfig = { problem: 'toy-quadratic', problemParams: {}, method: message.spec.method, methodOptions: {}, iterations: 10, seed: 0, backend: 'cpu' };
  const writer = new RunStore(storeDir).create(config, { id: message.runId, versions: {} });
  send({ type: 'runStarted', runId: writer.id, runDir: writer.dir, options: {}, iterations: 10 });
  const record: IterationRecord = { iteration: 0, upperLoss: 1, lowerLoss: 1, hypergradNorm: 1, lowerStationarity: 0, forwardMs: 1, backwardMs: 1, gradientEvals: 1, hvpEvals: 0, numTensors: 1, numBytes: 4, stats: {} };
  writer.append([record]);
  send({ type: 'metrics', runId: writer.id, records: [record] });
  setTimeout(() => {
    switch (mode) {
      case 'complete':
        writer.finish('completed');
        send({ type: 'runFinished', runId: writer.id, status: 'completed', warnings: [] });
        process.exit(0);
        return;
      case 'ignore-cancel':
        // Busy forever; `cancel` arrives and is never acted on.
        setInterval(() => undefined, 1000);
        return;
      case 'exit-3':
        process.stderr.write('fake worker: simulated crash in iteration 1\n');
        process.exit(3);
        return;
      case 'sigkill':
        process.kill(process.pid, 'SIGKILL');
        return;
      case 'oom': {
        const hog: number[][] = [];
        for (;;) hog.push(new Array<number>(1e6).fill(Math.random()));
      }
      default:
        return;
    }
  }, 50);
}
