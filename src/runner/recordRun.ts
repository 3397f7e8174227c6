// The one pipeline from a loaded problem, a method and resolved options to a run record: create
// run.json under the id the starter chose, run the solver, append metrics in batches (disk first,
// then the caller's hook), and finish run.json with how it ended. The CLI calls it in-process; the
// worker calls it in the child process and forwards the hooks to the host. Nothing else writes runs.
// A write that fails (disk full, I/O error) ends the run: the record is finished as `failed` with
// the cause if there is room for that, and the caller gets a StoreWriteError either way. While the
// run goes, a heartbeat rewrites run.json's updatedAt every heartbeatMs, so readers on other hosts
// (a shared store, SLURM) can tell a live run from a dead one (docs/run-store.md).
import * as os from 'node:os';
import * as path from 'node:path';
import * as core from '../core';
import type { ResolvedOptions } from '../core';
import { messageOf } from '../common/messageOf';
import type { IterationRecord, RunSummary } from '../protocol/metrics';
import type { RunConfig, RunRecord } from '../protocol/runRecord';
import type { SweepTag } from '../protocol/sweep';
import { RunStore } from '../store/runStore';
import type { FinishStatus, RunWriter } from '../store/runStore';
import { BackendMemoryError, describeBackendError } from '../runtime/describeBackendError';
import { StoreWriteError } from '../store/storeWriteError';
import type { LoadedProblem } from './loadProblem';
import { systemClock } from './recorderClock';
import type { RecorderClock } from './recorderClock';
import { slurmJobOf } from './slurmJob';
import type { Environment } from './slurmJob';
import { versions } from './versions';

/** What to run and where to record it. */
export interface RunRequest {
  readonly problem: LoadedProblem;
  readonly method: string;
  /** Resolved once by the caller (core.resolveRunOptions); recorded as they are and run without resolving again. */
  readonly options: ResolvedOptions;
  /** The runs folder, or undefined to keep nothing (`--no-store`). */
  readonly storeDir: string | undefined;
  /** The run's id, made by whoever started the run; absent: the store makes one. */
  readonly runId?: string;
  /** Backend as requested (`auto`, `wasm`, …) and what actually runs. */
  readonly backend: { readonly requested: string; readonly ran: NonNullable<RunRecord['backend']> };
  readonly name?: string;
  readonly preset?: string;
  /** The sweep the run belongs to (`bilevel run --spec runs.jsonl --index i`), recorded in config.sweep. */
  readonly sweep?: SweepTag;
  /** The environment the run runs in, read for its SLURM job (run.json `slurm`); default process.env. */
  readonly env?: Environment;
}

/** How the caller follows a run. */
export interface RunHooks {
  /** run.json exists (only when stored). */
  onCreated?(run: { readonly runId: string; readonly runDir: string }): void;
  /** Every record as it comes, before it is on disk (progress bars, statistics). */
  onRecord?(record: IterationRecord): void;
  /** A batch that is now in metrics.jsonl, in order (the worker sends it to the host). */
  onBatch?(records: readonly IterationRecord[]): void;
  /** Polled before every outer iteration; true ends the run `cancelled`. */
  shouldStop(): boolean;
  /** Why the run was stopped (`SIGTERM`, …), added to the cancelled run's message in run.json. */
  stopReason?(): string | undefined;
  /**
   * Batch interval (ms), time only: the records not yet on disk always span less than this, and
   * when outer iterations take this long or longer each record is written as it comes. Default
   * {@link DEFAULT_BATCH_MS}.
   */
  readonly batchMs?: number;
  /** Heartbeat interval (ms): run.json's updatedAt is rewritten this often while the run goes. Default {@link DEFAULT_HEARTBEAT_MS}. */
  readonly heartbeatMs?: number;
  /** The clock of the heartbeat and of every time the run records; default the system clock. */
  readonly clock?: RecorderClock;
}

/** How a run ended. A `failed` run carries the error that ended it. */
export interface RecordedRun {
  readonly status: FinishStatus;
  readonly message?: string;
  readonly runId?: string;
  readonly runDir?: string;
  readonly options: ResolvedOptions;
  readonly summary?: RunSummary;
  readonly warnings: readonly string[];
  /**
   * The error of a `failed` run: a ProblemError for a problem that does not validate, a
   * StoreWriteError (whose message is the run's message) when the store could not be written.
   */
  readonly error?: unknown;
}

