// The initialization-auxiliary family of IAPTT-GM (docs/methods.md §4): IA-GM, IA-GM(A), IAPTT-GM, and PTT on
// plain dynamics. IA methods learn the lower start z: the solver keeps z, passes y_0 = z and updates
// it with the returned gy0 = dL/dz (docs/methods.md §1.3).
import * as tf from '@tensorflow/tfjs-core';
import { acceleratedDescent, fistaCoefficients } from '../dynamics/acceleratedDescent';
import { gradientDescent } from '../dynamics/gradientDescent';
import type { LowerDynamics } from '../dynamics/lowerDynamics';
import { pessimisticTruncation } from '../hypergrad/pessimisticTruncation';
import type { CompiledProblem } from '../problem/compileProblem';
import type { StatValue } from '../../protocol/metrics';
import type { TensorList } from '../tensorList';
import type { MethodWithObjective } from './approximateObjective';
import { unrolledObjective } from './approximateObjective';
import type { HypergradientContext, HypergradientResult } from './methodSpec';
import { START_LR_OPTION, START_OPTIMIZER_OPTION } from './runOptions';
import type { MethodOptionSpec, MethodOptions, RunOptions } from './runOptions';
import { TRACE_EVERY_OPTION, createTraceSchedule, shouldTrace } from './traceSchedule';
import { unrollAndReverse } from './unrolledHypergradient';

const IAPTT_REFERENCE = 'Liu, Liu, Zeng, Zhang, "Towards gradient-based bilevel optimization with non-convex followers and beyond", NeurIPS 2021';

/** `--memory-mode`: how PTT keeps the trajectory (docs/methods.md §4.2 memory note). */
const MEMORY_MODE_OPTION = {
  key: 'memoryMode',
  flag: 'memory-mode',
  type: 'choice',
  choices: ['store', 'two-pass'],
  default: 'store',
  description: 'store: keep all K states (official code, O(K·m)); two-pass: find k* without states, then re-run k* steps (O(k*·m), K + k* gradients).',
} as const satisfies MethodOptionSpec;

/** IA-GM: the z optimizer and the trace. */
const IA_GM_OPTIONS = [START_LR_OPTION, START_OPTIMIZER_OPTION, TRACE_EVERY_OPTION] as const satisfies readonly MethodOptionSpec[];

/** IA-GM(A): IA-GM's, plus the acceleration scheme and its momentum. */
const IA_GM_A_OPTIONS = [
  START_LR_OPTION,
  START_OPTIMIZER_OPTION,
  { key: 'acceleration', flag: 'acceleration', type: 'choice', choices: ['fista', 'nesterov-momentum'], default: 'fista', description: 'fista: Beck–Teboulle τ_k schedule; nesterov-momentum: SGD(μ, nesterov) as in the hyper-cleaning code.' },
  { key: 'momentum', flag: 'momentum', type: 'number', default: 0.9, min: 0, max: 1, description: 'μ of nesterov-momentum (ignored by fista).' },
  TRACE_EVERY_OPTION,
] as const satisfies readonly MethodOptionSpec[];

/** IAPTT-GM: the z optimizer, how PTT keeps the trajectory, and the trace. */
const IAPTT_GM_OPTIONS = [START_LR_OPTION, START_OPTIMIZER_OPTION, MEMORY_MODE_OPTION, TRACE_EVERY_OPTION] as const satisfies readonly MethodOptionSpec[];

/** PTT only: IAPTT-GM's without the z optimizer. */
const PTT_OPTIONS = [MEMORY_MODE_OPTION, TRACE_EVERY_OPTION] as const satisfies readonly MethodOptionSpec[];

/** Plain projected gradient descent with the run's step size. */
function plainDynamics(problem: CompiledProblem, options: RunOptions): LowerDynamics {
  return gradientDescent(problem, { lr: options.lowerLr });
}

