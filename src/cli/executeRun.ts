// One run of one method from the command line: the runner records it (src/runner/recordRun.ts, the
// same pipeline the worker uses); this adds the progress bar, the statistics summary and the JSON
// shape `run --json` and `compare --json` print.
import { ProblemError, resolveRunOptions } from '../core';
import { ProblemFileError, runErrorDiagnostics } from '../problemFiles/compileProblemFile';
import type { MethodSpec, ResolvedOptions } from '../core';
import type { FinishStatus, IterationRecord, RunSummary } from '../protocol/metrics';
import type { SweepTag } from '../protocol/sweep';
import { recordRun } from '../runner/recordRun';
import { backendRecord } from '../runtime/backend';
import type { BackendInfo } from '../runtime/backend';
import { BackendMemoryError } from '../runtime/describeBackendError';
import { StoreWriteError } from '../store/storeWriteError';
import type { PreparedProblem } from './prepareProblem';
import { ProgressBar } from './progressBar';
import type { ProgressSink } from './progressBar';
import { StatsAccumulator } from './statsSummary';
import type { StatSummary } from './statsSummary';

/** The final state of a run as printed by `--json`. */
export interface FinalState {
  readonly x: RunSummary['x'];
  readonly y: RunSummary['y'];
  readonly upperLoss?: number;
  readonly hypergradNorm?: number;
  readonly upperDistance?: number;
  readonly lowerDistance?: number;
  readonly iterations: number;
  readonly msPerIteration: number;
  readonly peakTensors: number;
  readonly peakBytes: number;
  readonly iterationsToTolerance?: number;
  /** The last evaluation's held-out metrics (RunSummary.evals), when the problem has `evaluate`. */
  readonly evals?: Readonly<Record<string, number>>;
  /** The outer iteration of that evaluation. */
  readonly evalIteration?: number;
}

/** What one run produced. */
export interface RunResult {
  readonly method: string;
  readonly options: ResolvedOptions;
  readonly status: FinishStatus;
  readonly message?: string;
  readonly runId?: string;
  readonly runDir?: string;
  readonly final: FinalState;
  readonly warnings: readonly string[];
  /** Every record of the run, in order; only when {@link ExecuteRunOptions.collectRecords} was set. */
  readonly records?: readonly IterationRecord[];
  /** Method statistics over the run (docs/methods.md §8): last value, mean, k* histogram. */
  readonly stats: readonly StatSummary[];
}

/** Settings of {@link executeRun}. */
export interface ExecuteRunOptions {
  readonly backend: BackendInfo;
  /** Runs folder, or undefined for `--no-store`. */
  readonly storeDir: string | undefined;
  readonly name?: string;
  /** The id to record the run under (a sweep's run: its runs.jsonl line's); absent: the store makes one. */
  readonly runId?: string;
  /** The sweep the run belongs to, recorded in run.json's config.sweep. */
  readonly sweep?: SweepTag;
  /** Progress output, or undefined for none (`--json`). */
  readonly progress: ProgressSink | undefined;
  /** Polled before every outer iteration (a signal, a closed stdout). */
  readonly shouldStop: () => boolean;
  /** Why shouldStop said stop (`SIGTERM`, `stdout closed (EPIPE)`), added to a cancelled run's message. */
  readonly stopReason?: () => string | undefined;
  /** Also keep every record in memory and return it in {@link RunResult.records} (`compare --report`). */
  readonly collectRecords?: boolean;
}

/** Resolves `method`'s options once for the loaded problem (run options + that method's flags). */
export function resolveFor(prepared: PreparedProblem, method: MethodSpec): ResolvedOptions {
  if (!prepared.definition) throw new Error('resolveFor needs a loaded problem (startProblem)');
  return resolveRunOptions(prepared.definition, method, prepared.optionsFor(method));
}

/** Runs `method` on the loaded problem with options resolved once; never throws for divergence or cancellation. */
export async function executeRun(prepared: PreparedProblem, method: MethodSpec, options: ResolvedOptions, settings: ExecuteRunOptions): Promise<RunResult> {
  if (!prepared.loaded) throw new Error('executeRun needs a loaded problem (startProblem)');
  const bar = settings.progress ? new ProgressBar(settings.progress, { iterations: options.iterations, maxOracleCalls: options.maxOracleCalls }, method.id) : undefined;
  const collected: IterationRecord[] | undefined = settings.collectRecords ? [] : undefined;
  const stats = new StatsAccumulator();
  let evalIteration: number | undefined;
  const b = settings.backend;
  const outcome = await recordRun(
    {
      problem: prepared.loaded,
      method: method.id,
      options,
      storeDir: settings.storeDir,
      backend: { requested: b.requested, ran: backendRecord(b) },
      ...(settings.name !== undefined ? { name: settings.name } : {}),
      ...(settings.runId !== undefined ? { runId: settings.runId } : {}),
      ...(settings.sweep !== undefined ? { sweep: settings.sweep } : {}),
      ...(prepared.preset ? { preset: prepared.preset.id } : {}),
    },
    {
      onRecord: (record) => {
        collected?.push(record);
        stats.add(record);
        if (record.evals) evalIteration = record.iteration;
        bar?.update(record);
      },
      shouldStop: settings.shouldStop,
      // The recorder's default batch interval (DEFAULT_BATCH_MS), the worker's too (docs/run-store.md).
      ...(settings.stopReason ? { stopReason: settings.stopReason } : {}),
    },
  );
  bar?.finish();
  // The record is finished as failed; an invalid problem is reported as a usage error (a problem
  // file's at its position), a built-in's error is ours, and so is a full disk or the backend's memory
  // (both already said in words). A problem file's own code failing stays a failed run whose message
  // names the line.
  const err = outcome.error;
  if (err !== undefined) {
    const file = prepared.loaded.file;
    if (err instanceof StoreWriteError || (err instanceof BackendMemoryError && !file)) throw err;
    if (file && err instanceof ProblemError) throw new ProblemFileError(runErrorDiagnostics(file, err));
    if (!file) throw err;
  }
  const message = outcome.message;
  const summary = outcome.summary;
  return {
    method: method.id,
    options: outcome.options,
    status: outcome.status,
    ...(message !== undefined ? { message } : {}),
    ...(outcome.runId !== undefined ? { runId: outcome.runId, runDir: outcome.runDir! } : {}),
    final: summary ? { ...finalState(summary), ...(summary.evals && evalIteration !== undefined ? { evalIteration } : {}) } : emptyFinal(),
    warnings: outcome.warnings,
    ...(collected ? { records: collected } : {}),
    stats: stats.summaries(),
  };
}

function emptyFinal(): FinalState {
  return { x: {}, y: {}, iterations: 0, msPerIteration: 0, peakTensors: 0, peakBytes: 0 };
}

/** The summary fields `--json` prints under `final`. */
export function finalState(s: RunSummary): FinalState {
  const last = s.last;
  return {
    x: s.x,
    y: s.y,
    ...(last ? { upperLoss: last.upperLoss, hypergradNorm: last.hypergradNorm } : {}),
    ...(last?.upperDistance !== undefined ? { upperDistance: last.upperDistance } : {}),
    ...(last?.lowerDistance !== undefined ? { lowerDistance: last.lowerDistance } : {}),
    iterations: s.iterations,
    msPerIteration: s.msPerIteration,
    peakTensors: s.peakTensors,
    peakBytes: s.peakBytes,
    ...(s.iterationsToTolerance !== undefined ? { iterationsToTolerance: s.iterationsToTolerance } : {}),
    ...(s.evals ? { evals: s.evals } : {}),
  };
}
