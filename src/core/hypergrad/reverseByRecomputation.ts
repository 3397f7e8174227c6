// The reverse-mode recursion of docs/methods.md §1.4 without a stored trajectory: each state s_k is recomputed
// from s_0 when the backward pass needs it (UFOM's constant-memory exact pass, docs/methods.md §6.2). Mirrors
// reverseThroughDynamics.ts: same recursion, same result, states from recomputation instead of storage.
import * as tf from '@tensorflow/tfjs-core';
import { gradXY, sampleMemory, stepVectorJacobianProduct } from '../derivatives';
import type { Counters } from '../derivatives';
import type { LowerDynamics } from '../dynamics/lowerDynamics';
import type { CompiledProblem } from '../problem/compileProblem';
import type { TensorList } from '../tensorList';
import { addLists, normList } from '../tensorList';
import type { ReverseOptions, ReverseResult } from './reverseThroughDynamics';

/** Options of the recomputing reverse pass: which steps, plus the reference code's adjoint clip. */
export interface RecomputationOptions extends ReverseOptions {
  /** Clip the adjoint p element-wise to ±clipAdjoint after every backward step; 0 = off (docs/methods.md §6.2). */
  readonly clipAdjoint?: number;
  /**
   * Keep ‖p_k‖ for every k (default true, as reverseThroughDynamics). Those j − stop + 1 scalars are
   * the only tensors that grow with j; false returns an empty trace and keeps memory flat in j.
   */
  readonly traceAdjointNorms?: boolean;
}

/**
 * p := ∇_y F(x, y_j), g := ∇_x F(x, y_j); for k = j−1 … stop: recompute s_k = Φ_{k−1}∘…∘Φ_0(init(y_0))
 * (k steps, nothing kept), then g += B_kᵀp, p := A_kᵀp at s_k, optionally p := clip(p, ±c).
 * Cost: Σ_{k=stop}^{j−1} k steps + (j − stop) VJPs (j(j+1)/2 step-evaluations in all for stop = 0,
 * counting one VJP as one); memory O(1) in j without the norm trace: only y_0, the current s_k, p
 * and g live.
 * `sEnd` is the state s_j the caller already has from its forward pass (not recomputed here).
 * Without a clip the result equals reverseThroughDynamics on the stored trajectory.
 * Reference: Likhosherstov et al., ICML 2021 (UFOM's constant-memory exact pass; recompute scheme
 * UNVERIFIED vs the paper, docs/methods.md §12). Does not dispose its inputs.
 */
export function reverseByRecomputation(
  problem: CompiledProblem,
  dynamics: LowerDynamics,
  x: TensorList,
  y0: TensorList,
  sEnd: TensorList,
  { end, stop, clipAdjoint = 0, traceAdjointNorms = true }: RecomputationOptions,
  counters: Counters,
): ReverseResult {
  if (!(stop >= 0 && stop <= end)) throw new Error(`reverseByRecomputation: need 0 ≤ stop ≤ end, got stop = ${stop}, end = ${end}`);
  if (!(clipAdjoint >= 0)) throw new Error(`reverseByRecomputation: clipAdjoint must be ≥ 0 (0 = off), got ${clipAdjoint}`);
  let { gx, p } = tf.tidy(() => {
    const { gx, gy } = gradXY((a, b) => problem.upperObjective(a, b), x, dynamics.lower(sEnd), counters);
    return { gx, p: dynamics.lowerCotangent(gy, sEnd) };
  });
  const norms: tf.Scalar[] = traceAdjointNorms ? [tf.tidy(() => normList(p))] : [];
  for (let k = end - 1; k >= stop; k--) {
    const sk = recomputeState(dynamics, x, y0, k, counters);
    const next = tf.tidy(() => {
      const { px, ps } = stepVectorJacobianProduct((a, b) => dynamics.step(a, b, k), x, sk, p);
      const clipped = clipAdjoint > 0 ? ps.map((t) => tf.clipByValue(t, -clipAdjoint, clipAdjoint)) : ps;
      return { gx: addLists(gx, px), p: clipped, ...(traceAdjointNorms ? { norm: normList(clipped) } : {}) };
    });
    counters.hvpEvals += dynamics.productsPerReverseStep;
    // The peak of this pass: s_k, the VJP's outputs and the old g, p are all alive here.
    sampleMemory(counters);
    tf.dispose([...sk, ...gx, ...p]);
    gx = next.gx;
    p = next.p;
    if (next.norm) norms.push(next.norm);
  }
  const adjointNorms = norms.length > 0 ? (tf.stack(norms) as tf.Tensor1D) : tf.tensor1d([]);
  tf.dispose(norms);
  return { gx, gState: p, adjointNorms };
}

/** s_k from s_0 = init(y_0) by k steps, keeping only the current state; the caller owns the result. */
function recomputeState(dynamics: LowerDynamics, x: TensorList, y0: TensorList, k: number, counters: Counters): TensorList {
  let current = tf.tidy(() => dynamics.init(y0));
  for (let i = 0; i < k; i++) {
    const next = tf.tidy(() => dynamics.step(x, current, i));
    counters.gradientEvals += dynamics.gradientsPerStep;
    tf.dispose(current);
    current = next;
  }
  return current;
}
