// NS: implicit hypergradient at y_K with a truncated Neumann series for H⁻¹ (spec §2.4).
import { now } from '../clock';
import { neumannHypergradient } from '../hypergrad/neumannSeries';
import { zerosLikeList } from '../tensorList';
import type { MethodSpec } from './methodSpec';
import { solveLowerApproximately } from './unrolledHypergradient';

/**
 * Neumann (NS): v = s Σ_{j=0..J} (I − sH_f)^j ∇_yF at ŷ = y_K; g = ∇_xF − M_fᵀ v.
 * Reference: Lorraine, Vicol, Duvenaud, AISTATS 2020.
 */
export const neumannMethod: MethodSpec = {
  id: 'neumann',
  title: 'NS (implicit gradient, Neumann series)',
  summary: 'Implicit-function hypergradient at y_K; H⁻¹ by J Neumann terms; memory O(m).',
  reference: 'Lorraine et al., "Optimizing millions of hyperparameters by implicit differentiation", AISTATS 2020',
  options: [
    { key: 'neumannTerms', flag: 'neumann-terms', type: 'integer', default: 40, min: 0, description: 'Series terms J.' },
    {
      key: 'neumannLr',
      flag: 'neumann-lr',
      type: 'number',
      greaterThan: 0,
      default: (o) => o.lowerLr as number,
      description: 'Series step s (needs ‖I − sH‖ < 1; default: the lower step size).',
    },
  ],
  async hypergradient(ctx) {
    const { yK, forwardMs } = await solveLowerApproximately(ctx);
    const t0 = now();
    const { gx, stats } = await neumannHypergradient(
      ctx.problem,
      ctx.x,
      yK,
      { terms: ctx.options.neumannTerms as number, lr: ctx.options.neumannLr as number },
      ctx.counters,
    );
    // The implicit solution y*(x) does not depend on where the lower loop started.
    return { gx, yK, stats, forwardMs, backwardMs: now() - t0, ...(ctx.needsLowerStartGradient ? { gy0: zerosLikeList(ctx.y0) } : {}) };
  },
};
