// BDA's lower-level dynamics: one projected step along a convex combination of the upper and lower
// gradients (docs/methods.md §3). Reverse mode through it is the ordinary §1.4 recursion.
import * as tf from '@tensorflow/tfjs-core';
import { gradients } from '../derivatives';
import type { CompiledProblem } from '../problem/compileProblem';
import type { TensorList } from '../tensorList';
import type { LowerDynamics } from './lowerDynamics';

/** How the aggregation weight α_k decays with the lower step k (docs/methods.md §3 "Schedules"). */
export type AggregationSchedule = 'geometric' | 'harmonic';

/** Options of the aggregated descent. */
export interface AggregatedDescentOptions {
  /** UL scale s_u (the step on ∇_y F). */
  readonly upperLr: number;
  /** LL scale s_l (the step on ∇_y f). */
  readonly lowerLr: number;
  /** α_k for k = 0..K−1, e.g. from aggregationWeights. */
  readonly alpha: (k: number) => number;
}

/**
 * α_k = α_0 γ^k (`geometric`, BOAT's GDA default α_0 = 0.5, γ = 0.9) or α_k = α_0/(k+1)
 * (`harmonic`, the theory-style Σα_k = ∞ schedule), for k = 0..steps−1.
 */
export function aggregationWeights(schedule: AggregationSchedule, alpha0: number, decay: number, steps: number): number[] {
  return Array.from({ length: steps }, (_, k) => (schedule === 'geometric' ? alpha0 * decay ** k : alpha0 / (k + 1)));
}

/**
 * y_{k+1} = Proj_Y(y_k − [α_k s_u ∇_y F(x, y_k) + (1 − α_k) s_l ∇_y f(x, y_k)]) (docs/methods.md §3). Both
 * gradients come from one backward pass of the weighted sum α_k s_u F + (1 − α_k) s_l f, so the
 * step's VJP (one double backward) yields A_kᵀp and B_kᵀp with the HVPs and mixed products of both F
 * and f. Counted as 2 gradients per step and 2 products per reverse step (F and f; docs/methods.md §7).
 * Reference: Liu, Mu, Yuan, Zeng, Zhang, ICML 2020 (BDA); BOAT `GDA`.
 */
export function aggregatedDescent(problem: CompiledProblem, { upperLr, lowerLr, alpha }: AggregatedDescentOptions): LowerDynamics {
  return {
    id: 'aggregated-descent',
    gradientsPerStep: 2,
    productsPerReverseStep: 2,
    init: (y0) => y0.map((t) => tf.clone(t)),
    step(x: TensorList, y: TensorList, k: number): TensorList {
      const a = alpha(k);
      const g = gradients(
        () => tf.add(tf.mul(problem.upperObjective(x, y), a * upperLr), tf.mul(problem.lowerObjective(x, y), (1 - a) * lowerLr)) as tf.Scalar,
        y,
      );
      const next = y.map((t, i) => tf.sub(t, g[i]!));
      return problem.lower.bounded ? problem.projectLower(next) : next;
    },
    lower: (state) => state,
    lowerCotangent: (gy) => gy.map((t) => tf.clone(t)),
  };
}
