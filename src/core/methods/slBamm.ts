// sl-BAMM: single-loop bi-level averaged method of multipliers (docs/methods.md §5). The lower iterate y and
// the multiplier z live in the method state across outer iterations; each outer iteration is one
// step of y, z and x, all evaluated at the old point (x_k, y_k).
import * as tf from '@tensorflow/tfjs-core';
import type { StatValue } from '../../protocol/metrics';
import { averagedMultiplierStep } from '../hypergrad/averagedMultiplierStep';
import { readScalars } from '../hypergrad/conjugateGradient';
import type { TensorList } from '../tensorList';
import { cloneList, normList, zerosLikeList } from '../tensorList';
import type { MethodSpec, MethodState } from './methodSpec';
import type { MethodOptionSpec, MethodOptions } from './runOptions';

/** The exact line search counts as failed when rᵀH_ψ r ≤ this · ‖r‖² (CG uses the same floor). */
const CURVATURE_FLOOR = 1e-10;

/** Exponents (a, b) of μ_k in η_k = (k+1)^(−τ/2) μ_k^a β and λ_k = (k+1)^(−3τ/2) μ_k^b β (docs/methods.md §5.3). */
const STRATEGY_POWERS: Readonly<Partial<Record<SlBammOptions['strategy'], readonly [number, number]>>> = { s1: [2, 7], s2: [1, 5], s3: [0, 3] };

/** sl-BAMM's own options: the μ_k schedule, the step-size strategy and the multiplier step. */
const SL_BAMM_OPTIONS = [
  { key: 'muInit', flag: 'mu0', type: 'number', default: 0.9, min: 0, max: 1, description: 'μ_0: initial weight of F in ψ = μF + (1−μ)f (0 with a fixed μ: ψ = f, the LLSC ablation).' },
  { key: 'muPower', flag: 'mu-power', type: 'number', default: 10, greaterThan: 0, description: 'p in μ_k = μ_0/(k+1)^(1/p).' },
  {
    key: 'muSchedule',
    flag: 'mu-schedule',
    type: 'choice',
    choices: ['decay', 'fixed'],
    default: 'decay',
    description: 'decay: μ_k = μ_0/(k+1)^(1/p); fixed: μ_k = μ_0 (the strongly convex script of the sl-BAMM code).',
  },
  { key: 'tau', flag: 'tau', type: 'number', default: 1 / 40, min: 0, description: 'τ in the step-size decays (k+1)^(−τ/2) and (k+1)^(−3τ/2).' },
  {
    key: 'strategy',
    flag: 'strategy',
    type: 'choice',
    choices: ['s1', 's2', 's3', 'constant'],
    default: 's3',
    description: 'Step sizes η_k, λ_k (docs/methods.md §5.3); constant: η = --multiplier-lr, λ = --outer-lr.',
  },
  {
    key: 'multiplierStep',
    flag: 'multiplier-step',
    type: 'choice',
    choices: ['adaptive', 'schedule'],
    default: 'adaptive',
    description: 'η_k: adaptive = exact line search ‖r‖²/(rᵀH_ψ r) (one more HVP); schedule = the strategy\'s η_k.',
  },
  {
    key: 'multiplierLr',
    flag: 'multiplier-lr',
    type: 'number',
    greaterThan: 0,
    default: (o) => o.lowerLr,
    description: 'Constant multiplier step η with --strategy constant (default: the lower step size β).',
  },
  {
    key: 'useNewMultiplier',
    flag: 'use-new-multiplier',
    type: 'boolean',
    default: false,
    description: 'Use z_{k+1} instead of z_k in d_k (Gauss–Seidel instead of Jacobi; the paper\'s choice is unverified).',
  },
] as const satisfies readonly MethodOptionSpec[];

/** Resolved sl-BAMM options. */
export type SlBammOptions = MethodOptions<typeof SL_BAMM_OPTIONS>;

/** The lower iterate y_k, the multiplier z_k and the iteration count k kept across outer iterations. */
export class SlBammState implements MethodState {
  /** y_k; undefined until the first iteration copies the solver's y_0 (the problem's lower init). */
  y: TensorList | undefined;
  /** z_k; z_0 = 0. */
  z: TensorList | undefined;
  /** k: iterations done. */
  iteration = 0;

  dispose(): void {
    if (this.y) tf.dispose(this.y);
    if (this.z) tf.dispose(this.z);
    this.y = undefined;
    this.z = undefined;
  }
}

/** μ_k, the scheduled multiplier step η_k and the upper step λ_k of iteration k. */
export interface SlBammStepSizes {
  readonly mu: number;
  readonly eta: number;
  readonly lambda: number;
}

/**
 * μ_k = μ_0/(k+1)^(1/p) (or μ_0 with `--mu-schedule fixed`); η_k, λ_k per strategy (docs/methods.md §5.3):
 * s1: η = c μ² β, λ = C μ⁷ β; s2: η = c μ β, λ = C μ⁵ β; s3: η = c β, λ = C μ³ β with
 * c = (k+1)^(−τ/2), C = (k+1)^(−3τ/2), β = `--inner-lr`; `constant`: η = `--multiplier-lr`,
 * λ = `--outer-lr`.
 */
