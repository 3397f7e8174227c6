// Compares a method's hypergradient with central finite differences of its approximate problem
// φ_K(x) = F(x, y_K(x)) along a few directions, and with RHG's (the exact gradient of φ_K). Methods
// that state their own φ_K (BDA, IA-GM, IA-GM(A), PTT, IAPTT-GM) are differenced on that one, and
// methods that learn the lower start z are also checked in z.
import * as tf from '@tensorflow/tfjs-core';
import { registerSecondOrderGradients } from '../autodiff/registerSecondOrderGradients';
import { createCounters } from '../derivatives';
import { addStartPath } from '../methods/addStartPath';
import { gradientDescent } from '../dynamics/gradientDescent';
import { disposeTrajectory, unrollDynamics } from '../dynamics/unrollDynamics';
import { hasApproximateObjective } from '../methods/approximateObjective';
import type { AnyMethodSpec } from '../methods/methodSpec';
import { getMethod } from '../methods/registry';
import { compileProblem } from '../problem/compileProblem';
import type { CompiledProblem } from '../problem/compileProblem';
import type { ProblemDefinition } from '../problem/defineProblem';
import { createRng } from '../rng';
import type { Rng } from '../rng';
import { resolveRunOptions } from '../solver';
import type { ResolvedOptions } from '../methods/runOptions';
import type { RunOptions } from '../methods/runOptions';
import type { TensorList } from '../tensorList';
import { cloneList, readList } from '../tensorList';

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
  /** For methods that learn the lower start: evaluate at this z (by lower variable name); default the lower init. */
  readonly z?: Readonly<Record<string, number | readonly number[]>>;
}

/** One directional comparison: analytic g·d against the central difference (φ(x+εd) − φ(x−εd))/2ε. */
export interface DirectionCheck {
  readonly analytic: number;
  readonly finiteDifference: number;
  /** ε chosen: the one where successive differences agree best (docs/methods.md §13). */
  readonly epsilon: number;
  /** |analytic − fd| / max(|analytic|, |fd|, 1e-6). */
  readonly relativeError: number;
  /**
   * Estimated error of finiteDifference: the gap to the estimate at the next smaller ε plus the
   * float32 round-off of the difference, eps32·max|φ(x ± εd)|/ε. The pass rule (src/protocol/checkRule.ts)
   * allows |analytic − fd| ≤ 3·fdError + rtol·max(|analytic|, |fd|) (docs/methods.md §13).
   */
  readonly fdError: number;
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
  /** True when the method's estimate is, by definition, the exact gradient of φ_K (RHG, T-RHG with M = K, methods stating their φ_K). */
  readonly exactForApproximateProblem: boolean;
  /** For methods that learn the lower start z: dL/dz against central differences of φ_K(x, ·) at z. */
  readonly lowerStart?: LowerStartCheck;
}

/** The check of dφ_K/dz for methods that learn the lower start (IA-GM, IA-GM(A), IAPTT-GM). */
export interface LowerStartCheck {
  /** dL/dz, flattened over the lower tensors in order. */
  readonly hypergradient: number[];
  readonly directions: readonly DirectionCheck[];
  readonly maxRelativeError: number;
}

