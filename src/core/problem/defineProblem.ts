// The problem API: what a researcher writes in a `*.bilevel.ts` file.
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';

/**
 * Named tensors of one level, as the objectives receive them: `{ x }` for `upper.variables: { x: … }`.
 * Indexing gives `tf.Tensor | undefined` under `noUncheckedIndexedAccess`, hence `y!` in objectives.
 */
export type Vars = Record<string, tf.Tensor>;

/** Initial value of a variable: a constant fill, a flat row-major array, or a seeded generator. */
export type VariableInit = number | readonly number[] | Float32Array | ((rng: Rng) => ArrayLike<number>);

/** One named tensor of a level, e.g. `{ shape: [3], init: 0 }` or `{ shape: [784, 10], init: (rng) => … }`. */
export interface VariableSpec {
  /** Tensor shape; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Initial value (x_0 for the upper level, y_0 for the lower level). */
  readonly init: VariableInit;
  /** Optional box constraint [lo, hi], applied by projection after every step (docs/methods.md §1.4). */
  readonly bounds?: readonly [number, number];
}

/** An objective of both levels' variables; `data` is what the data loader returned, `task` the sampled task. */
export type Objective<D, T = undefined> = LevelDefinition<D, T>['objective'];

/** One level of the problem: its variables and its objective. */
export interface LevelDefinition<D, T = undefined> {
  /** The level's tensors by name, e.g. `{ x: { shape: [3], init: 0 } }`; the objectives receive them under these names. */
  readonly variables: Readonly<Record<string, VariableSpec>>;
  // Method syntax, so that it is bivariant in D and T.
  /**
   * The level's scalar objective, written with tfjs-core ops: F(x, y) for the upper level, f(x, y)
   * for the lower. `x` and `y` hold the upper and lower variables by name; `data` is what
   * {@link ProblemDefinition.data} returned, `task` the task {@link ProblemDefinition.sampleTask} drew.
   * Hypergradients differentiate it twice: use the second-order-safe ops (`supportedOps` lists them)
   * and this library's `crossEntropy`, `logSoftmax`, `logSumExp`.
   *
   * @example objective: ({ x }, { y }) => tf.sum(tf.square(tf.sub(y!, x!)))
   */
  objective(x: Vars, y: Vars, data: D, task: T): tf.Scalar;
}

/** The lower level, which may start from a function of x (MAML-type: u_0 = θ) instead of its inits. */
export interface LowerLevelDefinition<D, T = undefined> extends LevelDefinition<D, T> {
  /**
   * y_0 as a differentiable function of x (e.g. `({ theta }) => ({ u: theta })`); hypergradients then
   * include the path through the start (docs/methods.md §6.1). Without it y_0 is the variables' init.
   */
  start?(x: Vars, data: D): Vars;
}

/** Settings a problem suggests for its runs; command-line flags and settings override them. */
export interface ProblemDefaults {
  /** Method id: `rhg`, `t-rhg`, `cg`, `neumann`, `fom`, `bda`, `ia-gm`, `ia-gm-a`, `iaptt-gm`, `ptt`, `sl-bamm`, `ufom` (`bilevel methods` lists them). */
  readonly method?: string;
  /** Outer iterations T (`--iterations`). */
  readonly iterations?: number;
  /** Lower-level steps K per outer iteration (`--K`). */
  readonly lowerSteps?: number;
  /** Lower-level step size s (`--inner-lr`). */
  readonly lowerLr?: number;
  /** Upper-level step size λ (`--outer-lr`). */
  readonly outerLr?: number;
  /** Upper-level optimizer (`--optimizer`). */
  readonly outerOptimizer?: 'sgd' | 'adam';
  /** Upper step schedule: constant λ or harmonic λ/(t+1). */
  readonly outerSchedule?: 'constant' | 'harmonic';
  readonly tolerance?: number;
  /** Tasks per outer iteration (problems with a task sampler). */
  readonly metaBatch?: number;
  /** Outer iterations between two evaluations (problems with `evaluate`); 0 turns them off. */
  readonly evalEvery?: number;
  /** Any method option by its key (e.g. `truncation`, `cgIterations`). */
  readonly methodOptions?: Readonly<Record<string, number | string | boolean>>;
}