/** FISTA or Nesterov-momentum descent with the run's step size. */
function acceleratedDynamics(problem: CompiledProblem, options: MethodOptions<typeof IA_GM_A_OPTIONS>): LowerDynamics {
  return acceleratedDescent(problem, {
    lr: options.lowerLr,
    scheme: options.acceleration,
    momentum: options.momentum,
  });
}

/** Full back-propagation of F(x, y_K) through `dynamics` from y_0 = z; stats under `prefix`. */
async function unrolledFromStart(ctx: HypergradientContext<readonly [typeof TRACE_EVERY_OPTION]>, dynamics: LowerDynamics, prefix: string, extra: Record<string, StatValue>): Promise<HypergradientResult> {
  const traced = shouldTrace(ctx);
  const r = await unrollAndReverse(ctx, dynamics, traced ? { trace: (y) => ctx.problem.upperObjective(ctx.x, y) } : {});
  const stats: Record<string, StatValue> = { ...extra, [`${prefix}.adjointNorms`]: r.adjointNorms };
  if (r.traced) stats[`${prefix}.upperTrace`] = r.traced;
  const base = { gx: r.gx, yK: r.yK, stats, forwardMs: r.forwardMs, backwardMs: r.backwardMs };
  return r.gy0 ? { ...base, gy0: r.gy0 } : base;
}

/** PTT with projected GD from y_0 (= z for IAPTT-GM, the reset start for PTT only). */
async function truncatedFromStart(ctx: HypergradientContext<typeof PTT_OPTIONS>): Promise<HypergradientResult> {
  const { problem, x, y0, options } = ctx;
  const traced = shouldTrace(ctx);
  const memoryMode = options.memoryMode;
  const r = await pessimisticTruncation(problem, x, y0, { steps: options.lowerSteps, lr: options.lowerLr, memoryMode }, ctx.counters);
  const stats: Record<string, StatValue> = {
    'ptt.kStar': r.kStar,
    'ptt.upperAtKStar': r.upperTrace[r.kStar - 1]!,
    'ptt.residualAtKStar': r.residualTrace[r.kStar - 1]!,
    'ptt.minResidual': Math.min(...r.residualTrace),
    'ptt.memoryMode': memoryMode,
  };
  if (traced) stats['ptt.upperTrace'] = r.upperTrace;
  const base = { gx: r.gx, yK: r.yK, stats, forwardMs: r.forwardMs, backwardMs: r.backwardMs };
  if (ctx.needsLowerStartGradient) return { ...base, gy0: r.gy0 };
  tf.dispose(r.gy0);
  return base;
}

/** PTT's φ_K(x, y_0) = max_{1≤k≤K} F(x, y_k) along plain GD (IAPTT-GM and PTT only). */
function truncatedObjective(problem: CompiledProblem, options: RunOptions, x: TensorList, y0: TensorList): Promise<number> {
  return unrolledObjective(problem, plainDynamics(problem, options), x, y0, options.lowerSteps, 'max');
}

/**
 * IA-GM: learn (x, z) on φ_K(x, z) = F(x, y_K(x, z)), y_0 = z, plain projected GD, full
 * back-propagation; g_z = dL/dy_0 (docs/methods.md §4.3). Stats: `iagm.adjointNorms`, `iagm.upperTrace`.
 * Reference: IAPTT-GM (NeurIPS 2021), the IA-only variant.
 */
export const iaGm: MethodWithObjective<typeof IA_GM_OPTIONS> = {
  id: 'ia-gm',
  title: 'IA-GM (initialization auxiliary)',
  summary: 'Learns the lower start z with x; exact reverse mode of F(x, y_K(x, z)) through K GD steps.',
  reference: IAPTT_REFERENCE,
  options: IA_GM_OPTIONS,
  learnsLowerStart: true,
  createState: () => createTraceSchedule(),
  hypergradient: (ctx) => unrolledFromStart(ctx, plainDynamics(ctx.problem, ctx.options), 'iagm', {}),
  approximateObjective: (problem, options, x, y0) => unrolledObjective(problem, plainDynamics(problem, options), x, y0, options.lowerSteps, 'last'),
};

