// One stored run of one method: resolves options, writes the run store in batches while it runs,
// reports progress and turns the outcome into the JSON shape `run --json` and `compare --json` print.
import { resolveRunOptions, runProblem } from '../core';
import type { MethodSpec, OptionValue, ResolvedOptions } from '../core';
import type { IterationRecord, RunStatus, RunSummary } from '../protocol/metrics';
import type { RunConfig } from '../protocol/runRecord';
import { RunStore } from '../store/runStore';
import type { RunWriter } from '../store/runStore';
import type { BackendInfo } from '../runtime/backend';
import type { PreparedProblem } from './prepareProblem';
import { versions } from './prepareProblem';
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
  readonly status: Exclude<RunStatus, 'running' | 'interrupted'>;
  readonly message?: string;
  readonly runId?: string;
  readonly runDir?: string;
  readonly final: FinalState;
  readonly warnings: readonly string[];
  /** Every record of the run, in order; only when {@link ExecuteRunOptions.collectRecords} was set. */
  readonly records?: readonly IterationRecord[];
  /** Method statistics over the run (spec §8): last value, mean, k* histogram. */
  readonly stats: readonly StatSummary[];
}

/** Settings of {@link executeRun}. */
export interface ExecuteRunOptions {
  readonly backend: BackendInfo;
  /** Runs folder, or undefined for `--no-store`. */
  readonly storeDir: string | undefined;
  readonly name?: string;
  /** Progress output, or undefined for none (`--json`). */
  readonly progress: ProgressSink | undefined;
  /** Polled before every outer iteration (SIGINT). */
  readonly shouldStop: () => boolean;
  /** Also keep every record in memory and return it in {@link RunResult.records} (`compare --report`). */
  readonly collectRecords?: boolean;
}

/** Resolves `method`'s options for the prepared problem (run options + that method's flags). */
export function resolveFor(prepared: PreparedProblem, method: MethodSpec): ResolvedOptions {
  return resolveRunOptions(prepared.definition, method, prepared.optionsFor(method));
}

/** Records are appended at least this often (ms) or every {@link BATCH_RECORDS} records. */
const BATCH_MS = 500;
const BATCH_RECORDS = 20;

/** Runs `method` on the prepared problem; never throws for divergence or cancellation. */
export async function executeRun(prepared: PreparedProblem, method: MethodSpec, options: ResolvedOptions, settings: ExecuteRunOptions): Promise<RunResult> {
  const given = prepared.optionsFor(method);
  let writer: RunWriter | undefined;
  if (settings.storeDir !== undefined) {
    const config: RunConfig = {
      problem: prepared.family.id,
      problemParams: prepared.params,
      method: method.id,
      methodOptions: options as Record<string, OptionValue>,
      iterations: options.iterations as number,
      seed: options.seed as number,
      backend: settings.backend.requested,
      ...(prepared.preset ? { preset: prepared.preset.id } : {}),
    };
    const b = settings.backend;
    writer = new RunStore(settings.storeDir).create(config, {
      backend: { name: b.name, detail: b.detail, ...(b.skipped.length > 0 ? { skipped: b.skipped } : {}) },
      versions: versions(),
      ...(settings.name !== undefined ? { name: settings.name } : {}),
    });
  }
  const bar = settings.progress ? new ProgressBar(settings.progress, options.iterations as number, method.id) : undefined;
  let pending: IterationRecord[] = [];
  const collected: IterationRecord[] | undefined = settings.collectRecords ? [] : undefined;
  const stats = new StatsAccumulator();
  let evalIteration: number | undefined;
  let lastFlush = Date.now();
  let lastYield = Date.now();
  const flush = (): void => {
    writer?.append(pending);
    pending = [];
    lastFlush = Date.now();
  };
  try {
    const outcome = await runProblem(prepared.definition, method.id, given, {
      onRecord: async (record) => {
        pending.push(record);
        collected?.push(record);
        stats.add(record);
        if (record.evals) evalIteration = record.iteration;
        if (pending.length >= BATCH_RECORDS || Date.now() - lastFlush >= BATCH_MS) flush();
        bar?.update(record);
        // Let the event loop run now and then, so a SIGINT handler can set the stop flag even when
        // every await in the step resolves without a macrotask.
        if (Date.now() - lastYield >= 50) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
      },
      shouldStop: settings.shouldStop,
    });
    flush();
    bar?.finish();
    writer?.finish(outcome.status, outcome.summary, outcome.message);
    return {
      method: method.id,
      options: outcome.options,
      status: outcome.status,
      ...(outcome.message !== undefined ? { message: outcome.message } : {}),
      ...(writer ? { runId: writer.id, runDir: writer.dir } : {}),
      final: { ...finalState(outcome.summary), ...(outcome.summary.evals && evalIteration !== undefined ? { evalIteration } : {}) },
      warnings: outcome.warnings,
      ...(collected ? { records: collected } : {}),
      stats: stats.summaries(),
    };
  } catch (err) {
    // An internal error still ends the stored run, as `failed`, before it propagates.
    bar?.finish();
    try {
      flush();
      writer?.finish('failed', undefined, err instanceof Error ? err.message : String(err));
    } catch {
      // The original error matters more than a failed write.
    }
    throw err;
  }
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
