// RHG: reverse-mode hypergradient through the full unrolled lower loop (docs/methods.md §2.1).
import type { MethodSpec } from './methodSpec';
import { unrolledHypergradient } from './unrolledHypergradient';

/**
 * RHG: exact gradient of φ_K(x) = F(x, y_K(x)) by reverse mode through K steps of gradient descent.
 * Reference: Franceschi, Donini, Frasconi, Pontil, ICML 2017.
 */
export const rhg: MethodSpec<readonly []> = {
  id: 'rhg',
  title: 'RHG (reverse-mode unrolled hypergradient)',
  summary: 'Exact gradient of F(x, y_K(x)) through all K lower steps; memory O(K·m).',
  reference: 'Franceschi et al., "Forward and reverse gradient-based hyperparameter optimization", ICML 2017',
  options: [],
  hypergradient: (ctx) => unrolledHypergradient(ctx, ctx.options.lowerSteps),
};
