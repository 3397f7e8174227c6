// Shared body of RHG and T-RHG: unroll gradient descent, then reverse through the last M steps.
import * as tf from '@tensorflow/tfjs-core';
import { now } from '../clock';
import { gradientDescent } from '../dynamics/gradientDescent';
import { disposeTrajectory, unrollDynamics } from '../dynamics/unrollDynamics';
import { stepVectorJacobianProduct } from '../derivatives';
import { readScalars } from '../hypergrad/conjugateGradient';
import { zerosLikeList } from '../tensorList';
import { reverseThroughDynamics } from '../hypergrad/reverseThroughDynamics';
import type { HypergradientContext, HypergradientResult } from './methodSpec';

/**
 * Runs K steps of gradient descent keeping s_{K−M}..s_K, then back-propagates F(x, y_K) through the
 * last M steps (M = K: RHG). Memory O(M·m); cost K gradients + M double backwards.
 */
export async function unrolledHypergradient(ctx: HypergradientContext, truncation: number): Promise<HypergradientResult> {
  const { problem, x, y0, options, counters } = ctx;
  const K = options.lowerSteps as number;
  const M = Math.min(truncation, K);
  const dynamics = gradientDescent(problem, { lr: options.lowerLr as number });
  const t0 = now();
  const trajectory = await unrollDynamics(dynamics, x, y0, { steps: K, keepFrom: K - M }, counters);
  const yK = dynamics.lower(trajectory.states[K]!).map((t) => tf.clone(t));
  await yK[0]!.data(); // Sync so the forward time is honest on asynchronous (GPU) backends.
  const t1 = now();
  const { gx, gState, adjointNorms } = reverseThroughDynamics(problem, dynamics, x, trajectory, { end: K, stop: K - M }, counters);
  // dL/dy_0 through s_0 = init(y_0); steps before K − M are treated as constant, so then it is 0.
  const gy0 = ctx.needsLowerStartGradient
    ? tf.tidy(() => (M === K ? stepVectorJacobianProduct((_, y) => dynamics.init(y), x, y0, gState).ps : zerosLikeList(y0)))
    : undefined;
  const norms = Array.from(await adjointNorms.data());
  const t2 = now();
  tf.dispose([...gState, adjointNorms]);
  disposeTrajectory(trajectory);
  const base = { gx, yK, stats: { 'rhg.adjointNorms': norms, 'trhg.M': M }, forwardMs: t1 - t0, backwardMs: t2 - t1 };
  return gy0 ? { ...base, gy0 } : base;
}

/** Runs K plain gradient-descent steps without keeping a graph; returns a copy of y_K and the time. */
export async function solveLowerApproximately(ctx: HypergradientContext): Promise<{ yK: HypergradientResult['yK']; forwardMs: number }> {
  const { problem, x, y0, options, counters } = ctx;
  const K = options.lowerSteps as number;
  const dynamics = gradientDescent(problem, { lr: options.lowerLr as number });
  const t0 = now();
  const trajectory = await unrollDynamics(dynamics, x, y0, { steps: K }, counters);
  const yK = dynamics.lower(trajectory.states[K]!).map((t) => tf.clone(t));
  disposeTrajectory(trajectory);
  await readScalars([tf.sum(yK[0]!)]);
  return { yK, forwardMs: now() - t0 };
}
