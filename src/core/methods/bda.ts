// BDA: reverse-mode hypergradient through the aggregated lower dynamics (docs/methods.md §3).
import * as tf from '@tensorflow/tfjs-core';
import { gradY } from '../derivatives';
import { aggregatedDescent, aggregationWeights } from '../dynamics/aggregatedDescent';
import type { LowerDynamics } from '../dynamics/lowerDynamics';
import type { CompiledProblem } from '../problem/compileProblem';
import { normList } from '../tensorList';
import type { StatValue } from '../../protocol/metrics';
import type { MethodWithObjective } from './approximateObjective';
import { unrolledObjective } from './approximateObjective';
import type { MethodOptionSpec, MethodOptions } from './runOptions';
import { TRACE_EVERY_OPTION, createTraceSchedule, shouldTrace } from './traceSchedule';
import { unrollAndReverse } from './unrolledHypergradient';

/** BDA's own options (aggregation weights and the two step scales) besides the run options. */
const BDA_OPTIONS = [
  { key: 'alpha0', flag: 'alpha0', type: 'number', default: 0.5, greaterThan: 0, max: 1, description: 'Initial aggregation weight α_0 ∈ (0, 1) of the upper objective.' },
  { key: 'alphaSchedule', flag: 'alpha-schedule', type: 'choice', choices: ['geometric', 'harmonic'], default: 'geometric', description: 'α_k = α_0 γ^k (geometric, BOAT) or α_0/(k+1) (harmonic, theory-style).' },
  { key: 'alphaDecay', flag: 'alpha-decay', type: 'number', default: 0.9, greaterThan: 0, max: 1, description: 'γ of the geometric schedule (1: constant α).' },
  { key: 'upperStepSize', flag: 'upper-step', type: 'number', greaterThan: 0, default: (o) => o.lowerLr, description: 'UL scale s_u on ∇_yF (default: the lower step size s).' },
  { key: 'lowerStepSize', flag: 'lower-step', type: 'number', greaterThan: 0, default: (o) => o.lowerLr, description: 'LL scale s_l on ∇_yf (default: the lower step size s).' },
  TRACE_EVERY_OPTION,
] as const satisfies readonly MethodOptionSpec[];

/** Resolved BDA options. */
export type BdaOptions = MethodOptions<typeof BDA_OPTIONS>;

/** α_0, …, α_{K−1} of the resolved options. */
export function bdaWeights(options: BdaOptions): number[] {
  return aggregationWeights(options.alphaSchedule, options.alpha0, options.alphaDecay, options.lowerSteps);
}

/** The aggregated dynamics of the resolved options. */
function bdaDynamics(problem: CompiledProblem, options: BdaOptions): { dynamics: LowerDynamics; alpha: number[] } {
  const alpha = bdaWeights(options);
  const dynamics = aggregatedDescent(problem, {
    upperLr: options.upperStepSize,
    lowerLr: options.lowerStepSize,
    alpha: (k) => alpha[Math.min(k, alpha.length - 1)]!,
  });
  return { dynamics, alpha };
}

/**
 * BDA: y_{k+1} = Proj_Y(y_k − [α_k s_u ∇_yF + (1 − α_k) s_l ∇_yf]) from y_0 (reset each outer step),
 * and the exact gradient of φ_K(x) = F(x, y_K(x)) by the §1.4 recursion through these steps.
 * Stats: `bda.alpha` = α_{K−1}; `bda.termRatio` = ‖α_{K−1} s_u ∇_yF‖ / ‖(1 − α_{K−1}) s_l ∇_yf‖ at
 * y_{K−1} (the last step's balance; Infinity when ∇_yf = 0 there); `bda.upperTrace` = F(x, y_k),
 * k = 1..K, every `--trace-every` iterations.
 * Reference: Liu, Mu, Yuan, Zeng, Zhang, "A generic first-order algorithmic framework for bi-level
 * programming beyond lower-level singleton", ICML 2020.
 */
export const bda: MethodWithObjective<typeof BDA_OPTIONS> = {
  id: 'bda',
  title: 'BDA (bi-level descent aggregation)',
  summary: 'Lower steps along α_k s_u ∇_yF + (1−α_k) s_l ∇_yf; exact reverse mode through them; memory O(K·m).',
  reference: 'Liu et al., "A generic first-order algorithmic framework for bi-level programming beyond lower-level singleton", ICML 2020',
  options: BDA_OPTIONS,
  validate: (o) => (o.alpha0 >= 1 ? [`--alpha0 (alpha0): must be < 1 (α_k ∈ (0, 1)), got ${o.alpha0}`] : []),
  createState: () => createTraceSchedule(),
  async hypergradient(ctx) {
    const { problem, x, options } = ctx;
    const K = options.lowerSteps;
    const { dynamics, alpha } = bdaDynamics(problem, options);
    const aLast = alpha[K - 1]!;
    const su = options.upperStepSize;
    const sl = options.lowerStepSize;
    const traced = shouldTrace(ctx);
    const r = await unrollAndReverse(ctx, dynamics, {
      ...(traced ? { trace: (y) => problem.upperObjective(x, y) } : {}),
      // The balance of the two directions at the last step (docs/methods.md §8), from the kept s_{K−1}.
      inspect: (trajectory) => {
        const y = dynamics.lower(trajectory.states[K - 1]!);
        const upperTerm = tf.mul(normList(gradY((a, b) => problem.upperObjective(a, b), x, y, ctx.counters)), aLast * su);
        const lowerTerm = tf.mul(normList(gradY((a, b) => problem.lowerObjective(a, b), x, y, ctx.counters)), (1 - aLast) * sl);
        return [tf.div(upperTerm, lowerTerm) as tf.Scalar];
      },
    });
    const stats: Record<string, StatValue> = { 'bda.alpha': aLast, 'bda.termRatio': r.inspected[0]!, 'bda.adjointNorms': r.adjointNorms };
    if (r.traced) stats['bda.upperTrace'] = r.traced;
    const base = { gx: r.gx, yK: r.yK, stats, forwardMs: r.forwardMs, backwardMs: r.backwardMs };
    return r.gy0 ? { ...base, gy0: r.gy0 } : base;
  },
  approximateObjective(problem, options, x, y0) {
    return unrolledObjective(problem, bdaDynamics(problem, options).dynamics, x, y0, options.lowerSteps, 'last');
  },
};
