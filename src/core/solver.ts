// The outer loop (spec §1.3): one hypergradient per outer iteration, an outer optimizer step, and a
// metrics record. Core never logs or writes files: callers receive records and decide.
import * as tf from '@tensorflow/tfjs-core';
import type { IterationRecord, RunStatus, RunSummary, StatValue } from '../protocol/metrics';
import { registerSecondOrderGradients } from './autodiff/registerSecondOrderGradients';
import { createCounters, gradY, sampleMemory } from './derivatives';
import type { Counters } from './derivatives';
import type { MethodSpec } from './methods/methodSpec';
import { OptionsError, resolveOptions } from './methods/options';
import type { OptionValue, ResolvedOptions } from './methods/options';
import { getMethod } from './methods/registry';
import { RUN_OPTIONS } from './methods/runOptions';
import { adam, applyUpdates, disposeState, sgd } from './optim/gradientTransformation';
import type { GradientTransformation, TransformState } from './optim/gradientTransformation';
import { compileProblem } from './problem/compileProblem';
import type { CompiledProblem } from './problem/compileProblem';
import type { ProblemDefinition } from './problem/defineProblem';
import { now } from './clock';
import { createRng } from './rng';
import { normList, readList, subLists } from './tensorList';
import type { TensorList } from './tensorList';
import { readScalars } from './hypergrad/conjugateGradient';