/** Runs the check; never trains (one hypergradient at one point). `method` is a registered id or a spec (tests wrap one). */
export async function checkHypergradient(definition: ProblemDefinition<unknown, unknown>, methodId: string | AnyMethodSpec, check: CheckOptions = {}): Promise<CheckResult> {
  registerSecondOrderGradients();
  const method = typeof methodId === 'string' ? getMethod(methodId) : methodId;
  const options = resolveRunOptions(definition, method, check.options ?? {});
  const problem = await compileProblem(definition, createRng(options.seed));
  try {
    const x = startingPoint(problem, check.x);
    // Methods that learn z run from y_0 = z (the solver's rule), so φ_K is a function of (x, z).
    const z = method.learnsLowerStart ? lowerPoint(problem, check.z) : undefined;
    try {
      const g = await hypergradientAt(problem, method, options, x, z);
      const rhg = method.id === 'rhg' ? g : await hypergradientAt(problem, getMethod('rhg'), resolveRunOptions(definition, getMethod('rhg'), pick(options, ['iterations', 'lowerSteps', 'lowerLr', 'outerLr', 'outerOptimizer', 'warmStart', 'seed', 'tolerance'])), x, z);
      const flat = g.gx.flat();
      const rhgFlat = rhg.gx.flat();
      const objective = (xs: TensorList, zs?: TensorList): Promise<number> => methodObjective(problem, method, options, xs, zs);
      const rng = createRng(check.seed ?? 0);
      const dirs = directionsFor(flat, check.directions ?? 2, rng);
      const epsilons = check.epsilons ?? [1e-1, 3e-2, 1e-2, 3e-3, 1e-3];
      const results: DirectionCheck[] = [];
      for (const d of dirs) results.push(await compareDirection((xs) => objective(xs, z), x, flat, d, epsilons));
      let lowerStart: LowerStartCheck | undefined;
      if (z && g.gy0) {
        const gz = g.gy0.flat();
        const zResults: DirectionCheck[] = [];
        for (const d of directionsFor(gz, check.directions ?? 2, rng)) zResults.push(await compareDirection((zs) => objective(x, zs), z, gz, d, epsilons));
        lowerStart = { hypergradient: gz, directions: zResults, maxRelativeError: Math.max(...zResults.map((r) => r.relativeError)) };
      }
      const diff = Math.hypot(...flat.map((v, i) => v - rhgFlat[i]!));
      const rhgNorm = Math.hypot(...rhgFlat);
      return {
        method: method.id,
        lowerSteps: options.lowerSteps,
        hypergradient: flat,
        upperLoss: g.upperLoss,
        directions: results,
        maxRelativeError: Math.max(...results.map((r) => r.relativeError)),
        relativeErrorVsRhg: rhgNorm > 0 ? diff / rhgNorm : diff,
        exactForApproximateProblem: method.id === 'rhg' || (method.id === 't-rhg' && options.truncation === options.lowerSteps) || hasApproximateObjective(method),
        ...(lowerStart ? { lowerStart } : {}),
      };
    } finally {
      tf.dispose(x);
      if (z) tf.dispose(z);
    }
  } finally {
    problem.dispose();
  }
}

/**
 * The method's hypergradient at x, read back as plain arrays. With `z` (a learned lower start) the
 * lower loop starts at y_0 = z and gy0 = dL/dz is returned too; otherwise y_0 is start(x) (with its
 * path added to gx) or the lower init. Disposes nothing it was given.
 */
export async function hypergradientAt(
  problem: CompiledProblem,
  method: AnyMethodSpec,
  options: ResolvedOptions,
  x: TensorList,
  z?: TensorList,
): Promise<{ gx: number[][]; upperLoss: number; gy0?: number[][] }> {
  const y0 = z ? cloneList(z) : lowerStartAt(problem, x);
  const result = await method.hypergradient({
    problem,
    x,
    y0,
    options,
    counters: createCounters(),
    rng: createRng(options.seed),
    needsLowerStartGradient: z !== undefined || problem.lowerStart !== undefined,
  });
  // With y_0 = z fixed, φ_K does not depend on x through start(x), so no start path is added.
  const total = z ? cloneList(result.gx) : addStartPath(problem, x, result.gx, result.gy0);
  const gx = await readList(total);
  const gy0 = z && result.gy0 ? await readList(result.gy0) : undefined;
  tf.dispose([...total, ...(result.gy0 ?? [])]);
  const F = tf.tidy(() => problem.upperObjective(x, result.yK));
  const upperLoss = (await F.data())[0]!;
  tf.dispose([...y0, ...result.gx, ...result.yK, F]);
  return gy0 ? { gx, upperLoss, gy0 } : { gx, upperLoss };
}

/**
 * φ_K(x) = F(x, y_K(x)) with y_K from K projected gradient-descent steps from y_0 (no graph); y_0 is
 * the given one (not disposed), else start(x) or the lower init.
 */
