// The outer loop (docs/methods.md §1.3): one hypergradient per outer iteration, an outer optimizer step, and a
// metrics record. Core never logs or writes files: callers receive records and decide.
import * as tf from '@tensorflow/tfjs-core';
import type { FinishStatus, IterationRecord, RunSummary, StatValue, StopReason } from '../protocol/metrics';
import { registerSecondOrderGradients } from './autodiff/registerSecondOrderGradients';
import { createCounters, gradY, sampleMemory } from './derivatives';
import { addStartPath } from './methods/addStartPath';
import type { Counters } from './derivatives';
import type { AnyMethodSpec, MethodSpec, MethodState } from './methods/methodSpec';
import { OptionsError, hasOptionValues, resolveOptions } from './methods/options';
import type { OptionList, OptionValue } from './methods/options';
import type { ResolvedOptions } from './methods/runOptions';
import { getMethod } from './methods/registry';
import { RUN_OPTIONS } from './methods/runOptions';
import type { RunOptions } from './methods/runOptions';
import { adam, applyUpdates, disposeState, sgd } from './optim/gradientTransformation';
import type { GradientTransformation, LearningRate, TransformState } from './optim/gradientTransformation';
import { compileProblem } from './problem/compileProblem';
import type { CompiledProblem } from './problem/compileProblem';
import type { ProblemDefinition } from './problem/defineProblem';
import { now } from './clock';
import { createRng } from './rng';
import type { Rng } from './rng';
import { addLists, normList, readList, subLists } from './tensorList';
import type { TensorList } from './tensorList';
import { readScalars } from './hypergrad/conjugateGradient';
import { evaluateProblem } from './problem/evaluateProblem';

/**
 * Resolves run options + method options, with problem defaults between the built-in defaults and
 * `given`: every declared key present, so the value is complete on its own (run.json records it).
 * Resolving an already-resolved value (e.g. one read back from run.json) gives an equal value.
 */
export function resolveRunOptions<S extends OptionList>(
  definition: ProblemDefinition<unknown, unknown>,
  method: MethodSpec<S>,
  given: Readonly<Record<string, unknown>>,
): ResolvedOptions<S> {
  const d = definition.defaults ?? {};
  const fromProblem: Record<string, unknown> = {
    iterations: d.iterations,
    lowerSteps: d.lowerSteps,
    lowerLr: d.lowerLr,
    outerLr: d.outerLr,
    outerOptimizer: d.outerOptimizer,
    outerSchedule: d.outerSchedule,
    tolerance: d.tolerance,
    metaBatch: d.metaBatch,
    evalEvery: d.evalEvery,
    ...(d.methodOptions ?? {}),
  };
  const merged = { ...dropUndefined(fromProblem), ...dropUndefined(given) };
  const runKeys = new Set<string>(RUN_OPTIONS.map((s) => s.key));
  const methodKeys = new Set(method.options.map((s) => s.key));
  const runGiven = Object.fromEntries(Object.entries(merged).filter(([k]) => runKeys.has(k)));
  const run = resolveOptions(RUN_OPTIONS, runGiven);
  // Problem-level method options for other methods are ignored; user-given unknown keys are errors.
  const methodGiven = Object.fromEntries(Object.entries(merged).filter(([k]) => methodKeys.has(k)));
  const unknown = Object.keys(dropUndefined(given)).filter((k) => !runKeys.has(k) && !methodKeys.has(k));
  if (unknown.length > 0) {
    const valid = [...RUN_OPTIONS, ...method.options].map((s) => s.key).join(', ');
    throw new OptionsError([`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} for method '${method.id}'; valid options: ${valid}`]);
  }
  // The one place a record becomes ResolvedOptions: resolveOptions checked every declared key's type.
  const resolved = { ...run, ...resolveOptions(method.options, methodGiven, run) } as ResolvedOptions<S>;
  const relations = method.validate?.(resolved) ?? [];
  if (relations.length > 0) throw new OptionsError(relations);
  return resolved;
}

/** The end of a run. */
export interface RunOutcome {
  readonly status: FinishStatus;
  readonly message?: string;
  readonly summary: RunSummary;
  /** Distinct warnings the method raised (e.g. CG flags), with the first iteration each appeared. */
  readonly warnings: readonly string[];
}

