// MAML-type problems start the lower loop at y_0 = start(x); the upper gradient then has a second
// path through y_0 (docs/methods.md §6.1). Shared by the solver and the hypergradient check.
import * as tf from '@tensorflow/tfjs-core';
import { stepVectorJacobianProduct } from '../derivatives';
import type { CompiledProblem } from '../problem/compileProblem';
import type { TensorList } from '../tensorList';
import { addLists } from '../tensorList';

/** gx + (∂start/∂x)ᵀ gy0 when the problem defines lower.start, else a copy of gx. Disposes nothing. */
export function addStartPath(problem: CompiledProblem, x: TensorList, gx: TensorList, gy0: TensorList | undefined): TensorList {
  return tf.tidy(() => {
    if (!problem.lowerStart || !gy0) return gx.map((g) => tf.clone(g));
    return addLists(gx, stepVectorJacobianProduct((a) => problem.lowerStart!(a), x, [], gy0).px);
  });
}
