// Compares a method's hypergradient with central finite differences of its approximate problem
// φ_K(x) = F(x, y_K(x)) along a few directions, and with RHG's (the exact gradient of φ_K).
import * as tf from '@tensorflow/tfjs-core';
import { registerSecondOrderGradients } from '../autodiff/registerSecondOrderGradients';
import { createCounters } from '../derivatives';
import { addStartPath } from '../methods/addStartPath';
import { gradientDescent } from '../dynamics/gradientDescent';
import { disposeTrajectory, unrollDynamics } from '../dynamics/unrollDynamics';
import type { MethodSpec } from '../methods/methodSpec';
import { getMethod } from '../methods/registry';
import { compileProblem } from '../problem/compileProblem';
import type { CompiledProblem } from '../problem/compileProblem';
import type { ProblemDefinition } from '../problem/defineProblem';
import { createRng } from '../rng';
import type { Rng } from '../rng';
import { resolveRunOptions } from '../solver';
import type { ResolvedOptions } from '../methods/options';
import type { TensorList } from '../tensorList';
import { readList } from '../tensorList';

/** Options of a hypergradient check. */
export interface CheckOptions {
  /** Run and method options (K, inner-lr, M, …), as for a run. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Evaluate at this x (by variable name, one number broadcasts); default x_0. */
  readonly x?: Readonly<Record<string, number | readonly number[]>>;
  /** Random directions besides the hypergradient's own direction (default 2). */
  readonly directions?: number;
  /** Step sizes tried for the central differences (default 1e-1 … 1e-3). */
  readonly epsilons?: readonly number[];
  /** Seed of the random directions (default 0). */
  readonly seed?: number;
}

/** One directional comparison: analytic g·d against the central difference (φ(x+εd) − φ(x−εd))/2ε. */
export interface DirectionCheck {
  readonly analytic: number;
  readonly finiteDifference: number;
  /** ε chosen: the one where successive differences agree best (spec §13). */
  readonly epsilon: number;
  /** |analytic − fd| / max(|analytic|, |fd|, 1e-6). */
  readonly relativeError: number;
}

/** The outcome of a check. */
export interface CheckResult {
  readonly method: string;
  readonly lowerSteps: number;
  /** The method's hypergradient, flattened over the upper tensors in order. */
  readonly hypergradient: number[];
  /** F(x, y_K) at the point. */
  readonly upperLoss: number;
  readonly directions: readonly DirectionCheck[];
  /** Largest relative error against finite differences. */
  readonly maxRelativeError: number;
  /** ‖g − g_RHG‖ / ‖g_RHG‖ (RHG is the exact gradient of φ_K); 0 for RHG itself. */
  readonly relativeErrorVsRhg: number;
  /** True when the method's estimate is, by definition, the exact gradient of φ_K (RHG, T-RHG with M = K). */
  readonly exactForApproximateProblem: boolean;
}

/** Runs the check; never trains (one hypergradient at one point). */
export async function checkHypergradient(definition: ProblemDefinition<unknown, unknown>, methodId: string, check: CheckOptions = {}): Promise<CheckResult> {
  registerSecondOrderGradients();
  const method = getMethod(methodId);
  const options = resolveRunOptions(definition, method, check.options ?? {});
  const problem = await compileProblem(definition, createRng(options.seed as number));
  try {
    const x = startingPoint(problem, check.x);
    try {
      const g = await hypergradientAt(problem, method, options, x);
      const rhg = method.id === 'rhg' ? g : await hypergradientAt(problem, getMethod('rhg'), resolveRunOptions(definition, getMethod('rhg'), pick(options, ['iterations', 'lowerSteps', 'lowerLr', 'outerLr', 'outerOptimizer', 'warmStart', 'seed', 'tolerance'])), x);
      const flat = g.gx.flat();
      const rhgFlat = rhg.gx.flat();
      const phi = (xs: TensorList): Promise<number> => approximateObjective(problem, options, xs);
      const rng = createRng(check.seed ?? 0);
      const dirs = directionsFor(flat, check.directions ?? 2, rng);
      const epsilons = check.epsilons ?? [1e-1, 3e-2, 1e-2, 3e-3, 1e-3];
      const results: DirectionCheck[] = [];
      for (const d of dirs) results.push(await compareDirection(phi, x, flat, d, epsilons));
      const diff = Math.hypot(...flat.map((v, i) => v - rhgFlat[i]!));
      const rhgNorm = Math.hypot(...rhgFlat);
      return {
        method: method.id,
        lowerSteps: options.lowerSteps as number,
        hypergradient: flat,
        upperLoss: g.upperLoss,
        directions: results,
        maxRelativeError: Math.max(...results.map((r) => r.relativeError)),
        relativeErrorVsRhg: rhgNorm > 0 ? diff / rhgNorm : diff,
        exactForApproximateProblem: method.id === 'rhg' || (method.id === 't-rhg' && options.truncation === options.lowerSteps),
      };
    } finally {
      tf.dispose(x);
    }
  } finally {
    problem.dispose();
  }
}