/** A bi-level problem: min_x F(x, y*(x)) with y*(x) ∈ argmin_y f(x, y). */
export interface ProblemDefinition<D = undefined, T = undefined> {
  /** Stable id, used in run records and on the command line: letters, digits, `-`, `_` and `.`. */
  readonly id: string;
  /** Human-readable name, shown in the run panel and the history. */
  readonly title?: string;
  /** A longer description (the history's tooltip). */
  readonly description?: string;
  /** Upper level: x and F(x, y). */
  readonly upper: LevelDefinition<D, T>;
  /** Lower level: y and f(x, y). */
  readonly lower: LowerLevelDefinition<D, T>;
  /** Known solution (x*, y*) by variable name, for error curves; a number fills the whole tensor. */
  readonly solution?: {
    readonly upper?: Readonly<Record<string, number | readonly number[]>>;
    readonly lower?: Readonly<Record<string, number | readonly number[]>>;
  };
  /** Builds the problem's data once per run (tensors it returns are disposed by the solver). */
  data?(rng: Rng): D;
  /**
   * Draws one task (meta-learning, UFOM): each outer iteration averages or sums the hypergradients of
   * `metaBatch` tasks. Tensors in a task are disposed by the solver after use.
   */
  sampleTask?(rng: Rng, data: D): T;
  /**
   * Held-out metrics (test accuracy, F1, error after adaptation, …), measured every `evalEvery` outer
   * iterations and at the last one, at x_t and the y_K it produced. Runs inside tf.tidy. Return
   * numbers or scalar tensors; a 1-D tensor of per-item values (e.g. one accuracy per test task) is
   * reported as its mean under `name` and its 95% confidence half-width under `name.ci95`.
   */
  evaluate?(context: EvaluationContext<D, T>): Readonly<Record<string, tf.Tensor | number>>;
  /** What a run uses unless the command line or the settings say otherwise: method, iterations, step sizes. */
  readonly defaults?: ProblemDefaults;
}

/** What `evaluate` sees: the current variables, the data, and helpers to adapt on new tasks. */
export interface EvaluationContext<D, T> {
  /** Upper variables x_t. */
  readonly x: Vars;
  /** y_K of this outer iteration (of the last task of the meta-batch when the problem has tasks). */
  readonly y: Vars;
  /** The learned lower start z of IA methods (IA-GM, IAPTT-GM); undefined for other methods. */
  readonly z?: Vars;
  readonly data: D;
  /** Outer iteration t. */
  readonly iteration: number;
  /** True at the run's last outer iteration, the last of `iterations` or the one that spends `maxOracleCalls` (spend more on it, e.g. 500 test tasks instead of 50). */
  readonly final: boolean;
  /** Re-seeded identically at every evaluation, so every evaluation sees the same held-out tasks. */
  readonly rng: Rng;
  /** The run's lower start y_0 for a task at x_t: z when the method learns it, else lower.start(x), else the lower init. */
  start(task?: T): Vars;
  /**
   * Runs plain gradient descent on the lower objective f(x, ·) (of `task`, if given) from `from`:
   * `steps` (default: the run's K) steps of size `lr` (default: the run's lower step size), at
   * `x` (default: x_t; e.g. a random feature extractor for a baseline).
   */
  adapt(from: Vars, options?: { readonly task?: T; readonly steps?: number; readonly lr?: number; readonly x?: Vars }): Vars;
}

/**
 * Declares a bi-level problem min_x F(x, y*(x)) with y*(x) ∈ argmin_y f(x, y): the upper level
 * (variables x, objective F), the lower level (variables y, objective f) and, optionally, a known
 * `solution` (turns on the distance curves), `defaults` for runs, `data`, `sampleTask` and `evaluate`.
 * Export the result from a `*.bilevel.ts` file: VS Code shows ▶ Run above this call, and
 * `npx bilevel run --problem ./file.bilevel.ts` runs it.
 *
 * Checks the structure now (ids, shapes, init lengths, bounds; throws a {@link ProblemError} naming
 * each field) and the numbers when a run compiles it (scalar objectives, finite values at the start).
 *
 * @example
 * export default defineProblem({
 *   id: 'my-problem',
 *   upper: { variables: { x: { shape: [3], init: 0 } }, objective: (_x, { y }) => tf.sum(tf.square(tf.sub(y!, 1))) },
 *   lower: { variables: { y: { shape: [3], init: 0 } }, objective: ({ x }, { y }) => tf.sum(tf.square(tf.sub(y!, x!))) },
 *   solution: { upper: { x: 1 }, lower: { y: 1 } },
 * });
 */
export function defineProblem<D = undefined, T = undefined>(definition: ProblemDefinition<D, T>): ProblemDefinition<D, T> {
  const errors = checkDefinition(definition as ProblemDefinition<unknown, unknown>);
  if (errors.length > 0) throw new ProblemError(definition?.id, errors);
  return definition;
}

