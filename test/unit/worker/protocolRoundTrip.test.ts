// Every host ↔ worker message survives the IPC channel the extension opens (fork with
// `serialization: 'advanced'`, i.e. v8.serialize): NaN, ±Infinity, -0 and typed arrays included,
// which JSON serialization would lose. The echo child is this same bundled file started with
// BILEVEL_PROTOCOL_ECHO set (see the bottom).
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import type { IterationRecord } from '../../../src/protocol/metrics';
import { WORKER_PROTOCOL_VERSION } from '../../../src/protocol/worker';
import type { HostToWorker, WorkerToHost } from '../../../src/protocol/worker';

/** A record with the values JSON cannot carry. */
const RECORD: IterationRecord = {
  iteration: 3,
  upperLoss: Number.NaN,
  lowerLoss: -0,
  hypergradNorm: Number.POSITIVE_INFINITY,
  lowerStationarity: Number.NEGATIVE_INFINITY,
  upperDistance: 1e-300,
  forwardMs: 0.25,
  backwardMs: 1.5,
  gradientEvals: 40,
  hvpEvals: 12,
  numTensors: 17,
  numBytes: 2048,
  // The protocol types say number[]; a worker that sends a typed array must still round-trip.
  stats: { 'ptt.kStar': 4, 'cg.residual': [0.5, Number.NaN, 0.125], converged: false, note: 'ok', trace: new Float32Array([1.5, -2, Number.NaN]) as unknown as number[] },
};

const SPEC = { problem: { kind: 'file', path: '/w/p.bilevel.ts', exportName: 'default' }, method: 'rhg', options: { lowerSteps: 20, warmStart: true, outerOptimizer: 'adam' }, name: 'ünïcode ✓' } as const;

// One sample per message type; the mapped types make the compiler demand a sample for every new type.
const HOST_MESSAGES: { [K in HostToWorker['type']]: Extract<HostToWorker, { type: K }> } = {
  init: { type: 'init', protocolVersion: WORKER_PROTOCOL_VERSION, backend: 'auto', storeDir: '/w/.bilevel/runs' },
  run: { type: 'run', runId: '20261205-000000-rhg-p-0a1b', spec: SPEC, batchMs: 75 },
  check: { type: 'check', spec: { problem: { kind: 'builtin', id: 'toy-quadratic', params: { n: 4, identity: false } }, method: 'cg', options: {} } },
  cancel: { type: 'cancel' },
};
const WORKER_MESSAGES: { [K in WorkerToHost['type']]: Extract<WorkerToHost, { type: K }> } = {
  ready: { type: 'ready', protocolVersion: WORKER_PROTOCOL_VERSION, backend: { name: 'wasm', detail: 'simd', skipped: [{ name: 'webgpu', reason: 'no adapter' }] }, versions: { node: 'v20' } },
  runStarted: { type: 'runStarted', runId: '20261122-000000-rhg-x-abcd', runDir: '/w/.bilevel/runs/x', options: { lowerSteps: 20, warmStart: false, outerOptimizer: 'sgd' }, iterations: 100 },
  metrics: { type: 'metrics', runId: 'r', records: [RECORD, { ...RECORD, iteration: 4 }] },
  runFinished: {
    type: 'runFinished',
    runId: 'r',
    status: 'diverged',
    message: 'upper loss is NaN',
    summary: { iterations: 5, last: RECORD, x: { x: [1, Number.NaN] }, y: { y: [-0] }, msPerIteration: 2, peakTensors: 10, peakBytes: 400, iterationsToTolerance: 3, warnings: ['w'] },
    warnings: ['CG did not converge'],
  },
  checkResult: { type: 'checkResult', method: 'rhg', exact: true, maxRelativeError: 1e-7, relativeErrorVsRhg: 0, directions: [{ analytic: 1, finiteDifference: 1.0000001, epsilon: 0.01, relativeError: 1e-7 }] },
  compileError: { type: 'compileError', diagnostics: [{ file: '/w/p.bilevel.ts', line: 9, column: 64, message: 'Unexpected ","' }, { file: '/w/p.bilevel.ts', message: 'no line' }] },
  error: { type: 'error', message: 'protocol version mismatch' },
};
const ALL: readonly (HostToWorker | WorkerToHost)[] = [...Object.values(HOST_MESSAGES), ...Object.values(WORKER_MESSAGES)];

if (process.env.BILEVEL_PROTOCOL_ECHO === undefined) {
  void describe('worker protocol round trip', () => {
    void it('has a sample of every message type', () => {
      assert.equal(ALL.length, 11);
      assert.equal(new Set(ALL.map((m) => m.type)).size, 11);
    });

    void it('survives v8 serialization (what advanced IPC uses) unchanged', () => {
      for (const message of ALL) assert.deepStrictEqual(deserialize(serialize(message)), message, message.type);
      const copy = deserialize(serialize(WORKER_MESSAGES.metrics)) as typeof WORKER_MESSAGES.metrics;
      assert.ok(copy.records[0]!.stats.trace instanceof Float32Array, 'typed arrays stay typed arrays');
      assert.ok(Object.is(copy.records[0]!.lowerLoss, -0), '-0 stays -0');
    });

    void it('would not survive JSON (why the host forks with advanced serialization)', () => {
      assert.notDeepStrictEqual(JSON.parse(JSON.stringify(WORKER_MESSAGES.metrics)), WORKER_MESSAGES.metrics);
    });

    void it('crosses a real fork with serialization: advanced, in order, both ways', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, BILEVEL_PROTOCOL_ECHO: '1' };
      delete env.NODE_TEST_CONTEXT;
      const child = fork(__filename, [], { serialization: 'advanced', env, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const received: unknown[] = [];
      const all = new Promise<void>((resolve, reject) => {
        child.on('message', (m) => {
          received.push(m);
          if (received.length === ALL.length) resolve();
        });
        child.on('exit', (code) => reject(new Error(`echo child exited with ${code} after ${received.length} messages`)));
      });
      for (const message of ALL) child.send(message);
      await all;
      child.disconnect();
      assert.deepStrictEqual(received, ALL);
    });
  });
} else {
  // Echo mode: send every message straight back; exit when the parent disconnects.
  process.on('message', (m) => process.send!(m));
}