/** The method's hypergradient at x from y_0, read back as plain arrays. */
export async function hypergradientAt(
  problem: CompiledProblem,
  method: MethodSpec,
  options: ResolvedOptions,
  x: TensorList,
): Promise<{ gx: number[][]; upperLoss: number }> {
  const y0 = problem.lowerStart ? tf.tidy(() => problem.lowerStart!(x).map((t) => tf.clone(t))) : problem.initialLower();
  const result = await method.hypergradient({
    problem,
    x,
    y0,
    options,
    counters: createCounters(),
    rng: createRng(options.seed as number),
    needsLowerStartGradient: problem.lowerStart !== undefined,
  });
  const total = addStartPath(problem, x, result.gx, result.gy0);
  const gx = await readList(total);
  tf.dispose([...total, ...(result.gy0 ?? [])]);
  const F = tf.tidy(() => problem.upperObjective(x, result.yK));
  const upperLoss = (await F.data())[0]!;
  tf.dispose([...y0, ...result.gx, ...result.yK, F]);
  return { gx, upperLoss };
}

/** φ_K(x) = F(x, y_K(x)) with y_K from K projected gradient-descent steps from y_0 (no graph). */
export async function approximateObjective(problem: CompiledProblem, options: ResolvedOptions, x: TensorList): Promise<number> {
  const y0 = problem.lowerStart ? tf.tidy(() => problem.lowerStart!(x).map((t) => tf.clone(t))) : problem.initialLower();
  const K = options.lowerSteps as number;
  const dynamics = gradientDescent(problem, { lr: options.lowerLr as number });
  const trajectory = await unrollDynamics(dynamics, x, y0, { steps: K }, createCounters());
  const F = tf.tidy(() => problem.upperObjective(x, dynamics.lower(trajectory.states[K]!)));
  const value = (await F.data())[0]!;
  tf.dispose([...y0, F]);
  disposeTrajectory(trajectory);
  return value;
}

/** x_0, or the given values (one number broadcasts to the whole tensor). */
export function startingPoint(problem: CompiledProblem, given?: Readonly<Record<string, number | readonly number[]>>): TensorList {
  const x0 = problem.initialUpper();
  if (!given) return x0;
  const unknown = Object.keys(given).filter((k) => !problem.upper.names.includes(k));
  if (unknown.length > 0) {
    tf.dispose(x0);
    throw new Error(`unknown upper variable(s) ${unknown.join(', ')}; the problem's upper variables are ${problem.upper.names.join(', ')}`);
  }
  return x0.map((t, i) => {
    const value = given[problem.upper.names[i]!];
    if (value === undefined) return t;
    t.dispose();
    if (typeof value === 'number') return tf.fill(t.shape, value);
    if (value.length !== t.size) {
      throw new Error(`x value for '${problem.upper.names[i]}' has ${value.length} entries; its shape [${t.shape.join(', ')}] needs ${t.size} (or one number)`);
    }
    return tf.tensor(value as number[], t.shape, 'float32');
  });
}

function directionsFor(g: number[], count: number, rng: Rng): number[][] {
  const unit = (v: number[]): number[] => {
    const n = Math.hypot(...v);
    return n > 0 ? v.map((e) => e / n) : v;
  };
  const dirs: number[][] = [];
  if (Math.hypot(...g) > 0) dirs.push(unit(g));
  for (let i = 0; i < count; i++) dirs.push(unit(g.map(() => rng.normal())));
  return dirs;
}

async function compareDirection(
  phi: (x: TensorList) => Promise<number>,
  x: TensorList,
  g: number[],
  d: number[],
  epsilons: readonly number[],
): Promise<DirectionCheck> {
  const analytic = g.reduce((s, v, i) => s + v * d[i]!, 0);
  const shifted = (eps: number): TensorList => {
    let offset = 0;
    return x.map((t) => {
      const part = d.slice(offset, offset + t.size);
      offset += t.size;
      return tf.tidy(() => tf.add(t, tf.mul(tf.tensor(part, t.shape, 'float32'), eps)));
    });
  };
  const estimates: number[] = [];
  for (const eps of epsilons) {
    const plus = shifted(eps);
    const minus = shifted(-eps);
    estimates.push(((await phi(plus)) - (await phi(minus))) / (2 * eps));
    tf.dispose([...plus, ...minus]);
  }
  // Float32 round-off grows as ε shrinks and truncation error as ε grows: take the estimate whose
  // neighbour agrees best (spec §13).
  let best = 0;
  let bestGap = Infinity;
  for (let i = 0; i + 1 < estimates.length; i++) {
    const gap = Math.abs(estimates[i]! - estimates[i + 1]!);
    if (gap < bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  const fd = estimates[best]!;
  const relativeError = Math.abs(analytic - fd) / Math.max(Math.abs(analytic), Math.abs(fd), 1e-6);
  return { analytic, finiteDifference: fd, epsilon: epsilons[best]!, relativeError };
}

function pick(o: ResolvedOptions, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}