export async function approximateObjective(problem: CompiledProblem, options: RunOptions, x: TensorList, y0?: TensorList): Promise<number> {
  const start = y0 ?? lowerStartAt(problem, x);
  const K = options.lowerSteps;
  const dynamics = gradientDescent(problem, { lr: options.lowerLr });
  const trajectory = await unrollDynamics(dynamics, x, start, { steps: K }, createCounters());
  const F = tf.tidy(() => problem.upperObjective(x, dynamics.lower(trajectory.states[K]!)));
  const value = (await F.data())[0]!;
  tf.dispose(F);
  if (!y0) tf.dispose(start);
  disposeTrajectory(trajectory);
  return value;
}

/** The method's own φ_K when it states one (aggregated, accelerated or truncated dynamics), else the GD φ_K. */
async function methodObjective(problem: CompiledProblem, method: AnyMethodSpec, options: ResolvedOptions, x: TensorList, z?: TensorList): Promise<number> {
  if (!hasApproximateObjective(method)) return approximateObjective(problem, options, x, z);
  const y0 = z ? cloneList(z) : lowerStartAt(problem, x);
  try {
    return await method.approximateObjective(problem, options, x, y0);
  } finally {
    tf.dispose(y0);
  }
}

/** y_0 = start(x) for MAML-type problems, else a fresh lower init. */
function lowerStartAt(problem: CompiledProblem, x: TensorList): TensorList {
  return problem.lowerStart ? tf.tidy(() => problem.lowerStart!(x).map((t) => tf.clone(t))) : problem.initialLower();
}

/** The lower init, or the given values of z (one number broadcasts to the whole tensor). */
function lowerPoint(problem: CompiledProblem, given?: Readonly<Record<string, number | readonly number[]>>): TensorList {
  return withValues(problem.lower.names, problem.initialLower(), given, 'lower');
}

/** x_0, or the given values (one number broadcasts to the whole tensor). */
export function startingPoint(problem: CompiledProblem, given?: Readonly<Record<string, number | readonly number[]>>): TensorList {
  return withValues(problem.upper.names, problem.initialUpper(), given, 'upper');
}

/** Replaces the named tensors of `base` by the given values (takes ownership of base). */
function withValues(names: readonly string[], base: TensorList, given: Readonly<Record<string, number | readonly number[]>> | undefined, level: 'upper' | 'lower'): TensorList {
  if (!given) return base;
  const unknown = Object.keys(given).filter((k) => !names.includes(k));
  if (unknown.length > 0) {
    tf.dispose(base);
    throw new Error(`unknown ${level} variable(s) ${unknown.join(', ')}; the problem's ${level} variables are ${names.join(', ')}`);
  }
  const what = level === 'upper' ? 'x' : 'z';
  return base.map((t, i) => {
    const value = given[names[i]!];
    if (value === undefined) return t;
    t.dispose();
    if (typeof value === 'number') return tf.fill(t.shape, value);
    if (value.length !== t.size) {
      throw new Error(`${what} value for '${names[i]}' has ${value.length} entries; its shape [${t.shape.join(', ')}] needs ${t.size} (or one number)`);
    }
    return tf.tensor(value as number[], t.shape, 'float32');
  });
}

/** Unit round-off of float32, 2^−23 (the same constant as src/protocol/checkRule.ts, which core does not import). */
const FLOAT32_EPSILON = 2 ** -23;

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
  const roundOff: number[] = [];
  for (const eps of epsilons) {
    const plus = shifted(eps);
    const minus = shifted(-eps);
    const phiPlus = await phi(plus);
    const phiMinus = await phi(minus);
    estimates.push((phiPlus - phiMinus) / (2 * eps));
    // Each float32 φ carries ≈ eps32·|φ| error, so their difference over 2ε carries ≈ eps32·|φ|/ε.
    roundOff.push((FLOAT32_EPSILON * Math.max(Math.abs(phiPlus), Math.abs(phiMinus))) / eps);
    tf.dispose([...plus, ...minus]);
  }
  // Float32 round-off grows as ε shrinks and truncation error as ε grows: take the estimate whose
  // neighbour agrees best (docs/methods.md §13).
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
  // With a single ε there is no neighbour: only the round-off term remains.
  const fdError = (Number.isFinite(bestGap) ? bestGap : 0) + roundOff[best]!;
  return { analytic, finiteDifference: fd, epsilon: epsilons[best]!, relativeError, fdError };
}

function pick(o: ResolvedOptions, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}