/** Resolves run options + method options, with problem defaults between the built-in defaults and `given`. */
export function resolveRunOptions(definition: ProblemDefinition<unknown>, method: MethodSpec, given: Readonly<Record<string, unknown>>): ResolvedOptions {
  const d = definition.defaults ?? {};
  const fromProblem: Record<string, unknown> = {
    iterations: d.iterations,
    lowerSteps: d.lowerSteps,
    lowerLr: d.lowerLr,
    outerLr: d.outerLr,
    outerOptimizer: d.outerOptimizer,
    tolerance: d.tolerance,
    ...(d.methodOptions ?? {}),
  };
  const merged = { ...dropUndefined(fromProblem), ...dropUndefined(given) };
  const runKeys = new Set(RUN_OPTIONS.map((s) => s.key));
  const methodKeys = new Set(method.options.map((s) => s.key));
  const runGiven = Object.fromEntries(Object.entries(merged).filter(([k]) => runKeys.has(k)));
  const run = resolveOptions(RUN_OPTIONS, runGiven);
  // Problem-level method options for other methods are ignored; user-given unknown keys are errors.
  const methodGiven = Object.fromEntries(Object.entries(merged).filter(([k]) => methodKeys.has(k)));
  const unknown = Object.keys(dropUndefined(given)).filter((k) => !runKeys.has(k) && !methodKeys.has(k));
  if (unknown.length > 0) {
    const valid = [...RUN_OPTIONS, ...method.options].map((s) => s.key).join(', ');
    throw new Error(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} for method '${method.id}'; valid options: ${valid}`);
  }
  const resolved = { ...run, ...resolveOptions(method.options, methodGiven, run) };
  const relations = method.validate?.(resolved) ?? [];
  if (relations.length > 0) throw new OptionsError(relations);
  return resolved;
}

/** The end of a run. */
export interface RunOutcome {
  readonly status: Exclude<RunStatus, 'running' | 'interrupted'>;
  readonly message?: string;
  readonly summary: RunSummary;
  /** Distinct warnings the method raised (e.g. CG flags), with the first iteration each appeared. */
  readonly warnings: readonly string[];
}

/** A problem, a method and resolved options, stepped one outer iteration at a time. Call dispose(). */
export class Solver {
  private x: TensorList;
  private optState: TransformState;
  private previousLower: TensorList | undefined;
  private readonly optimizer: GradientTransformation;
  private readonly counters: Counters = createCounters();
  private readonly durations: number[] = [];
  private readonly warningSet = new Map<string, number>();
  private lastRecord: IterationRecord | undefined;
  private peakTensors = 0;
  private peakBytes = 0;
  private reachedTolerance: number | undefined;
  /** Outer iterations done so far. */
  iteration = 0;

  private constructor(
    readonly problem: CompiledProblem,
    readonly method: MethodSpec,
    readonly options: ResolvedOptions,
  ) {
    this.x = problem.initialUpper();
    const lr = options.outerLr as number;
    this.optimizer = options.outerOptimizer === 'adam' ? adam(lr) : sgd(lr);
    this.optState = this.optimizer.init(this.x);
  }

  /** Validates the problem and options, builds the data, and places x_0. */
  static async create(definition: ProblemDefinition<unknown>, methodId: string, given: Readonly<Record<string, unknown>> = {}): Promise<Solver> {
    registerSecondOrderGradients();
    const method = getMethod(methodId);
    const options = resolveRunOptions(definition, method, given);
    const problem = await compileProblem(definition, createRng(options.seed as number));
    return new Solver(problem, method, options);
  }

  /** Runs one outer iteration; throws DivergenceError (with the record) when a quantity is non-finite. */
  async step(): Promise<IterationRecord> {
    const t = this.iteration;
    const start = now();
    const y0 = this.options.warmStart && this.previousLower ? this.previousLower.map((v) => tf.clone(v)) : this.problem.initialLower();
    const result = await this.method.hypergradient({ problem: this.problem, x: this.x, y0, options: this.options, counters: this.counters });
    tf.dispose(y0);
    sampleMemory(this.counters);
    const p = this.problem;
    // Metric tensors, then the update, then one read for all scalars (one sync point).
    const metricTensors = tf.tidy(() => [
      p.upperObjective(this.x, result.yK),
      p.lowerObjective(this.x, result.yK),
      normList(result.gx),
      normList(gradY((a, b) => p.lowerObjective(a, b), this.x, result.yK)),
      p.upperSolution ? normList(subLists(this.x, p.upperSolution)) : tf.scalar(NaN),
      p.lowerSolution ? normList(subLists(result.yK, p.lowerSolution)) : tf.scalar(NaN),
    ]) as tf.Scalar[];
    const next = tf.tidy(() => {
      const { updates, state } = this.optimizer.update(result.gx, this.optState);
      const stepped = applyUpdates(this.x, updates);
      const x = p.upper.bounded ? p.projectUpper(stepped) : stepped;
      return { x, state, xNorm: normList(x) };
    });
    const [F, f, gNorm, stationarity, upperDistance, lowerDistance, xNorm] = await readScalars([...metricTensors, next.xNorm]);
    tf.dispose([...this.x, ...result.gx]);
    disposeState(this.optState);
    this.x = next.x;
    this.optState = next.state;
    if (this.previousLower) tf.dispose(this.previousLower);
    this.previousLower = result.yK;
    if (result.warning && !this.warningSet.has(result.warning)) this.warningSet.set(result.warning, t);
    const memory = tf.memory();
    this.peakTensors = Math.max(this.peakTensors, this.counters.peakTensors, memory.numTensors);
    this.peakBytes = Math.max(this.peakBytes, this.counters.peakBytes, memory.numBytes);
    const stats: Record<string, StatValue> = { ...result.stats };
    if (result.warning) stats['warning'] = result.warning;
    const record: IterationRecord = {
      iteration: t,
      upperLoss: F!,
      lowerLoss: f!,
      hypergradNorm: gNorm!,
      lowerStationarity: stationarity!,
      ...(p.upperSolution ? { upperDistance: upperDistance! } : {}),
      ...(p.lowerSolution ? { lowerDistance: lowerDistance! } : {}),
      forwardMs: result.forwardMs,
      backwardMs: result.backwardMs,
      gradientEvals: this.counters.gradientEvals,
      hvpEvals: this.counters.hvpEvals,
      numTensors: memory.numTensors,
      numBytes: memory.numBytes,
      stats,
    };
    this.iteration++;
    this.durations.push(now() - start);
    this.lastRecord = record;
    const tolMetric = p.upperSolution ? upperDistance! : gNorm!;
    if (this.reachedTolerance === undefined && tolMetric <= (this.options.tolerance as number)) this.reachedTolerance = t;
    const bad = (
      [
        ['upper objective F', F],
        ['lower objective f', f],
        ['hypergradient norm', gNorm],
        ['lower stationarity ‖∇_y f‖', stationarity],
        ['upper variable x after the update', xNorm],
      ] as const
    ).find(([, v]) => !Number.isFinite(v));
    if (bad) throw new DivergenceError(`${bad[0]} became ${bad[1]} at outer iteration ${t} (method ${this.method.id})`, record);
    return record;
  }

  /** Current x (and the last y_K) by variable name, flattened. */
  async variables(): Promise<{ x: Record<string, number[]>; y: Record<string, number[]> }> {
    const x = await readList(this.x);
    const y = this.previousLower ? await readList(this.previousLower) : [];
    return {
      x: Object.fromEntries(this.problem.upper.names.map((n, i) => [n, x[i]!])),
      y: Object.fromEntries(this.problem.lower.names.map((n, i) => [n, y[i] ?? []])),
    };
  }

  /** Distinct warnings raised so far. */
  warnings(): string[] {
    return [...this.warningSet.entries()].map(([w, t]) => `${w} (first at outer iteration ${t})`);
  }

  /** A summary of the run so far. */
  async summary(): Promise<RunSummary> {
    const { x, y } = await this.variables();
    const sorted = [...this.durations].sort((a, b) => a - b);
    return {
      iterations: this.iteration,
      ...(this.lastRecord ? { last: this.lastRecord } : {}),
      x,
      y,
      msPerIteration: sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)]! : 0,
      peakTensors: this.peakTensors,
      peakBytes: this.peakBytes,
      ...(this.reachedTolerance !== undefined ? { iterationsToTolerance: this.reachedTolerance + 1 } : {}),
      ...(this.warningSet.size > 0 ? { warnings: this.warnings() } : {}),
    };
  }

  /** Releases every tensor the solver holds (x, optimizer state, last y_K, data, solution). */
  dispose(): void {
    tf.dispose(this.x);
    disposeState(this.optState);
    if (this.previousLower) tf.dispose(this.previousLower);
    this.previousLower = undefined;
    this.problem.dispose();
  }
}

/** A non-finite quantity; `record` is the iteration's metrics (with the offending value). */
export class DivergenceError extends Error {
  constructor(
    message: string,
    readonly record: IterationRecord,
  ) {
    super(message);
    this.name = 'DivergenceError';
  }
}

/** Hooks of runProblem. */
export interface RunHooks {
  /** Called with each iteration's record, in order. */
  onRecord?(record: IterationRecord): void | Promise<void>;
  /** Polled before each iteration; true ends the run as `cancelled`. */
  shouldStop?(): boolean;
}

/** Runs a whole experiment; never throws for divergence (status `diverged`) or cancellation. */
export async function runProblem(
  definition: ProblemDefinition<unknown>,
  methodId: string,
  given: Readonly<Record<string, OptionValue | undefined>> = {},
  hooks: RunHooks = {},
): Promise<RunOutcome & { options: ResolvedOptions }> {
  const solver = await Solver.create(definition, methodId, given);
  let status: RunOutcome['status'] = 'completed';
  let message: string | undefined;
  try {
    const total = solver.options.iterations as number;
    while (solver.iteration < total) {
      if (hooks.shouldStop?.()) {
        status = 'cancelled';
        message = `cancelled after ${solver.iteration} of ${total} outer iterations`;
        break;
      }
      try {
        const record = await solver.step();
        await hooks.onRecord?.(record);
      } catch (e) {
        if (!(e instanceof DivergenceError)) throw e;
        await hooks.onRecord?.(e.record);
        status = 'diverged';
        message = e.message;
        break;
      }
    }
    const summary = await solver.summary();
    const warnings = solver.warnings();
    return { status, ...(message ? { message } : {}), summary, warnings, options: solver.options };
  } finally {
    solver.dispose();
  }
}

function dropUndefined(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
