// Shared body of the unrolled methods (RHG, T-RHG, BDA, IA-GM, IA-GM(A)): unroll a lower dynamics,
// then reverse through its last M steps.
import * as tf from '@tensorflow/tfjs-core';
import { computed, now } from '../clock';
import { gradientDescent } from '../dynamics/gradientDescent';
import type { LowerDynamics } from '../dynamics/lowerDynamics';
import { disposeTrajectory, unrollDynamics } from '../dynamics/unrollDynamics';
import type { Trajectory } from '../dynamics/unrollDynamics';
import { stepVectorJacobianProduct } from '../derivatives';
import { zerosLikeList } from '../tensorList';
import type { TensorList } from '../tensorList';
import { reverseThroughDynamics } from '../hypergrad/reverseThroughDynamics';
import type { HypergradientContext, HypergradientResult } from './methodSpec';

/**
 * Runs K steps of gradient descent keeping s_{K−M}..s_K, then back-propagates F(x, y_K) through the
 * last M steps (M = K: RHG). Memory O(M·m); cost K gradients + M double backwards.
 */
export async function unrolledHypergradient(ctx: HypergradientContext, truncation: number): Promise<HypergradientResult> {
  const dynamics = gradientDescent(ctx.problem, { lr: ctx.options.lowerLr });
  const r = await unrollAndReverse(ctx, dynamics, { truncation });
  const base = { gx: r.gx, yK: r.yK, stats: { 'rhg.adjointNorms': r.adjointNorms, 'trhg.M': r.truncation }, forwardMs: r.forwardMs, backwardMs: r.backwardMs };
  return r.gy0 ? { ...base, gy0: r.gy0 } : base;
}

/** Options of unrollAndReverse. */
export interface UnrollAndReverseOptions {
  /** Back-propagated steps M (default K: full back-propagation). */
  readonly truncation?: number;
  /** Evaluate this function of y_k after every step (values only), e.g. F(x, y_k) for trajectory plots. */
  readonly trace?: (y: TensorList) => tf.Scalar;
  /** Extra scalars computed from the kept trajectory before it is released (read with the adjoint norms). */
  readonly inspect?: (trajectory: Trajectory) => tf.Scalar[];
}

/** Result of unrollAndReverse; the caller owns gx, yK and gy0. */
export interface UnrollAndReverseResult {
  readonly gx: TensorList;
  readonly yK: TensorList;
  /** dL/dy_0, only when ctx.needsLowerStartGradient. */
  readonly gy0?: TensorList;
  /** M actually used (≤ K). */
  readonly truncation: number;
  /** ‖p_k‖ for k = K..K−M. */
  readonly adjointNorms: number[];
  /** The trace values for k = 1..K, when a trace was asked for. */
  readonly traced?: number[];
  /** The values of options.inspect, in order. */
  readonly inspected: number[];
  readonly forwardMs: number;
  readonly backwardMs: number;
}

/**
 * The shared body of every "unroll a dynamics, reverse through it" method (RHG, T-RHG, BDA, IA-GM,
 * IA-GM(A)): K steps of `dynamics` from y_0 keeping s_{K−M}..s_K, then the §1.4 recursion for
 * F(x, y_K) down to K − M, and dL/dy_0 through s_0 = init(y_0) when asked (0 when M < K).
 */
export async function unrollAndReverse(ctx: HypergradientContext, dynamics: LowerDynamics, options: UnrollAndReverseOptions = {}): Promise<UnrollAndReverseResult> {
  const { problem, x, y0, counters } = ctx;
  const K = ctx.options.lowerSteps;
  const M = Math.min(options.truncation ?? K, K);
  const t0 = now();
  const trajectory = await unrollDynamics(dynamics, x, y0, { steps: K, keepFrom: K - M, ...(options.trace ? { trace: options.trace } : {}) }, counters);
  const yK = dynamics.lower(trajectory.states[K]!).map((t) => tf.clone(t));
  await computed(yK[0]!); // So the forward time is honest on asynchronous (GPU) backends.
  const t1 = now();
  const { gx, gState, adjointNorms } = reverseThroughDynamics(problem, dynamics, x, trajectory, { end: K, stop: K - M }, counters);
  // dL/dy_0 through s_0 = init(y_0); steps before K − M are treated as constant, so then it is 0.
  const gy0 = ctx.needsLowerStartGradient
    ? tf.tidy(() => (M === K ? stepVectorJacobianProduct((_, y) => dynamics.init(y), x, y0, gState).ps : zerosLikeList(y0)))
    : undefined;
  // One read for the adjoint norms and the inspected scalars: every read is a sync point on a GPU.
  const inspectedTensors = options.inspect ? tf.tidy(() => options.inspect!(trajectory)) : [];
  const all = inspectedTensors.length > 0 ? tf.tidy(() => tf.concat([adjointNorms, tf.stack(inspectedTensors) as tf.Tensor1D])) : adjointNorms;
  const values = Array.from(await all.data());
  const t2 = now();
  tf.dispose([...gState, adjointNorms, ...inspectedTensors, all]);
  disposeTrajectory(trajectory);
  return {
    gx,
    yK,
    ...(gy0 ? { gy0 } : {}),
    truncation: M,
    adjointNorms: values.slice(0, M + 1),
    ...(trajectory.traced ? { traced: trajectory.traced } : {}),
    inspected: values.slice(M + 1),
    forwardMs: t1 - t0,
    backwardMs: t2 - t1,
  };
}

/** Runs K plain gradient-descent steps without keeping a graph; returns a copy of y_K and the time. */
export async function solveLowerApproximately(ctx: HypergradientContext): Promise<{ yK: HypergradientResult['yK']; forwardMs: number }> {
  const { problem, x, y0, options, counters } = ctx;
  const K = options.lowerSteps;
  const dynamics = gradientDescent(problem, { lr: options.lowerLr });
  const t0 = now();
  const trajectory = await unrollDynamics(dynamics, x, y0, { steps: K }, counters);
  const yK = dynamics.lower(trajectory.states[K]!).map((t) => tf.clone(t));
  disposeTrajectory(trajectory);
  await computed(yK[0]!);
  return { yK, forwardMs: now() - t0 };
}
