// Plain-data records shared by core (producer), the run store, the CLI, the worker and the webview.
// Imports nothing, so every process can use it.

/** A value a method statistic may take; arrays hold per-inner-step traces (e.g. adjoint norms). */
export type StatValue = number | boolean | string | readonly number[];

/** Metrics of one outer iteration t, measured at (x_t, y_K(x_t)) before x is updated. */
export interface IterationRecord {
  /** Outer iteration index t (0-based). */
  readonly iteration: number;
  /** Upper objective F(x_t, y_K). */
  readonly upperLoss: number;
  /** Lower objective f(x_t, y_K). */
  readonly lowerLoss: number;
  /** Euclidean norm of the hypergradient estimate over all upper tensors. */
  readonly hypergradNorm: number;
  /** Lower-level stationarity ‖∇_y f(x_t, y_K)‖ (all lower tensors). */
  readonly lowerStationarity: number;
  /** ‖x_t − x*‖ when the problem knows x*. */
  readonly upperDistance?: number;
  /** ‖y_K − y*‖ when the problem knows y*. */
  readonly lowerDistance?: number;
  /** Wall time of the lower-level forward pass (ms). */
  readonly forwardMs: number;
  /** Wall time of the hypergradient (backward) computation (ms). */
  readonly backwardMs: number;
  /** Cumulative first-order gradient evaluations since the run started. */
  readonly gradientEvals: number;
  /** Cumulative second-order products since the start: one double backward (giving an HVP, a mixed VJP, or both) counts 1. */
  readonly hvpEvals: number;
  /** Live tensors after the iteration (tf.memory().numTensors). */
  readonly numTensors: number;
  /** Bytes held by live tensors after the iteration (tf.memory().numBytes). */
  readonly numBytes: number;
  /** Method-specific statistics (docs/methods.md §8), e.g. `cg.residual`, `trhg.M`. */
  readonly stats: Readonly<Record<string, StatValue>>;
  /** Held-out metrics of the problem's `evaluate` (test accuracy, F1, …), on evaluation iterations only. */
  readonly evals?: Readonly<Record<string, number>>;
  /** When the record was made (ms since the epoch, the writer's clock); set by the recorder, absent in older runs. */
  readonly time?: number;
}

/**
 * A run's status from its first moment, in every process: `queued` (waiting for a worker; never in
 * run.json) → `running` → how it ended. `interrupted` is only ever inferred by readers, for a
 * `running` record whose writer is gone.
 */
export type RunStatus = 'queued' | 'running' | FinishStatus | 'interrupted';

/** How a run can end (written into run.json by the recorder). */
export type FinishStatus = 'completed' | 'diverged' | 'failed' | 'cancelled';

/** True once a run has ended, however it ended (an inferred `interrupted` included). */
export function isFinished(status: RunStatus): boolean {
  return status !== 'queued' && status !== 'running';
}

/** The final state of a run: last metrics plus the final variables (flat arrays per named tensor). */
export interface RunSummary {
  readonly iterations: number;
  readonly last?: IterationRecord;
  /** Final upper variables by name, flattened row-major. */
  readonly x: Readonly<Record<string, readonly number[]>>;
  /** Final lower variables y_K by name, flattened row-major. */
  readonly y: Readonly<Record<string, readonly number[]>>;
  /** The shapes of x and y by name (x and y are flat); absent in records written before shapes were kept. */
  readonly shapes?: { readonly x: Readonly<Record<string, readonly number[]>>; readonly y: Readonly<Record<string, readonly number[]>> };
  /** Median wall time of one outer iteration (ms). */
  readonly msPerIteration: number;
  /** Peak live tensors and bytes seen over the run. */
  readonly peakTensors: number;
  readonly peakBytes: number;
  /** Outer iterations until upperDistance (else hypergradNorm) first fell below the tolerance, if ever. */
  readonly iterationsToTolerance?: number;
  /** Distinct warnings the method raised (e.g. CG on a singular Hessian), with where they first appeared. */
  readonly warnings?: readonly string[];
  /** The last evaluation's held-out metrics (`name.ci95`: 95% confidence half-width of `name`). */
  readonly evals?: Readonly<Record<string, number>>;
  /** Why a completed run stopped; absent for a run that did not complete, and in records written before it was kept. */
  readonly stopReason?: StopReason;
}

/** `iterations`: its outer iterations ran out; `oracleBudget`: its gradient + HVP evaluations reached `maxOracleCalls` first. */
export type StopReason = 'iterations' | 'oracleBudget';