/** A problem, a method and resolved options, stepped one outer iteration at a time. Call dispose(). */
export class Solver {
  private x: TensorList;
  private optState: TransformState;
  /** The learned lower start z of IA methods (docs/methods.md §4), with its own optimizer. */
  private z: TensorList | undefined;
  private zOptState: TransformState | undefined;
  private previousLower: TensorList | undefined;
  private readonly optimizer: GradientTransformation;
  private readonly zOptimizer: GradientTransformation | undefined;
  private readonly methodState: MethodState | undefined;
  private readonly rng: Rng;
  private readonly counters: Counters = createCounters();
  private readonly durations: number[] = [];
  private readonly warningSet = new Map<string, number>();
  private lastRecord: IterationRecord | undefined;
  private peakTensors = 0;
  private peakBytes = 0;
  private reachedTolerance: number | undefined;
  private lastEvals: Record<string, number> | undefined;
  /** Outer iterations done so far. */
  iteration = 0;

  private constructor(
    readonly problem: CompiledProblem,
    readonly method: AnyMethodSpec,
    readonly options: ResolvedOptions,
  ) {
    this.rng = createRng((options.seed ^ 0x9e3779b9) >>> 0);
    this.x = problem.initialUpper();
    const lr = method.outerLrSchedule?.(options) ?? outerSchedule(options);
    this.optimizer = makeOptimizer(options.outerOptimizer, lr);
    this.optState = this.optimizer.init(this.x);
    if (method.learnsLowerStart) {
      this.z = problem.initialLower();
      // IA methods declare startOptimizer and startLr (START_*_OPTION); a method without them steps z like x.
      const { startOptimizer, startLr } = options;
      this.zOptimizer = makeOptimizer(startOptimizer === 'adam' || startOptimizer === 'sgd' ? startOptimizer : options.outerOptimizer, typeof startLr === 'number' ? startLr : options.outerLr);
      this.zOptState = this.zOptimizer.init(this.z);
    }
    this.methodState = method.createState?.(problem, options);
  }

  /** Validates the problem and options, builds the data, and places x_0. */
  static async create(definition: ProblemDefinition<unknown, unknown>, methodId: string, given: Readonly<Record<string, unknown>> = {}): Promise<Solver> {
    registerSecondOrderGradients();
    const method = getMethod(methodId);
    return Solver.start(definition, method, resolveRunOptions(definition, method, given));
  }

  /**
   * Like create, with options resolveRunOptions already produced for this method (recorded in
   * run.json before the run starts): they are used as they are, not resolved again.
   */
  static async fromResolved(definition: ProblemDefinition<unknown, unknown>, methodId: string, options: ResolvedOptions): Promise<Solver> {
    registerSecondOrderGradients();
    const method = getMethod(methodId);
    // The type says "resolved", not for which method: options resolved for another method would
    // leave this one's options missing, which is cheap to see here and confusing to see later.
    if (!hasOptionValues(RUN_OPTIONS, options) || !hasOptionValues(method.options, options)) {
      throw new Error(`options were not resolved for method '${method.id}' (resolveRunOptions gives every run and method option a valid value)`);
    }
    return Solver.start(definition, method, options);
  }

  /** Builds the data with the run's seed and places x_0. */
  private static async start(definition: ProblemDefinition<unknown, unknown>, method: AnyMethodSpec, options: ResolvedOptions): Promise<Solver> {
    const problem = await compileProblem(definition, createRng(options.seed));
    return new Solver(problem, method, options);
  }

