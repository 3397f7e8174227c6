// IA-GM(A)'s lower-level dynamics: accelerated (FISTA) or Nesterov-momentum projected gradient
// descent on an augmented state (y, buffer) (docs/methods.md §4.3; augmentation as in docs/methods.md §1.4).
import * as tf from '@tensorflow/tfjs-core';
import { gradients } from '../derivatives';
import type { CompiledProblem } from '../problem/compileProblem';
import type { TensorList } from '../tensorList';
import type { LowerDynamics } from './lowerDynamics';

/** `fista`: Beck–Teboulle extrapolation; `nesterov-momentum`: PyTorch SGD(momentum, nesterov=True). */
export type AccelerationScheme = 'fista' | 'nesterov-momentum';

/** Options of the accelerated descent. */
export interface AcceleratedDescentOptions {
  /** Step size s. */
  readonly lr: number;
  readonly scheme: AccelerationScheme;
  /** μ of `nesterov-momentum` (ignored by `fista`, whose coefficients follow τ_k). */
  readonly momentum: number;
}

/** FISTA's τ_0..τ_K (τ_0 = 1, τ_{k+1} = (1 + √(1 + 4τ_k²))/2) and β_k = (τ_k − 1)/τ_{k+1}, k = 0..K−1. */
export function fistaCoefficients(steps: number): { tau: number[]; beta: number[] } {
  const tau = [1];
  const beta: number[] = [];
  for (let k = 0; k < steps; k++) {
    tau.push((1 + Math.sqrt(1 + 4 * tau[k]! ** 2)) / 2);
    beta.push((tau[k]! - 1) / tau[k + 1]!);
  }
  return { tau, beta };
}

/**
 * State (y_k, w_k), stored as one list [y…, w…].
 * `fista` (w = u, the extrapolated point): y_0 = u_0 = z,
 *   y_{k+1} = Proj_Y(u_k − s ∇_y f(x, u_k)), u_{k+1} = y_{k+1} + β_k (y_{k+1} − y_k), β_k from
 *   fistaCoefficients (deterministic in k).
 * `nesterov-momentum` (w = b, the buffer; docs/methods.md §4.3 code variant): b_0 = 0, g_k = ∇_y f(x, y_k),
 *   b_{k+1} = μ b_k + g_k, y_{k+1} = Proj_Y(y_k − s (g_k + μ b_{k+1})).
 * The whole step is differentiable in (x, y_k, w_k), so the §1.4 recursion runs on the augmented state.
 * Reference: Liu, Liu, Zeng, Zhang, NeurIPS 2021, §3.2 (IA-GM(A)); Beck & Teboulle, SIAM J. Imaging Sci. 2009.
 */
export function acceleratedDescent(problem: CompiledProblem, { lr, scheme, momentum }: AcceleratedDescentOptions): LowerDynamics {
  const m = problem.lower.names.length;
  const project = (y: TensorList): TensorList => (problem.lower.bounded ? problem.projectLower(y) : y);
  // β_k grows towards 1; extend the table on demand so any step index works.
  let beta = fistaCoefficients(64).beta;
  const betaAt = (k: number): number => {
    if (k >= beta.length) beta = fistaCoefficients(2 * k + 2).beta;
    return beta[k]!;
  };
  return {
    id: scheme === 'fista' ? 'fista' : 'nesterov-momentum',
    gradientsPerStep: 1,
    productsPerReverseStep: 1,
    init: (y0) => [...y0.map((t) => tf.clone(t)), ...y0.map((t) => (scheme === 'fista' ? tf.clone(t) : tf.zerosLike(t)))],
    step(x: TensorList, state: TensorList, k: number): TensorList {
      const y = state.slice(0, m);
      const w = state.slice(m);
      if (scheme === 'fista') {
        const g = gradients(() => problem.lowerObjective(x, w), w);
        const yNext = project(w.map((t, i) => tf.sub(t, tf.mul(g[i]!, lr))));
        const b = betaAt(k);
        const uNext = yNext.map((t, i) => tf.add(t, tf.mul(tf.sub(t, y[i]!), b)));
        return [...yNext, ...uNext];
      }
      const g = gradients(() => problem.lowerObjective(x, y), y);
      const bNext = w.map((t, i) => tf.add(tf.mul(t, momentum), g[i]!));
      const yNext = project(y.map((t, i) => tf.sub(t, tf.mul(tf.add(g[i]!, tf.mul(bNext[i]!, momentum)), lr))));
      return [...yNext, ...bNext];
    },
    lower: (state) => state.slice(0, m),
    lowerCotangent: (gy, state) => [...gy.map((t) => tf.clone(t)), ...state.slice(m).map((t) => tf.zerosLike(t))],
  };
}