export function slBammStepSizes(options: SlBammOptions, k: number): SlBammStepSizes {
  const mu0 = options.muInit;
  const mu = options.muSchedule === 'fixed' ? mu0 : mu0 / Math.pow(k + 1, 1 / options.muPower);
  const powers = STRATEGY_POWERS[options.strategy];
  if (!powers) return { mu, eta: options.multiplierLr, lambda: options.outerLr };
  const tau = options.tau;
  const beta = options.lowerLr;
  return {
    mu,
    eta: Math.pow(k + 1, -tau / 2) * Math.pow(mu, powers[0]) * beta,
    lambda: Math.pow(k + 1, (-3 * tau) / 2) * Math.pow(mu, powers[1]) * beta,
  };
}

/**
 * sl-BAMM (docs/methods.md §5.2): per outer iteration k, with ψ_k = μ_kF + (1−μ_k)f and β = `--inner-lr`,
 * y_{k+1} = y_k − β∇_yψ_k, r_k = H_ψ z_k − ∇_yF, z_{k+1} = z_k − η_k r_k,
 * d_k = ∇_xF − M_ψᵀz_k, x_{k+1} = Proj_X(x_k − λ_k d_k) — all derivatives at (x_k, y_k).
 * The hypergradient handed to the solver is d_k; the solver's outer optimizer applies λ_k through
 * `outerLrSchedule` (with Adam, λ_k multiplies Adam's direction instead of d_k). Single loop:
 * `--K` and `--warm-start` do not apply; y starts from the problem's y_0 and z from 0.
 * The returned yK is y_k (the point of this iteration's derivatives), so the record's F, f and
 * ‖∇_y f‖ describe the same (x_k, y_k) as the sl-BAMM statistics; the state then holds y_{k+1}.
 * Without a state (a one-off `check`/`grad`), it runs iteration k = 0 from ctx.y0: d_0 = ∇_xF.
 * Reference: Liu, Liu, Yao, Zeng, Zhang, "Averaged method of multipliers for bi-level optimization
 * without lower-level strong convexity", ICML 2023.
 */
export const slBamm: MethodSpec<typeof SL_BAMM_OPTIONS> = {
  id: 'sl-bamm',
  title: 'sl-BAMM (single-loop averaged method of multipliers)',
  summary: 'Single loop: one step each of y on μF + (1−μ)f, of the multiplier z and of x; no inner loop (K ignored).',
  reference: 'Liu, Liu, Yao, Zeng, Zhang, "Averaged method of multipliers for bi-level optimization without lower-level strong convexity", ICML 2023',
  options: SL_BAMM_OPTIONS,
  validate(options) {
    const issues: string[] = [];
    if (options.strategy !== 'constant' && options.muInit === 0) {
      issues.push(`--strategy ${String(options.strategy)} scales λ_k by a power of μ_k, which is 0 with --mu0 0; use --strategy constant or --mu0 > 0`);
    }
    return issues;
  },
  createState: () => new SlBammState(),
  outerLrSchedule: (options) => (t) => slBammStepSizes(options, t).lambda,
  async hypergradient(ctx) {
    if (ctx.problem.hasTasks) {
      throw new Error(`method 'sl-bamm' keeps one lower iterate across outer iterations, so it cannot run problems that sample tasks (problem '${ctx.problem.definition.id}')`);
    }
    const state = ctx.state instanceof SlBammState ? ctx.state : new SlBammState();
    if (!state.y || !state.z) {
      state.y = cloneList(ctx.y0);
      state.z = zerosLikeList(ctx.y0);
    }
    const k = state.iteration;
    const sizes = slBammStepSizes(ctx.options, k);
    const step = averagedMultiplierStep(
      ctx.problem,
      ctx.x,
      state.y,
      state.z,
      {
        mu: sizes.mu,
        lowerLr: ctx.options.lowerLr,
        multiplierLr: sizes.eta,
        adaptive: ctx.options.multiplierStep === 'adaptive',
        useNewMultiplier: ctx.options.useNewMultiplier,
        curvatureFloor: CURVATURE_FLOOR,
      },
      ctx.counters,
    );
    const oldZ = state.z;
    const [zNorm, rNorm, dNorm, lowerGradNorm, eta, fallback] = await readScalars([
      ...tf.tidy(() => [normList(oldZ), normList(step.residual), normList(step.direction), normList(step.lowerGradient)]),
      step.eta,
      step.curvatureFallback,
    ]);
    // y_k goes to the caller as yK; the state moves on to (y_{k+1}, z_{k+1}).
    const yK = state.y;
    tf.dispose([...oldZ, ...step.residual, ...step.lowerGradient]);
    state.y = step.yNext;
    state.z = step.zNext;
    state.iteration = k + 1;
    if (state !== ctx.state) state.dispose();
    const stats: Record<string, StatValue> = {
      'slbamm.mu': sizes.mu,
      'slbamm.eta': eta!,
      'slbamm.lambda': sizes.lambda,
      'slbamm.multiplierNorm': zNorm!,
      'slbamm.residualNorm': rNorm!,
      'slbamm.directionNorm': dNorm!,
      'slbamm.kktProxy': dNorm! + rNorm! + lowerGradNorm!,
    };
    return {
      gx: step.direction,
      yK,
      stats,
      forwardMs: step.forwardMs,
      backwardMs: step.backwardMs,
      // y_0 only seeds the running iterate; the single loop does not differentiate through it.
      ...(ctx.needsLowerStartGradient ? { gy0: zerosLikeList(ctx.y0) } : {}),
      ...(fallback === 1 ? { warning: 'sl-BAMM: non-positive curvature rᵀH_ψ r in the multiplier line search; used the scheduled η_k' } : {}),
    };
  },
};