/** Default batch interval (ms) of the CLI and the worker: what a kill or hang can lose (docs/run-store.md). */
export const DEFAULT_BATCH_MS = 100;

/** Default heartbeat interval (ms); readers take a run silent for STALE_BEATS of these as interrupted (docs/run-store.md). */
export const DEFAULT_HEARTBEAT_MS = 30_000;

/** The longest delay a Node timer keeps as given. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The run loop yields to the event loop at least this often (ms), so a cancel (message, SIGINT) is read mid-run. */
const YIELD_MS = 20;

/** The run.json config of a request: enough to repeat the run exactly (store/problemPaths.ts specFromConfig). */
export function runConfigOf(request: RunRequest): RunConfig {
  const { problem, options } = request;
  return {
    problem: problem.id,
    problemParams: problem.params,
    method: request.method,
    methodOptions: options,
    iterations: options.iterations,
    seed: options.seed,
    backend: request.backend.requested,
    ...(request.preset !== undefined ? { preset: request.preset } : {}),
    ...(request.sweep !== undefined ? { sweep: request.sweep } : {}),
  };
}

/**
 * Runs `request` to its end and records it. Never throws for divergence, cancellation, an error
 * inside the run or a failed write (status `failed`, with `error`); throws only when the run record
 * cannot be created (a StoreWriteError when the disk is full, unwritable, …) or `heartbeatMs` is
 * not a usable interval (nothing is written then).
 */
export async function recordRun(request: RunRequest, hooks: RunHooks): Promise<RecordedRun> {
  const clock = hooks.clock ?? systemClock;
  const heartbeatMs = hooks.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  // setInterval takes longer delays than 2^31 − 1 ms as 1 ms.
  if (!(heartbeatMs > 0 && heartbeatMs <= MAX_TIMER_MS)) throw new Error(`heartbeatMs must be a number of milliseconds > 0 and ≤ ${MAX_TIMER_MS}, not ${heartbeatMs}`);
  let writer: RunWriter | undefined;
  if (request.storeDir !== undefined) {
    const slurm = slurmJobOf(request.env ?? process.env, os.hostname());
    const now = (): number => clock.now();
    writer = new RunStore(request.storeDir, { now }).create(runConfigOf(request), {
      ...(request.runId !== undefined ? { id: request.runId } : {}),
      backend: request.backend.ran,
      versions: versions(),
      heartbeatMs,
      ...(slurm !== undefined ? { slurm } : {}),
      ...(request.name !== undefined ? { name: request.name } : {}),
      // A problem file's source stays with the run (docs/run-store.md, source/).
      ...(request.problem.source.kind === 'file' && request.problem.sourceText !== undefined ? { source: { name: path.basename(request.problem.source.path), text: request.problem.sourceText } } : {}),
    });
    hooks.onCreated?.({ runId: writer.id, runDir: writer.dir });
  }
  const beating = writer;
  // Stopped in `finally`, before the run's end is returned: no timer outlives the run.
  const stopHeartbeat = beating ? clock.every(heartbeatMs, () => beat(beating)) : () => undefined;
  try {
    return await recordStarted(request, hooks, writer, clock);
  } finally {
    stopHeartbeat();
  }
}

/** One beat; a failed write is left for the next beat to retry (the run's own writes report a disk that stays full). */
function beat(writer: RunWriter): void {
  try {
    writer.beat();
  } catch {
    // A stale heartbeat costs a reader's guess at worst; the run itself is fine.
  }
}