  /** Runs one outer iteration; throws DivergenceError (with the record) when a quantity is non-finite. */
  async step(): Promise<IterationRecord> {
    const t = this.iteration;
    const start = now();
    const p = this.problem;
    const tasks = p.hasTasks ? Array.from({ length: this.options.metaBatch }, () => p.sampleTask(this.rng)) : [undefined];
    const needsStartGradient = this.z !== undefined || p.lowerStart !== undefined;
    let gx: TensorList | undefined;
    let gz: TensorList | undefined;
    const taskMetrics: tf.Scalar[][] = [];
    const stats: Record<string, StatValue> = {};
    let forwardMs = 0;
    let backwardMs = 0;
    let lastLower: TensorList | undefined;
    for (const task of tasks) {
      const view = p.hasTasks ? p.withTask(task) : p;
      const y0 = this.lowerStartFor(view);
      const result = await this.method.hypergradient({
        problem: view,
        x: this.x,
        y0,
        options: this.options,
        counters: this.counters,
        ...(this.methodState ? { state: this.methodState } : {}),
        rng: this.rng,
        needsLowerStartGradient: needsStartGradient,
      });
      if (needsStartGradient && !result.gy0) {
        tf.dispose([...y0, ...result.gx, ...result.yK]);
        throw new Error(`method '${this.method.id}' returns no gradient for the lower start y_0, which this run needs (learned z or lower.start(x))`);
      }
      // y_0 = start(x) only when no learned z replaced it; then the upper gradient has that path too.
      gx = accumulate(gx, this.z ? result.gx.map((g) => tf.clone(g)) : addStartPath(view, this.x, result.gx, result.gy0));
      tf.dispose(result.gx);
      if (this.z) gz = accumulate(gz, result.gy0!);
      else if (result.gy0) tf.dispose(result.gy0);
      sampleMemory(this.counters);
      taskMetrics.push(
        tf.tidy(() => [
          view.upperObjective(this.x, result.yK),
          view.lowerObjective(this.x, result.yK),
          normList(gradY((a, b) => view.lowerObjective(a, b), this.x, result.yK)),
        ]) as tf.Scalar[],
      );
      Object.assign(stats, result.stats);
      if (result.warning) {
        stats['warning'] = result.warning;
        if (!this.warningSet.has(result.warning)) this.warningSet.set(result.warning, t);
      }
      forwardMs += result.forwardMs;
      backwardMs += result.backwardMs;
      tf.dispose(y0);
      if (lastLower) tf.dispose(lastLower);
      lastLower = result.yK;
    }
    tf.dispose(tasks as tf.TensorContainer);
    // The counters now hold this iteration's calls: when they spend the budget, this iteration is the last.
    const last = t === this.options.iterations - 1 || this.budgetSpent;
    const scale = this.options.metaReduction === 'mean' ? 1 / tasks.length : 1;
    // Metrics average over the meta-batch; distances use the last task's y_K.
    const metricTensors = tf.tidy(() => {
      const mean = (i: number): tf.Scalar => tf.div(tf.addN(taskMetrics.map((m) => m[i]!)), taskMetrics.length);
      return [
        mean(0),
        mean(1),
        tf.mul(normList(gx!), scale) as tf.Scalar,
        mean(2),
        p.upperSolution ? normList(subLists(this.x, p.upperSolution)) : tf.scalar(NaN),
        p.lowerSolution ? normList(subLists(lastLower!, p.lowerSolution)) : tf.scalar(NaN),
        this.z ? normList(this.z) : tf.scalar(NaN),
        this.z ? normList(subLists(lastLower!, this.z)) : tf.scalar(NaN),
      ];
    });
    tf.dispose(taskMetrics);
    // Held-out metrics at (x_t, y_K, z_t), before the update; their time is not the method's.
    const evalStart = now();
    const evals = this.shouldEvaluate(t, last)
      ? await evaluateProblem(p, {
          x: this.x,
          y: lastLower!,
          ...(this.z ? { z: this.z } : {}),
          iteration: t,
          final: last,
          seed: this.options.seed,
          lowerSteps: this.options.lowerSteps,
          lowerLr: this.options.lowerLr,
        }).catch((e: unknown) => {
          tf.dispose([...metricTensors, ...(gx ?? []), ...(gz ?? []), ...(lastLower ?? [])]);
          throw e;
        })
      : undefined;
    const evalMs = now() - evalStart;
    if (evals) this.lastEvals = evals;
    const next = tf.tidy(() => {
      const g = scale === 1 ? gx! : gx!.map((v) => tf.mul(v, scale));
      const { updates, state } = this.optimizer.update(g, this.optState);
      const stepped = applyUpdates(this.x, updates);
      const x = p.upper.bounded ? p.projectUpper(stepped) : stepped;
      let zNext: { z: TensorList; state: TransformState } | undefined;
      if (this.z && this.zOptimizer && this.zOptState) {
        const gzScaled = scale === 1 ? gz! : gz!.map((v) => tf.mul(v, scale));
        const zu = this.zOptimizer.update(gzScaled, this.zOptState);
        const zStepped = applyUpdates(this.z, zu.updates);
        zNext = { z: p.lower.bounded ? p.projectLower(zStepped) : zStepped, state: zu.state };
      }
      return { x, state, xNorm: normList(x), ...(zNext ? { zNext } : {}) };
    });
    const [F, f, gNorm, stationarity, upperDistance, lowerDistance, zNorm, yKMinusZ, xNorm] = await readScalars([...metricTensors, next.xNorm]);
    tf.dispose([...this.x, ...gx!, ...(gz ?? [])]);
    disposeState(this.optState);
    this.x = next.x;
    this.optState = next.state;
    if (next.zNext) {
      tf.dispose(this.z);
      disposeState(this.zOptState!);
      this.z = next.zNext.z;
      this.zOptState = next.zNext.state;
      stats['ia.zNorm'] = zNorm!;
      stats['ia.yKMinusZ'] = yKMinusZ!;
    }
    if (this.previousLower) tf.dispose(this.previousLower);
    this.previousLower = lastLower;
    const memory = tf.memory();
    this.peakTensors = Math.max(this.peakTensors, this.counters.peakTensors, memory.numTensors);
    this.peakBytes = Math.max(this.peakBytes, this.counters.peakBytes, memory.numBytes);
    const record: IterationRecord = {
      iteration: t,
      upperLoss: F!,
      lowerLoss: f!,
      hypergradNorm: gNorm!,
      lowerStationarity: stationarity!,
      ...(p.upperSolution ? { upperDistance: upperDistance! } : {}),
      ...(p.lowerSolution ? { lowerDistance: lowerDistance! } : {}),
      forwardMs,
      backwardMs,
      gradientEvals: this.counters.gradientEvals,
      hvpEvals: this.counters.hvpEvals,
      numTensors: memory.numTensors,
      numBytes: memory.numBytes,
      stats,
      ...(evals ? { evals } : {}),
    };
    this.iteration++;
    this.durations.push(now() - start - evalMs);
    this.lastRecord = record;
    const tolMetric = p.upperSolution ? upperDistance! : gNorm!;
    if (this.reachedTolerance === undefined && tolMetric <= this.options.tolerance) this.reachedTolerance = t;
    const bad = (
      [
        ['upper objective F', F],
        ['lower objective f', f],
        ['hypergradient norm', gNorm],
        ['lower stationarity ‖∇_y f‖', stationarity],
        ['upper variable x after the update', xNorm],
        ...(this.z ? ([['lower start z after the update', zNorm]] as const) : []),
      ] as const
    ).find(([, v]) => !Number.isFinite(v));
    if (bad) throw new DivergenceError(`${bad[0]} became ${bad[1]} at outer iteration ${t} (method ${this.method.id})`, record);
    return record;
  }

