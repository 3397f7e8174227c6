// The messages between `bilevel sweep` and its worker processes (`bilevel run --spec runs.jsonl
// --serve`, serveRuns.ts) over the child's IPC channel: the worker says `ready` once its backend is
// up, the pool sends one index at a time, the worker answers each with one `result`. Closing the
// channel tells an idle worker to exit. Results travel over IPC, not stdout, so whatever a problem
// file prints cannot garble them.
import type { RunReport } from './commands/runCommand';

/** Pool → worker: run line `index` of runs.jsonl. */
export interface RunIndexMessage {
  readonly type: 'run';
  readonly index: number;
}

/** Worker → pool: the backend is started; indices may come. */
export interface WorkerReadyMessage {
  readonly type: 'ready';
  readonly backend: string;
}

/**
 * Worker → pool: how run `index` ended, as `bilevel run --spec runs.jsonl --index i --json` would
 * have: its exit code, and its `--json` object or the error it printed. `notStarted`: the worker was
 * already stopping (Ctrl-C), so the run was not started and has no record.
 */
export interface RunResultMessage {
  readonly type: 'result';
  readonly index: number;
  readonly code: number;
  readonly report?: RunReport;
  readonly error?: string;
  readonly notStarted?: true;
}

/** What a worker sends. */
export type WorkerMessage = WorkerReadyMessage | RunResultMessage;

/** Whether `value` is a message a worker sends (anything else on the channel is ignored). */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; index?: unknown; code?: unknown; backend?: unknown };
  if (v.type === 'ready') return typeof v.backend === 'string';
  return v.type === 'result' && typeof v.index === 'number' && typeof v.code === 'number';
}
