// Spec §9e: UFOM's toy (toy.py, instance "FOM divergence"), where SGD on FOM's estimate converges to
// a point that is not stationary for the meta-objective, and UFOM's does not.
import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from '../problem/defineProblem';
import type { BuiltinProblem } from './builtinProblem';
import { startParam, toyInit } from './toyStart';
import type { ToyStart } from './toyStart';

/** One task's smoothed-Huber parameters: f(φ) is quadratic within A of c = b/a, then cubic, then linear. */
export interface UfomToyTask {
  /** Task index 0 or 1 (spec's tasks 1 and 2). */
  readonly index: number;
  readonly a: number;
  readonly b: number;
}

/** The constants and closed forms of one instance, in float64. */
export interface UfomToyInstance {
  /** Inner steps r and step size α the instance is built for (the problem's default K and inner-lr). */
  readonly r: number;
  readonly alpha: number;
  readonly D: number;
  readonly tasks: readonly [UfomToyTask, UfomToyTask];
  /** Width of the quadratic zone, A = |b_1/a_1 − b_2/a_2| + 1. */
  readonly A: number;
  /** p_i = (1 − α a_i)^r. */
  readonly p: readonly [number, number];
  /** Zero of E[g_FO]: (p_1 b_1 + p_2 b_2)/(a_1 p_1 + a_2 p_2). */
  readonly thetaFom: number;
  /** Stationary point of M: (p_1² b_1 + p_2² b_2)/(a_1 p_1² + a_2 p_2²). */
  readonly thetaStar: number;
}

/**
 * The instance of toy.py's `get_div_problem`: b_1 = 0, p_i = (1 − α a_i)^r,
 * b_2 = 2√(2D) / |(a_1p_1² + a_2p_2²) p_2/(a_1p_1 + a_2p_2) − p_2²|, A = |b_1/a_1 − b_2/a_2| + 1, so that
 * M'(θ_FOM) = √(2D). Defaults give b_2 = 17.395270, A = 12.596847, θ_FOM = 5.758867, θ* = 2.840282.
 */
export function ufomToyInstance(D = 0.06, r = 10, alpha = 0.1, a: readonly [number, number] = [0.5, 1.5]): UfomToyInstance {
  const p: [number, number] = [Math.pow(1 - alpha * a[0], r), Math.pow(1 - alpha * a[1], r)];
  const b1 = 0;
  const b2 = (2 * Math.sqrt(2 * D)) / Math.abs(((a[0] * p[0] ** 2 + a[1] * p[1] ** 2) * p[1]) / (a[0] * p[0] + a[1] * p[1]) - p[1] ** 2);
  const A = Math.abs(b1 / a[0] - b2 / a[1]) + 1;
  return {
    r,
    alpha,
    D,
    tasks: [
      { index: 0, a: a[0], b: b1 },
      { index: 1, a: a[1], b: b2 },
    ],
    A,
    p,
    thetaFom: (p[0] * b1 + p[1] * b2) / (a[0] * p[0] + a[1] * p[1]),
    thetaStar: (p[0] ** 2 * b1 + p[1] ** 2 * b2) / (a[0] * p[0] ** 2 + a[1] * p[1] ** 2),
  };
}

/** f, f′, f″ of the smoothed Huber function at φ in float64 (toy.py `f_and_deriv`; the oracle of the tensor version). */
export function smoothedHuber({ a, b }: UfomToyTask, A: number, phi: number): { f: number; df: number; d2f: number } {
  const z = Math.abs(phi - b / a);
  const s = Math.sign(phi - b / a);
  if (z <= A) return { f: (a * z * z) / 2, df: a * phi - b, d2f: a };
  if (z <= A + 1) {
    const w = z - A;
    return { f: (-a * w ** 3) / 6 + (a * w ** 2) / 2 + a * A * z - (a * A * A) / 2, df: s * (a * z - (a * w ** 2) / 2), d2f: a + a * A - a * z };
  }
  return { f: (a / 2 + a * A) * z - a / 6 - (a * A * A) / 2 - (a * A) / 2, df: s * (a / 2 + a * A), d2f: 0 };
}

/** One task's loss L = f(u_r), FOM derivative f′(u_r) and exact derivative f′(u_r) Π_j (1 − α f″(u_j)), float64. */
export function ufomToyTaskGradients(instance: UfomToyInstance, task: UfomToyTask, theta: number, r = instance.r, alpha = instance.alpha): { loss: number; fo: number; exact: number } {
  let u = theta;
  let product = 1;
  for (let j = 0; j < r; j++) {
    const { df, d2f } = smoothedHuber(task, instance.A, u);
    product *= 1 - alpha * d2f;
    u -= alpha * df;
  }
  const { f, df } = smoothedHuber(task, instance.A, u);
  return { loss: f, fo: df, exact: df * product };
}

/** M(θ) = ½ Σ_i f_i(u_r^(i)) and M′(θ), float64 (toy.py `get_true_blo_values` / `_derivs`). */
export function ufomToyObjective(instance: UfomToyInstance, theta: number, r = instance.r, alpha = instance.alpha): { value: number; derivative: number } {
  const g = instance.tasks.map((t) => ufomToyTaskGradients(instance, t, theta, r, alpha));
  return { value: (g[0]!.loss + g[1]!.loss) / 2, derivative: (g[0]!.exact + g[1]!.exact) / 2 };
}

