// CG: implicit hypergradient at y_K with the linear system solved by conjugate gradients (docs/methods.md §2.3).
import { now } from '../clock';
import { conjugateGradientHypergradient } from '../hypergrad/conjugateGradient';
import { zerosLikeList } from '../tensorList';
import type { MethodSpec } from './methodSpec';
import type { MethodOptionSpec } from './runOptions';
import { solveLowerApproximately } from './unrolledHypergradient';

/** CG's solve: iterations, tolerance, damping and the flags' thresholds. */
const CG_OPTIONS = [
  { key: 'cgIterations', flag: 'cg-iters', type: 'integer', default: 40, min: 1, max: 100_000, description: 'Maximum CG iterations J.' },
  { key: 'cgTolerance', flag: 'cg-tol', type: 'number', default: 1e-6, greaterThan: 0, description: 'Stop when ‖Hv − b‖ ≤ tol·‖b‖.' },
  { key: 'damping', flag: 'damping', type: 'number', default: 0, min: 0, description: 'Damping ρ: solve (H + ρI) v = b.' },
  { key: 'cgCurvatureFloor', flag: 'cg-curvature-floor', type: 'number', default: 1e-10, min: 0, description: 'Flag non-positive curvature when pᵀHp ≤ δ‖p‖².' },
  { key: 'cgAcceptResidual', flag: 'cg-accept-residual', type: 'number', default: 1e-3, greaterThan: 0, description: 'Flag the solve when the final relative residual exceeds this.' },
] as const satisfies readonly MethodOptionSpec[];

/**
 * CG (LS): K gradient steps without a graph to ŷ, then g = ∇_xF − M_fᵀ v, (H_f + ρI) v = ∇_yF.
 * Reference: Pedregosa ICML 2016 (HOAG); Rajeswaran et al. NeurIPS 2019 (iMAML).
 */
export const conjugateGradientMethod: MethodSpec<typeof CG_OPTIONS> = {
  id: 'cg',
  title: 'CG (implicit gradient, conjugate gradients)',
  summary: 'Implicit-function hypergradient at y_K; H v = ∇_yF solved by CG; memory O(m).',
  reference: 'Pedregosa, "Hyperparameter optimization with approximate gradient", ICML 2016',
  options: CG_OPTIONS,
  async hypergradient(ctx) {
    const { yK, forwardMs } = await solveLowerApproximately(ctx);
    const t0 = now();
    const o = ctx.options;
    const result = await conjugateGradientHypergradient(
      ctx.problem,
      ctx.x,
      yK,
      {
        iterations: o.cgIterations,
        tolerance: o.cgTolerance,
        damping: o.damping,
        curvatureFloor: o.cgCurvatureFloor,
        acceptResidual: o.cgAcceptResidual,
      },
      ctx.counters,
    );
    // The implicit solution y*(x) does not depend on where the lower loop started.
    const base = { gx: result.gx, yK, stats: result.stats, forwardMs, backwardMs: now() - t0, ...(ctx.needsLowerStartGradient ? { gy0: zerosLikeList(ctx.y0) } : {}) };
    return result.warning ? { ...base, warning: result.warning } : base;
  },
};