  /** Evaluates at every evalEvery-th iteration (0: none of them) and always at the last one (the budget's included). */
  private shouldEvaluate(t: number, last: boolean): boolean {
    if (!this.problem.definition.evaluate) return false;
    const every = this.options.evalEvery;
    return last || (every > 0 && t % every === 0);
  }

  /** Gradient + HVP evaluations so far (the oracle calls of `maxOracleCalls`). */
  get oracleCalls(): number {
    return this.counters.gradientEvals + this.counters.hvpEvals;
  }

  /** True once `maxOracleCalls` is set (> 0) and the oracle calls so far reach it: the run stops after this iteration. */
  get budgetSpent(): boolean {
    const budget = this.options.maxOracleCalls;
    return budget > 0 && this.oracleCalls >= budget;
  }

  /** y_0 for this outer step: the learned z, the previous y_K (warm start), start(x), or the lower init. */
  private lowerStartFor(view: CompiledProblem): TensorList {
    if (this.z) return this.z.map((v) => tf.clone(v));
    if (this.options.warmStart && this.previousLower) return this.previousLower.map((v) => tf.clone(v));
    if (view.lowerStart) return tf.tidy(() => view.lowerStart!(this.x).map((v) => tf.clone(v)));
    return view.initialLower();
  }

  /** Starts the peak-memory measurement afresh (benchmarks exclude their warm-up iteration this way). */
  resetPeakMemory(): void {
    this.peakTensors = 0;
    this.peakBytes = 0;
    this.counters.peakTensors = 0;
    this.counters.peakBytes = 0;
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

  /** The shapes of the current variables by name (the summary's x and y are flattened). */
  shapes(): { x: Record<string, number[]>; y: Record<string, number[]> } {
    return {
      x: Object.fromEntries(this.problem.upper.names.map((n, i) => [n, [...(this.x[i]?.shape ?? [])]])),
      y: Object.fromEntries(this.problem.lower.names.flatMap((n, i) => (this.previousLower?.[i] ? [[n, [...this.previousLower[i]!.shape]]] : []))),
    };
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
      shapes: this.shapes(),
      msPerIteration: sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)]! : 0,
      peakTensors: this.peakTensors,
      peakBytes: this.peakBytes,
      ...(this.reachedTolerance !== undefined ? { iterationsToTolerance: this.reachedTolerance + 1 } : {}),
      ...(this.warningSet.size > 0 ? { warnings: this.warnings() } : {}),
      ...(this.lastEvals ? { evals: this.lastEvals } : {}),
    };
  }

  /** Releases every tensor the solver holds (x, z, optimizer states, method state, last y_K, data, solution). */
  dispose(): void {
    tf.dispose(this.x);
    disposeState(this.optState);
    if (this.z) tf.dispose(this.z);
    if (this.zOptState) disposeState(this.zOptState);
    this.methodState?.dispose();
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

/** Resolves `given` (resolveRunOptions) and runs the whole experiment (runResolved). */
export async function runProblem(
  definition: ProblemDefinition<unknown, unknown>,
  methodId: string,
  given: Readonly<Record<string, OptionValue | undefined>> = {},
  hooks: RunHooks = {},
): Promise<RunOutcome & { options: ResolvedOptions }> {
  registerSecondOrderGradients();
  const method = getMethod(methodId);
  return runResolved(definition, methodId, resolveRunOptions(definition, method, given), hooks);
}

/**
 * Runs a whole experiment with options resolveRunOptions already produced (not resolved again);
 * never throws for divergence (status `diverged`) or cancellation.
 */
export async function runResolved(
  definition: ProblemDefinition<unknown, unknown>,
  methodId: string,
  resolved: ResolvedOptions,
  hooks: RunHooks = {},
): Promise<RunOutcome & { options: ResolvedOptions }> {
  const solver = await Solver.fromResolved(definition, methodId, resolved);
  let status: RunOutcome['status'] = 'completed';
  let message: string | undefined;
  try {
    const total = solver.options.iterations;
    // `iterations` bounds the run; a budget ends it after the first iteration whose calls reach it.
    while (solver.iteration < total && !solver.budgetSpent) {
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
    // Checked before the iteration count: a budget reached on the last allowed iteration still ended the run.
    const stopReason: StopReason | undefined = status !== 'completed' ? undefined : solver.budgetSpent ? 'oracleBudget' : 'iterations';
    const warnings = solver.warnings();
    return { status, ...(message ? { message } : {}), summary: stopReason ? { ...summary, stopReason } : summary, warnings, options: solver.options };
  } finally {
    solver.dispose();
  }
}

/** λ_t from the run options: constant, or harmonic λ/(t+1). */
function outerSchedule(options: RunOptions): LearningRate {
  const lr = options.outerLr;
  return options.outerSchedule === 'harmonic' ? (t: number) => lr / (t + 1) : lr;
}

function makeOptimizer(kind: RunOptions['outerOptimizer'], lr: LearningRate): GradientTransformation {
  return kind === 'adam' ? adam(lr) : sgd(lr);
}

/** Adds b into a running sum (taking ownership of both); the first call returns b itself. */
function accumulate(sum: TensorList | undefined, b: TensorList): TensorList {
  if (!sum) return b;
  const out = tf.tidy(() => addLists(sum, b));
  tf.dispose([...sum, ...b]);
  return out;
}

function dropUndefined(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
