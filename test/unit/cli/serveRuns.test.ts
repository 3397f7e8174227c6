// serveRuns (src/cli/serveRuns.ts), a sweep's worker, over an in-memory channel in this process: it
// says `ready` once, answers each index with its run's result (the `run --json` object, under the
// line's run id), answers a bad index with the usage error and goes on, answers an index that
// arrives after a stop `notStarted` without making a record, and ends when the channel closes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { CliIo } from '../../../src/cli/cliIo';
import type { RunChannel } from '../../../src/cli/serveRuns';
import { serveRuns } from '../../../src/cli/serveRuns';
import type { RunResultMessage, WorkerMessage } from '../../../src/cli/runWorkerMessages';
import type { SweepSpec } from '../../../src/protocol/sweep';
import { RunStore } from '../../../src/store/runStore';
import { SweepStore } from '../../../src/store/sweepStore';
import { CORE_CATALOG } from '../../../src/sweep/coreCatalog';
import { expandSweep } from '../../../src/sweep/expandSweep';
import { formatRunsJsonl, makeSweepRecord } from '../../../src/sweep/sweepRecord';

/** The pool's end of an in-memory channel: what the worker sent, and a way to wait for the next message. */
function memoryChannel(): { channel: RunChannel; sent: WorkerMessage[]; next: () => Promise<WorkerMessage>; send: (m: unknown) => void; close: () => void } {
  const sent: WorkerMessage[] = [];
  let listener: ((m: unknown) => void) | undefined;
  let onClose: (() => void) | undefined;
  let waiting: ((m: WorkerMessage) => void) | undefined;
  let read = 0;
  return {
    sent,
    channel: {
      send: (m) => {
        sent.push(m);
        waiting?.(m);
      },
      onMessage: (l) => (listener = l),
      onClose: (l) => (onClose = l),
      close: () => {},
    },
    next: () =>
      new Promise((resolve) => {
        if (sent.length > read) return resolve(sent[read++]!);
        waiting = (m) => {
          waiting = undefined;
          read++;
          resolve(m);
        };
      }),
    send: (m) => listener!(m),
    close: () => onClose!(),
  };
}

let store = '';
const SPEC: SweepSpec = { problem: { kind: 'builtin', id: 'toy-ufom', params: {} }, methods: ['fom'], seeds: [0, 1, 2], grid: [], iterations: 3 };
const RECORD = makeSweepRecord({
  id: '20261206-030000-sweep-toy-ufom-ab12',
  createdAt: '2026-12-06T03:00:00.000Z',
  spec: SPEC,
  runs: expandSweep(SPEC, CORE_CATALOG),
  runIds: ['20261206-030000-fom-toy-ufom-0000', '20261206-030000-fom-toy-ufom-0001', '20261206-030000-fom-toy-ufom-0002'],
});

void describe('serveRuns', () => {
  before(() => {
    store = mkdtempSync(path.join(os.tmpdir(), 'bilevel-serve-'));
    new SweepStore(store).create(RECORD, formatRunsJsonl(RECORD));
  });
  after(() => rmSync(store, { recursive: true, force: true }));

  void it('serves indices on one backend until the channel closes; after a stop an index is not started', async () => {
    let stopped = false;
    const stderr: string[] = [];
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: (t: string) => stderr.push(t) > 0 }, interrupted: () => stopped };
    const c = memoryChannel();
    const flags = new Map([
      ['spec', new SweepStore(store).runsJsonlOf(RECORD.id)],
      ['serve', 'true'],
      ['backend', 'cpu'],
    ]);
    const done = serveRuns({ command: 'run', flags, positionals: [], repeated: new Map() }, io, c.channel);
    assert.deepEqual(await c.next(), { type: 'ready', backend: 'cpu' });
    c.send({ type: 'run', index: 0 });
    const first = (await c.next()) as RunResultMessage;
    assert.deepEqual([first.type, first.index, first.code, first.report?.status, first.report?.runId], ['result', 0, 0, 'completed', RECORD.runs[0]!.runId]);
    const run0 = new RunStore(store).read(RECORD.runs[0]!.runId);
    assert.deepEqual([run0.status, run0.config.sweep, run0.config.iterations], ['completed', { id: RECORD.id, index: 0 }, 3], 'in the sweep\'s store, next to .sweeps');
    // One process serves many runs: a run must leave no tensor behind (each builds its own problem).
    const tensors = tf.memory().numTensors;
    c.send({ type: 'run', index: 1 });
    const second = (await c.next()) as RunResultMessage;
    assert.deepEqual([second.index, second.report?.status], [1, 'completed']);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind by a run');
    c.send({ type: 'run', index: 7 });
    const bad = (await c.next()) as RunResultMessage;
    assert.equal(bad.code, 2);
    assert.match(bad.error ?? '', /--index 7: .*runs\.jsonl has 3 runs; give a whole number from 0 to 2/);
    c.send({ type: 'nonsense' });
    stopped = true;
    c.send({ type: 'run', index: 2 });
    assert.deepEqual(await c.next(), { type: 'result', index: 2, code: 130, notStarted: true });
    assert.throws(() => new RunStore(store).read(RECORD.runs[2]!.runId), 'no record for a run not started');
    c.close();
    assert.equal(await done, 130, 'a stopped worker exits 128 + SIGINT');
    assert.equal(c.sent.length, 5, 'one ready and one result per index, nothing for the unknown message');
  });
});
