// NS: implicit hypergradient at y_K with a truncated Neumann series for H⁻¹ (docs/methods.md §2.4).
import { now } from '../clock';
import { neumannHypergradient } from '../hypergrad/neumannSeries';
import { zerosLikeList } from '../tensorList';
import type { MethodSpec } from './methodSpec';
import type { MethodOptionSpec } from './runOptions';
import { solveLowerApproximately } from './unrolledHypergradient';

/** The series: its length J and step s. */
const NEUMANN_OPTIONS = [
  { key: 'neumannTerms', flag: 'neumann-terms', type: 'integer', default: 40, min: 0, max: 100_000, description: 'Series terms J.' },
  {
    key: 'neumannLr',
    flag: 'neumann-lr',
    type: 'number',
    greaterThan: 0,
    default: (o) => o.lowerLr,
    description: 'Series step s (needs ‖I − sH‖ < 1; default: the lower step size).',
  },
] as const satisfies readonly MethodOptionSpec[];

/**
 * Neumann (NS): v = s Σ_{j=0..J} (I − sH_f)^j ∇_yF at ŷ = y_K; g = ∇_xF − M_fᵀ v.
 * Reference: Lorraine, Vicol, Duvenaud, AISTATS 2020.
 */
export const neumannMethod: MethodSpec<typeof NEUMANN_OPTIONS> = {
  id: 'neumann',
  title: 'NS (implicit gradient, Neumann series)',
  summary: 'Implicit-function hypergradient at y_K; H⁻¹ by J Neumann terms; memory O(m).',
  reference: 'Lorraine et al., "Optimizing millions of hyperparameters by implicit differentiation", AISTATS 2020',
  options: NEUMANN_OPTIONS,
  async hypergradient(ctx) {
    const { yK, forwardMs } = await solveLowerApproximately(ctx);
    const t0 = now();
    const { gx, stats } = await neumannHypergradient(
      ctx.problem,
      ctx.x,
      yK,
      { terms: ctx.options.neumannTerms, lr: ctx.options.neumannLr },
      ctx.counters,
    );
    // The implicit solution y*(x) does not depend on where the lower loop started.
    return { gx, yK, stats, forwardMs, backwardMs: now() - t0, ...(ctx.needsLowerStartGradient ? { gy0: zerosLikeList(ctx.y0) } : {}) };
  },
};