/**
 * IA-GM(A): IA-GM with accelerated lower dynamics (FISTA by default; docs/methods.md §4.3), full
 * back-propagation through the augmented state (y_k, u_k). Stats: `iagma.tau` = τ_K,
 * `iagma.momentum` = the last step's extrapolation coefficient β_{K−1} = (τ_{K−1} − 1)/τ_K (μ for
 * `nesterov-momentum`); the τ_k are deterministic in k (fistaCoefficients), so no per-step trace.
 * Reference: IAPTT-GM (NeurIPS 2021) §3.2, Eq. (9).
 */
export const iaGmA: MethodWithObjective<typeof IA_GM_A_OPTIONS> = {
  id: 'ia-gm-a',
  title: 'IA-GM(A) (initialization auxiliary, accelerated lower loop)',
  summary: 'IA-GM with FISTA (or Nesterov-momentum) lower steps; reverse mode through the augmented state.',
  reference: IAPTT_REFERENCE,
  options: IA_GM_A_OPTIONS,
  learnsLowerStart: true,
  createState: () => createTraceSchedule(),
  hypergradient(ctx) {
    const K = ctx.options.lowerSteps;
    const { tau, beta } = fistaCoefficients(K);
    const fista = ctx.options.acceleration === 'fista';
    const extra = { 'iagma.tau': tau[K]!, 'iagma.momentum': fista ? beta[K - 1]! : ctx.options.momentum };
    return unrolledFromStart(ctx, acceleratedDynamics(ctx.problem, ctx.options), 'iagma', extra);
  },
  approximateObjective: (problem, options, x, y0) => unrolledObjective(problem, acceleratedDynamics(problem, options), x, y0, options.lowerSteps, 'last'),
};

/**
 * IAPTT-GM: learn (x, z) on φ_K(x, z) = max_{1≤k≤K} F(x, y_k(x, z)) by back-propagating
 * F(x, y_{k*}) through the first k* steps only (docs/methods.md §4.2, the official code's procedure).
 * Stats: `ptt.kStar` (a histogram/running mean over t is the consumer's job), `ptt.upperAtKStar`,
 * `ptt.residualAtKStar` = ‖R(x, y_{k*})‖, `ptt.minResidual` = min_k ‖R(x, y_k)‖ (docs/methods.md §4.4),
 * `ptt.memoryMode`, and `ptt.upperTrace` = F_1..F_K every `--trace-every` iterations.
 * Reference: Liu, Liu, Zeng, Zhang, NeurIPS 2021.
 */
export const iapttGm: MethodWithObjective<typeof IAPTT_GM_OPTIONS> = {
  id: 'iaptt-gm',
  title: 'IAPTT-GM (initialization auxiliary + pessimistic trajectory truncation)',
  summary: 'Learns z with x; back-propagates the worst F(x, y_k*) along the trajectory through its first k* steps.',
  reference: IAPTT_REFERENCE,
  options: IAPTT_GM_OPTIONS,
  learnsLowerStart: true,
  createState: () => createTraceSchedule(),
  hypergradient: truncatedFromStart,
  approximateObjective: truncatedObjective,
};

/**
 * PTT only: pessimistic trajectory truncation on plain GD from the reset (or warm) start, z not
 * learned (BOAT's NGD + PTT; docs/methods.md §4.3). Same code and stats as IAPTT-GM.
 * Reference: Liu, Liu, Zeng, Zhang, NeurIPS 2021 (ablation without IA).
 */
export const pessimisticTruncationOnly: MethodWithObjective<typeof PTT_OPTIONS> = {
  id: 'ptt',
  title: 'PTT (pessimistic trajectory truncation, fixed start)',
  summary: 'Back-propagates the worst F(x, y_k*) along the GD trajectory through its first k* steps; y_0 not learned.',
  reference: IAPTT_REFERENCE,
  options: PTT_OPTIONS,
  createState: () => createTraceSchedule(),
  hypergradient: truncatedFromStart,
  approximateObjective: truncatedObjective,
};
