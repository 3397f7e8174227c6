// `bilevel run --spec <sweep>/runs.jsonl --serve`: a worker process of `bilevel sweep` that starts
// the backend once and then runs the indices its pool sends, one at a time, each exactly as
// `bilevel run --spec runs.jsonl --index i --json` would (runOnce: its own problem instance, seed,
// run id and record, written by the one recorder), answering each with one result message
// (runWorkerMessages.ts). Process start and backend set-up are paid once per worker, not per run.
import type { CliIo } from './cliIo';
import { stoppedExitCode } from './cliIo';
import { cliErrorOf } from './cliErrorOf';
import { runOnce } from './commands/runCommand';
import type { ParsedArgs } from './parseArgs';
import { startBackend } from './prepareProblem';
import type { RunIndexMessage, RunResultMessage, WorkerMessage } from './runWorkerMessages';
import { UsageError } from './usageError';

/** The worker's line to its pool: the IPC channel in a real worker, an in-memory pair in tests. */
export interface RunChannel {
  send(message: WorkerMessage): void;
  /** Every message from the pool, in order. */
  onMessage(listener: (message: unknown) => void): void;
  /** The pool closed the channel (or died): no more indices will come. */
  onClose(listener: () => void): void;
  /** Closes this end, so the process can exit. */
  close(): void;
}

/** Flags a worker takes: what `run --spec runs.jsonl --index i` takes, less the index. */
const SERVE_FLAGS = new Set(['spec', 'serve', 'store', 'backend', 'json']);

/**
 * Serves run indices of `--spec` (a sweep's runs.jsonl) until the pool closes the channel. Once a
 * stop is asked (the pool forwards Ctrl-C as SIGTERM) the current run ends `cancelled` and every
 * later index is answered `notStarted` without a record. Returns the exit code: 0, or 128 + the
 * signal after a stop.
 */
export async function serveRuns(args: ParsedArgs, io: CliIo, channel: RunChannel): Promise<number> {
  const spec = args.flags.get('spec');
  if (spec === undefined || !spec.endsWith('.jsonl')) throw new UsageError("--serve runs the lines of a sweep's runs.jsonl: give --spec <runs folder>/.sweeps/<id>/runs.jsonl");
  for (const flag of args.flags.keys()) {
    if (!SERVE_FLAGS.has(flag)) {
      throw new UsageError(`--${flag} cannot be given with --serve: its pool sends the indices to run (flags with --serve: ${[...SERVE_FLAGS].map((f) => `--${f}`).join(', ')})`);
    }
  }
  const pending: number[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  // Listening before the backend starts: nothing the pool sends is missed (it waits for `ready` anyway).
  channel.onMessage((message) => {
    if (!isRunIndex(message)) return;
    pending.push(message.index);
    wake?.();
  });
  channel.onClose(() => {
    closed = true;
    wake?.();
  });
  const backend = await startBackend(args.flags);
  channel.send({ type: 'ready', backend: backend.name });
  const base = new Map([...args.flags].filter(([flag]) => flag !== 'serve'));
  base.set('json', 'true');
  // Progress is off with --json; notes (stderr) reach the pool, which keeps the last lines of a failure.
  const quiet: CliIo = { ...io, stdout: { write: () => true } };
  for (;;) {
    const index = pending.shift();
    if (index === undefined) {
      if (closed) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
    if (io.interrupted()) {
      channel.send({ type: 'result', index, code: stoppedExitCode(io), notStarted: true });
      continue;
    }
    const flags = new Map(base).set('index', String(index));
    let result: RunResultMessage;
    try {
      const { code, report } = await runOnce({ ...args, flags }, quiet, backend);
      result = { type: 'result', index, code, report };
    } catch (err) {
      const { code, message } = cliErrorOf(err, flags);
      result = { type: 'result', index, code, error: message };
    }
    channel.send(result);
  }
  channel.close();
  return io.interrupted() ? stoppedExitCode(io) : 0;
}

/** This process's IPC channel to the `bilevel sweep` that spawned it; a usage error when there is none. */
export function processChannel(): RunChannel {
  const send = process.send?.bind(process);
  if (send === undefined) throw new UsageError('--serve is how `bilevel sweep` runs its runs in worker processes (over an IPC channel); to run one line give --index I instead');
  return {
    // A pool that died has closed the channel: the result of the run in hand is in its record anyway.
    send: (message) => {
      if (process.connected) send(message);
    },
    onMessage: (listener) => process.on('message', listener),
    onClose: (listener) => process.once('disconnect', listener),
    close: () => {
      if (process.connected) process.disconnect();
    },
  };
}

function isRunIndex(value: unknown): value is RunIndexMessage {
  const v = value as { type?: unknown; index?: unknown } | null;
  return typeof v === 'object' && v !== null && v.type === 'run' && typeof v.index === 'number' && Number.isSafeInteger(v.index) && v.index >= 0;
}
