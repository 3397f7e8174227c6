// Projected gradient descent on the lower objective, the dynamics of RHG, T-RHG, CG, NS and FOM.
import * as tf from '@tensorflow/tfjs-core';
import { gradients } from '../derivatives';
import type { CompiledProblem } from '../problem/compileProblem';
import type { TensorList } from '../tensorList';
import type { LowerDynamics } from './lowerDynamics';

/** Options of gradient descent on f(x, ·). */
export interface GradientDescentOptions {
  /** Step size s. */
  readonly lr: number;
}

/**
 * y_{k+1} = Proj_Y(y_k − s ∇_y f(x, y_k)) (docs/methods.md §2.1). The projection's clamp has the mask
 * gradient of docs/methods.md §1.4, so reverse mode through this step is exact.
 * Reference: Franceschi et al., ICML 2017 (RHG forward dynamics; BOAT `NGD`).
 */
export function gradientDescent(problem: CompiledProblem, { lr }: GradientDescentOptions): LowerDynamics {
  return {
    id: 'gradient-descent',
    gradientsPerStep: 1,
    productsPerReverseStep: 1,
    init: (y0) => y0.map((t) => tf.clone(t)),
    step(x: TensorList, y: TensorList): TensorList {
      const g = gradients(() => problem.lowerObjective(x, y), y);
      const next = y.map((t, i) => tf.sub(t, tf.mul(g[i]!, lr)));
      return problem.lower.bounded ? problem.projectLower(next) : next;
    },
    lower: (state) => state,
    lowerCotangent: (gy) => gy.map((t) => tf.clone(t)),
  };
}