/** The run after its record exists (or without one): the solver, the batches, the finish. */
async function recordStarted(request: RunRequest, hooks: RunHooks, writer: RunWriter | undefined, clock: RecorderClock): Promise<RecordedRun> {
  const stored = writer ? { runId: writer.id, runDir: writer.dir } : {};
  const batchMs = hooks.batchMs ?? DEFAULT_BATCH_MS;
  let pending: IterationRecord[] = [];
  // The last record as written (with its time), so summary.last in run.json is the last line of metrics.jsonl.
  let lastRecord: IterationRecord | undefined;
  let lastFlush = Date.now();
  let lastYield = Date.now();
  let timer: NodeJS.Timeout | undefined;
  // An error of a flush the timer ran, outside the run loop: it ends the run at the next step.
  let deferred: { readonly error: unknown } | undefined;
  // Disk first, then the hook: a batch the host has seen is in metrics.jsonl.
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    lastFlush = Date.now();
    if (pending.length === 0) return;
    const records = pending;
    pending = [];
    writer?.append(records);
    hooks.onBatch?.(records);
  };
  const flushFromTimer = (): void => {
    try {
      flush();
    } catch (error) {
      deferred ??= { error };
    }
  };
  try {
    const outcome = await core.runResolved(request.problem.definition, request.method, request.options, {
      onRecord: async (made) => {
        // A failed write stops the solver here: nothing more can be recorded.
        if (deferred) throw deferred.error;
        // The one place a record gets its wall-clock time (docs/run-store.md, metrics.jsonl).
        const record: IterationRecord = { ...made, time: clock.now() };
        lastRecord = record;
        pending.push(record);
        hooks.onRecord?.(record);
        const now = Date.now();
        if (now - lastFlush >= batchMs) flush();
        // A record that waits alone is written when its batch time is up, even if the next step is
        // slow (the timer fires whenever the step awaits a macrotask, or at the next yield).
        else timer ??= setTimeout(flushFromTimer, batchMs - (now - lastFlush));
        if (now - lastYield >= YIELD_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
      },
      shouldStop: () => deferred !== undefined || hooks.shouldStop(),
    });
    if (deferred) throw deferred.error;
    flush();
    const summary = withTimedLast(outcome.summary, lastRecord);
    const stopReason = outcome.status === 'cancelled' ? hooks.stopReason?.() : undefined;
    const message = outcome.message !== undefined && stopReason !== undefined ? `${outcome.message} (${stopReason})` : outcome.message;
    writer?.finish(outcome.status, summary, message);
    return {
      status: outcome.status,
      ...(message !== undefined ? { message } : {}),
      ...stored,
      options: outcome.options,
      summary,
      warnings: outcome.warnings,
    };
  } catch (err) {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const storeError = err instanceof StoreWriteError ? err : undefined;
    let reason: string;
    let memory: string | undefined;
    if (storeError) {
      // No retry of the failed write: the records that reached disk stay as they are.
      reason = `${storeError.message}; ${recordsNote(writer)}`;
    } else {
      // Out of memory is said in words (backend, limit, sizes, what to change), not as the backend's "Aborted()".
      memory = describeBackendError(err, request.backend.ran.name, runSizes(request));
      reason = memory ?? messageOf(err);
      const where = request.problem.file?.locate(err);
      if (where?.line !== undefined) reason += ` (at ${path.basename(where.file)}:${where.line}:${where.column ?? 1})`;
      try {
        flush();
      } catch (flushErr) {
        // The reason for the failure matters more than the last batch, but its loss is said.
        reason += `; the last records could not be stored: ${messageOf(flushErr)}`;
      }
    }
    try {
      // Small (no summary), so it fits where the metrics or the full record did not.
      writer?.finish('failed', undefined, reason);
    } catch (finishErr) {
      reason += `; run.json could not be finished either, so it still says running: ${messageOf(finishErr)}`;
    }
    const error = storeError ? new StoreWriteError(storeError.file, storeError.code, reason, { cause: storeError }) : memory !== undefined ? new BackendMemoryError(memory, err) : err;
    return { status: 'failed', message: reason, ...stored, options: request.options, warnings: [], error };
  }
}

/** `summary` whose `last` is the recorded (timed) record of the same iteration, when there is one. */
function withTimedLast(summary: RunSummary, last: IterationRecord | undefined): RunSummary {
  return last !== undefined && summary.last?.iteration === last.iteration ? { ...summary, last } : summary;
}

/** The sizes an out-of-memory message names: K and a built-in's declared size parameters (n, hidden, …), by flag. */
function runSizes(request: RunRequest): Record<string, number | string | boolean> {
  const source = request.problem.source;
  const params = source.kind === 'builtin' ? core.getBuiltinProblem(source.id).params.filter((s) => s.type === 'integer' && s.max !== undefined && request.problem.params[s.key] !== undefined) : [];
  return { K: request.options.lowerSteps, ...Object.fromEntries(params.map((s) => [s.flag, request.problem.params[s.key]!])) };
}

/** "N records were written" for a run's failure message (metrics.jsonl holds exactly those). */
function recordsNote(writer: RunWriter | undefined): string {
  const n = writer?.recordsWritten ?? 0;
  return `${n} record${n === 1 ? ' was' : 's were'} written`;
}
