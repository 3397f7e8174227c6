// One iteration of the single-loop averaged method of multipliers (sl-BAMM, docs/methods.md §5.2): a lower
// step on ψ_μ = μF + (1−μ)f, a multiplier step towards H_ψ⁻¹∇_yF, and the upper direction d_k.
import * as tf from '@tensorflow/tfjs-core';
import { now } from '../clock';
import { gradXY, gradY, gradients, hessianVectorProduct, mixedVectorProduct, sampleMemory } from '../derivatives';
import type { BilevelObjective, Counters } from '../derivatives';
import type { CompiledProblem } from '../problem/compileProblem';
import type { TensorList } from '../tensorList';
import { addLists, axpyList, dotLists, scaleList, subLists } from '../tensorList';

/** Step sizes and switches of one sl-BAMM iteration k. */
export interface AveragedMultiplierStepOptions {
  /** μ_k ∈ [0, 1]: weight of F in ψ_μ = μF + (1−μ)f. */
  readonly mu: number;
  /** β: the lower step size of y_{k+1} = y_k − β∇_yψ. */
  readonly lowerLr: number;
  /** η_k from the schedule (docs/methods.md §5.3); with `adaptive` it is only the fallback. */
  readonly multiplierLr: number;
  /** Exact line search η_k = ‖r‖²/(rᵀH_ψ r) instead of the scheduled η_k (one more HVP). */
  readonly adaptive: boolean;
  /** Use z_{k+1} instead of z_k in d_k (docs/methods.md §5.2 note; which one the paper uses is UNVERIFIED). */
  readonly useNewMultiplier: boolean;
  /** The line search counts as failed when rᵀH_ψ r ≤ floor·‖r‖² (non-positive curvature). */
  readonly curvatureFloor: number;
}

/** The new iterates and the quantities the statistics need; the caller owns every tensor. */
export interface AveragedMultiplierStepResult {
  /** y_{k+1} = Proj_Y(y_k − β∇_yψ_k(x_k, y_k)). */
  readonly yNext: TensorList;
  /** z_{k+1} = z_k − η_k r_k. */
  readonly zNext: TensorList;
  /** d_k = ∇_xF(x_k, y_k) − M_ψᵀ z (z = z_k, or z_{k+1} with useNewMultiplier). */
  readonly direction: TensorList;
  /** r_k = H_ψ z_k − ∇_yF(x_k, y_k). */
  readonly residual: TensorList;
  /** ∇_y f(x_k, y_k), for the KKT proxy. */
  readonly lowerGradient: TensorList;
  /** η_k actually used. */
  readonly eta: tf.Scalar;
  /** 1 when the line search met non-positive curvature and the scheduled η_k was used, else 0. */
  readonly curvatureFallback: tf.Scalar;
  readonly forwardMs: number;
  readonly backwardMs: number;
}

/**
 * One sl-BAMM iteration, every derivative at the old point (x_k, y_k) (docs/methods.md §5.2):
 *   y_{k+1} = y_k − β(μ∇_yF + (1−μ)∇_yf),
 *   r_k = H_ψ z_k − ∇_yF,  η_k = ‖r_k‖²/(r_kᵀH_ψ r_k) or scheduled,  z_{k+1} = z_k − η_k r_k,
 *   d_k = ∇_xF − M_ψᵀ z_k  (H_ψ = μH_F + (1−μ)H_f, M_ψ = μM_F + (1−μ)M_f).
 * Norms are true global norms over all tensors (docs/methods.md §11.4). Inputs are not disposed. Cost: 2
 * gradients, 1 double backward for (H_ψ z_k, M_ψᵀz_k) together (2 with useNewMultiplier), +1 HVP
 * for the line search.
 * Reference: Liu, Liu, Yao, Zeng, Zhang, "Averaged method of multipliers for bi-level optimization
 * without lower-level strong convexity", ICML 2023.
 */
export function averagedMultiplierStep(
  problem: CompiledProblem,
  x: TensorList,
  y: TensorList,
  z: TensorList,
  options: AveragedMultiplierStepOptions,
  counters: Counters,
): AveragedMultiplierStepResult {
  const { mu, lowerLr, multiplierLr, adaptive, useNewMultiplier, curvatureFloor } = options;
  const upper: BilevelObjective = (a, b) => problem.upperObjective(a, b);
  const lower: BilevelObjective = (a, b) => problem.lowerObjective(a, b);
  const averaged: BilevelObjective = (a, b) => tf.add(tf.mul(mu, problem.upperObjective(a, b)), tf.mul(1 - mu, problem.lowerObjective(a, b)));
  const t0 = now();
  // First-order part: ∇_yψ is assembled from ∇_yF and ∇_yf, so the step costs two gradients.
  const first = tf.tidy(() => {
    const { gx: upperGradX, gy: upperGradY } = gradXY(upper, x, y, counters);
    const lowerGradient = gradY(lower, x, y, counters);
    const averagedGradY = addLists(scaleList(upperGradY, mu), scaleList(lowerGradient, 1 - mu));
    const stepped = axpyList(y, -lowerLr, averagedGradY);
    const yNext = problem.lower.bounded ? problem.projectLower(stepped) : stepped;
    return { upperGradX, upperGradY, lowerGradient, yNext };
  });
  sampleMemory(counters);
  const t1 = now();
  const second = tf.tidy(() => {
    let hz: TensorList;
    let mixedOld: TensorList | undefined;
    if (useNewMultiplier) {
      hz = hessianVectorProduct(averaged, x, y, z, counters);
    } else {
      // One double backward of ⟨∇_yψ, z_k⟩ w.r.t. (x, y) gives M_ψᵀz_k and H_ψz_k together.
      counters.hvpEvals++;
      const both = gradients(() => dotLists(gradients(() => averaged(x, y), y), z), [...x, ...y]);
      mixedOld = both.slice(0, x.length);
      hz = both.slice(x.length);
    }
    const residual = subLists(hz, first.upperGradY);
    let eta: tf.Scalar = tf.scalar(multiplierLr);
    let curvatureFallback: tf.Scalar = tf.scalar(0);
    if (adaptive) {
      const hr = hessianVectorProduct(averaged, x, y, residual, counters);
      const rr = dotLists(residual, residual);
      const rHr = dotLists(residual, hr);
      // NaN curvature compares false, so it also falls back to the scheduled η_k.
      const positive = tf.greater(rHr, tf.mul(rr, curvatureFloor));
      eta = tf.where(positive, tf.div(rr, rHr), eta) as tf.Scalar;
      // r = 0 is a fixed point, not a failure: z stays put whatever η is.
      curvatureFallback = tf.cast(tf.logicalAnd(tf.greater(rr, 0), tf.logicalNot(positive)), 'float32') as tf.Scalar;
    }
    const zNext = axpyList(z, tf.neg(eta), residual);
    const mixed = mixedOld ?? mixedVectorProduct(averaged, x, y, zNext, counters);
    const direction = subLists(first.upperGradX, mixed);
    return { residual, eta, curvatureFallback, zNext, direction };
  });
  sampleMemory(counters);
  const t2 = now();
  tf.dispose([...first.upperGradX, ...first.upperGradY]);
  return {
    yNext: first.yNext,
    zNext: second.zNext,
    direction: second.direction,
    residual: second.residual,
    lowerGradient: first.lowerGradient,
    eta: second.eta,
    curvatureFallback: second.curvatureFallback,
    forwardMs: t1 - t0,
    backwardMs: t2 - t1,
  };
}
