// The reverse-mode recursion of docs/methods.md §1.4 over a stored trajectory: RHG, T-RHG and PTT are this
// one operator with different (end, stop) indices.
import * as tf from '@tensorflow/tfjs-core';
import { gradXY, sampleMemory, stepVectorJacobianProduct } from '../derivatives';
import type { Counters } from '../derivatives';
import type { LowerDynamics } from '../dynamics/lowerDynamics';
import type { Trajectory } from '../dynamics/unrollDynamics';
import type { CompiledProblem } from '../problem/compileProblem';
import type { TensorList } from '../tensorList';
import { addLists, normList } from '../tensorList';

/** Which part of the trajectory to differentiate. */
export interface ReverseOptions {
  /** j: the loss is F(x, y_j). */
  readonly end: number;
  /** k_stop: steps before it are treated as constant (0 = full back-propagation). */
  readonly stop: number;
}

/** Result of the reverse pass; the caller owns every tensor. */
export interface ReverseResult {
  /** dL/dx: the hypergradient estimate. */
  readonly gx: TensorList;
  /** dL/ds_stop: the adjoint at the first back-propagated state (gives g_z when stop = 0 and y_0 = z). */
  readonly gState: TensorList;
  /** ‖p_k‖ for k = end..stop (vanishing/exploding adjoints, docs/methods.md §8). */
  readonly adjointNorms: tf.Tensor1D;
}

/**
 * p := ∇_y F(x, y_j), g := ∇_x F(x, y_j); for k = j−1 … stop: g += B_kᵀp, p := A_kᵀp, where
 * (B_kᵀp, A_kᵀp) is one VJP of Φ_k at the stored s_k (docs/methods.md §1.4).
 * Reference: Franceschi et al. ICML'17 (RHG); Shaban et al. AISTATS'19 (truncation).
 * Needs trajectory.states[k] for stop ≤ k ≤ end. Does not dispose its inputs.
 */
export function reverseThroughDynamics(
  problem: CompiledProblem,
  dynamics: LowerDynamics,
  x: TensorList,
  trajectory: Trajectory,
  { end, stop }: ReverseOptions,
  counters: Counters,
): ReverseResult {
  const stateAt = (k: number): TensorList => {
    const s = trajectory.states[k];
    if (!s) throw new Error(`reverseThroughDynamics: state s_${k} was not kept (keep states from ${stop} to ${end})`);
    return s;
  };
  let { gx, p } = tf.tidy(() => {
    const sEnd = stateAt(end);
    const { gx, gy } = gradXY((a, b) => problem.upperObjective(a, b), x, dynamics.lower(sEnd), counters);
    return { gx, p: dynamics.lowerCotangent(gy, sEnd) };
  });
  const norms: tf.Scalar[] = [tf.tidy(() => normList(p))];
  for (let k = end - 1; k >= stop; k--) {
    const sk = stateAt(k);
    const next = tf.tidy(() => {
      const { px, ps } = stepVectorJacobianProduct((a, b) => dynamics.step(a, b, k), x, sk, p);
      return { gx: addLists(gx, px), p: ps, norm: normList(ps) };
    });
    counters.hvpEvals += dynamics.productsPerReverseStep;
    sampleMemory(counters);
    tf.dispose([...gx, ...p]);
    gx = next.gx;
    p = next.p;
    norms.push(next.norm);
  }
  const adjointNorms = tf.stack(norms) as tf.Tensor1D;
  tf.dispose(norms);
  return { gx, gState: p, adjointNorms };
}