/** A problem that failed validation; `issues` names each offending field. */
export class ProblemError extends Error {
  constructor(
    readonly problemId: string | undefined,
    readonly issues: readonly string[],
  ) {
    super(`Invalid problem${problemId ? ` '${problemId}'` : ''}:\n${issues.map((m) => `  - ${m}`).join('\n')}`);
    this.name = 'ProblemError';
  }
}

/** Structural checks that need no tensors: field presence, shapes, init lengths, bounds. */
export function checkDefinition(def: ProblemDefinition<unknown, unknown>): string[] {
  const issues: string[] = [];
  if (def === null || typeof def !== 'object') return ['the problem must be an object made with defineProblem({...})'];
  if (typeof def.id !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(def.id)) {
    issues.push(`id: must be a non-empty string of letters, digits, '-', '_' or '.', got ${JSON.stringify(def.id)}`);
  }
  for (const level of ['upper', 'lower'] as const) {
    const spec = def[level];
    if (!spec || typeof spec !== 'object') {
      issues.push(`${level}: missing; expected { variables: {...}, objective: (x, y, data) => scalar }`);
      continue;
    }
    if (typeof spec.objective !== 'function') issues.push(`${level}.objective: must be a function (x, y, data) => tf.Scalar`);
    const vars = spec.variables;
    if (!vars || typeof vars !== 'object' || Object.keys(vars).length === 0) {
      issues.push(`${level}.variables: must name at least one variable, e.g. { ${level === 'upper' ? 'x' : 'y'}: { shape: [1], init: 0 } }`);
      continue;
    }
    for (const [name, v] of Object.entries(vars)) issues.push(...checkVariable(`${level}.variables.${name}`, v));
  }
  for (const level of ['upper', 'lower'] as const) {
    const known = def.solution?.[level];
    const vars = def[level]?.variables;
    if (!known || !vars) continue;
    for (const [name, value] of Object.entries(known)) {
      const v = vars[name];
      if (!v) {
        issues.push(`solution.${level}.${name}: no ${level} variable '${name}' (variables: ${Object.keys(vars).join(', ')})`);
      } else if (typeof value !== 'number' && value.length !== sizeOf(v.shape)) {
        issues.push(`solution.${level}.${name}: has ${value.length} values, shape [${v.shape.join(', ')}] needs ${sizeOf(v.shape)}`);
      }
    }
  }
  if (def.data !== undefined && typeof def.data !== 'function') issues.push('data: must be a function (rng) => data');
  if (def.sampleTask !== undefined && typeof def.sampleTask !== 'function') issues.push('sampleTask: must be a function (rng, data) => task');
  if (def.evaluate !== undefined && typeof def.evaluate !== 'function') issues.push('evaluate: must be a function (context) => { metric: value }');
  if (def.lower?.start !== undefined && typeof def.lower.start !== 'function') issues.push('lower.start: must be a function (x, data) => { [lower variable]: tensor }');
  return issues;
}

function checkVariable(path: string, v: VariableSpec): string[] {
  if (!v || typeof v !== 'object') return [`${path}: must be { shape: number[], init }`];
  const issues: string[] = [];
  if (!Array.isArray(v.shape) || !v.shape.every((d) => Number.isInteger(d) && d > 0)) {
    issues.push(`${path}.shape: must be an array of positive integers, got ${JSON.stringify(v.shape)}`);
    return issues;
  }
  const n = sizeOf(v.shape);
  const init = v.init;
  if (typeof init === 'number') {
    if (!Number.isFinite(init)) issues.push(`${path}.init: must be finite, got ${init}`);
  } else if (typeof init === 'function') {
    // Checked when the run draws it (compileProblem), since it needs the run's seed.
  } else if (init && typeof (init as ArrayLike<number>).length === 'number') {
    if (init.length !== n) issues.push(`${path}.init: has ${init.length} values, shape [${v.shape.join(', ')}] needs ${n}`);
  } else {
    issues.push(`${path}.init: must be a number, an array of ${n} numbers or a function (rng) => values`);
  }
  if (v.bounds !== undefined) {
    const [lo, hi] = v.bounds;
    if (!(typeof lo === 'number' && typeof hi === 'number' && lo < hi)) {
      issues.push(`${path}.bounds: must be [lo, hi] with lo < hi, got ${JSON.stringify(v.bounds)}`);
    }
  }
  return issues;
}

/** Number of entries of a tensor of this shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