/**
 * f(φ) = Σ smoothed Huber of φ, second-order safe and without zone masks: with d = φ − c, ζ = |d|,
 * f = a (d²/2 − relu(ζ − A)³/6 + relu(ζ − A − 1)³/6), which equals the table of docs/methods.md §9e zone by zone
 * (for A < ζ ≤ A+1: ζ²/2 − (ζ−A)³/6 = −(ζ−A)³/6 + (ζ−A)²/2 + Aζ − A²/2; beyond, the two cubics cancel
 * to the line (½ + A)ζ − ⅙ − A²/2 − A/2). relu³ is C², so f′ and f″ are those of the table; the
 * quadratic zone uses d² (smooth at φ = c) and the cubics vanish with two derivatives where
 * ζ = |d| has its kink. About twice as fast as a tf.where form (fewer ops per lower step).
 */
export function smoothedHuberTensor(phi: tf.Tensor, { a, b }: UfomToyTask, A: number): tf.Scalar {
  const d = tf.sub(phi, b / a);
  const z = tf.abs(d);
  const inner = tf.relu(tf.sub(z, A));
  const outer = tf.relu(tf.sub(z, A + 1));
  const cubes = tf.sub(tf.mul(tf.square(outer), outer), tf.mul(tf.square(inner), inner));
  return tf.sum(tf.mul(tf.add(tf.mul(tf.square(d), 3), cubes), a / 6));
}

/**
 * 1-D θ (upper), u (lower) with u_0 = θ; two equiprobable tasks with inner and outer loss f_i(u);
 * M(θ) = ½ Σ_i f_i(u_r^(i)(θ)). Defaults: r = 10 (K), α = 0.1 (inner-lr), D = 0.06, θ_0 ~ U(−10, 30),
 * known stationary point θ* = 2.840282 (FOM's fixed point θ_FOM = 5.758867 is not stationary).
 * Without a sampled task (the check and grad commands), the objectives use task 1.
 * Outer step: toy.py's SGD with λ_k = 10/(k+1) (`--outer-lr 10 --outer-schedule harmonic`) for 10⁴
 * iterations, one task per step: the docs/methods.md §9e protocol is the default run.
 */
export const toyUfom: BuiltinProblem = {
  id: 'toy-ufom',
  title: 'UFOM toy: FOM converges to a non-stationary point (toy.py)',
  summary: 'Spec §9e: two smoothed-Huber tasks, u_0 = θ, K = 10, s = 0.1; θ* = 2.840 but FOM goes to 5.759.',
  params: [
    { key: 'D', flag: 'D', type: 'number', default: 0.06, greaterThan: 0, description: 'Target FOM-point slope: M′(θ_FOM) = √(2D) (sets b_2 and A).' },
    { key: 'a1', flag: 'a1', type: 'number', default: 0.5, greaterThan: 0, description: 'Curvature a_1 of task 1.' },
    { key: 'a2', flag: 'a2', type: 'number', default: 1.5, greaterThan: 0, description: 'Curvature a_2 of task 2.' },
    { key: 'r', flag: 'r', type: 'integer', default: 10, min: 1, max: 100_000, description: 'Inner steps r the instance is built for (also the default K).' },
    { key: 'alpha', flag: 'alpha', type: 'number', default: 0.1, greaterThan: 0, description: 'Inner step size α the instance is built for (also the default inner-lr).' },
    // toy.py draws θ_0 ~ U(−10, 30), so random is the default here; fixed (the interval's centre) takes the start out of a comparison of seeds.
    startParam('θ_0 = 10', 'θ_0 ~ U[−10, 30] as toy.py', 'random'),
  ],
  seedDependent: ['θ_0 (unless --start fixed)', 'the task drawn each outer step'],
  create(params) {
    const inst = ufomToyInstance(params.D as number, params.r as number, params.alpha as number, [params.a1 as number, params.a2 as number]);
    const loss = (u: tf.Tensor, task: UfomToyTask | undefined): tf.Scalar => smoothedHuberTensor(u, task ?? inst.tasks[0], inst.A);
    return defineProblem<undefined, UfomToyTask>({
      id: 'toy-ufom',
      title: this.title,
      description: this.summary,
      upper: {
        variables: { theta: { shape: [1], init: toyInit(params.start as ToyStart, 1, 10, [-10, 30]) } },
        objective: (_x, { u }, _d, task) => loss(u!, task),
      },
      lower: {
        variables: { u: { shape: [1], init: 0 } },
        objective: (_x, { u }, _d, task) => loss(u!, task),
        start: ({ theta }) => ({ u: tf.clone(theta!) }),
      },
      sampleTask: (rng) => inst.tasks[rng.uniform() < 0.5 ? 0 : 1]!,
      solution: { upper: { theta: inst.thetaStar } },
      defaults: { method: 'ufom', iterations: 10000, lowerSteps: inst.r, lowerLr: inst.alpha, outerLr: 10, outerSchedule: 'harmonic', outerOptimizer: 'sgd', tolerance: 0.1 },
    });
  },
};
