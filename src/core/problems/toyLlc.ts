// Spec §9c: the LLC example of IA-GM(A) (IAPTT-GM seed Eq. (13)): the functions of the BDA toy (§9a)
// at n = 100 with the paper's Table 7 settings.
import { toyNonsingleton } from './toyNonsingleton';
import type { BuiltinProblem } from './builtinProblem';
import { startParam } from './toyStart';

/**
 * F(x, y) = ½‖x − y²‖² + ½‖y¹ − e‖², f(x, y) = ½‖y¹‖² − ⟨x, y¹⟩ (as toy-nonsingleton), solution
 * x* = e, y* = (e, e). Defaults: Table 7 (T = 1000, K = 20, λ = 0.005, SGD for x and z) and
 * x_0 = y_0 = 0.01·e (sl-BAMM's start, §9d d1). Table 7's lower step size is stripped (UNVERIFIED):
 * s = 0.5 makes (1 − s)^K ≈ 1e−6 ≪ 1, the condition of §9a for x → e. With λ = 0.005 the outer
 * loop is slow: after 1000 iterations ‖x − e‖/‖e‖ ≈ 0.1 (float64 re-simulation), so raise
 * `--outer-lr` (0.05–0.1) to see convergence. The tolerance is 1e−2 relative (‖e‖ = √n).
 */
export const toyLlc: BuiltinProblem = {
  id: 'toy-llc',
  title: 'LLC example of IA-GM(A) (IAPTT-GM Eq. 13)',
  summary: 'Spec §9c: the BDA toy at n = 100 with Table 7 settings (T = 1000, K = 20, λ = 0.005); x* = e, y* = (e, e).',
  params: [
    { key: 'n', flag: 'n', type: 'integer', default: 100, min: 1, max: 1_000_000, description: 'Dimension n of x, y¹ and y².' },
    { key: 'x0', flag: 'x0', type: 'number', default: 0.01, description: 'Initial x (every entry).' },
    { key: 'y0', flag: 'y0', type: 'number', default: 0.01, description: 'Initial y¹ and y² = the initial z (every entry).' },
    startParam('x_0 = --x0', 'x_0 ~ U[−1, 3]ⁿ around x* = e (y_0 = z_0 = --y0)'),
  ],
  seedDependent: ['x_0 when --start random'],
  create(params) {
    const n = params.n as number;
    const base = toyNonsingleton.create({ n, x0: params.x0 as number, y0: params.y0 as number, start: params.start as string });
    return {
      ...base,
      id: 'toy-llc',
      title: this.title,
      description: this.summary,
      defaults: { method: 'ia-gm-a', iterations: 1000, lowerSteps: 20, lowerLr: 0.5, outerLr: 0.005, outerOptimizer: 'sgd', tolerance: 1e-2 * Math.sqrt(n) },
    };
  },
};
