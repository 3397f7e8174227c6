// UFOM: the unbiased first-order method (docs/methods.md §6): FOM's estimate, corrected by the exact
// reverse-mode gradient on a Bernoulli(q) coin and re-weighted by 1/q; adaptive q after §6.3(b).
import * as tf from '@tensorflow/tfjs-core';
import { computed, now } from '../clock';
import { gradXY, stepVectorJacobianProduct } from '../derivatives';
import { gradientDescent } from '../dynamics/gradientDescent';
import { disposeTrajectory, unrollDynamics } from '../dynamics/unrollDynamics';
import { readScalars } from '../hypergrad/conjugateGradient';
import { reverseByRecomputation } from '../hypergrad/reverseByRecomputation';
import { reverseThroughDynamics } from '../hypergrad/reverseThroughDynamics';
import type { StatValue } from '../../protocol/metrics';
import type { TensorList } from '../tensorList';
import { axpyList, squaredNormList, subLists } from '../tensorList';
import { addStartPath } from './addStartPath';
import type { HypergradientContext, HypergradientResult, MethodSpec, MethodState } from './methodSpec';
import type { MethodOptionSpec, MethodOptions } from './runOptions';

/** UFOM's running quantities across outer iterations (plain numbers: nothing to release). */
export interface UfomState extends MethodState {
  /** EMA of the bias estimate (‖g_U − g_ex‖² or ‖g_FO − g_ex‖², see biasEstimate), un-debiased. */
  emaBias: number;
  /** EMA of ‖g_ex‖², un-debiased. */
  emaSecondMoment: number;
  /** Exact passes so far (n of docs/methods.md §6.3(b): the EMAs have n terms). */
  exactPasses: number;
  /** Cumulative cost in step-evaluations (see `ufom`'s doc comment for the accounting). */
  cost: number;
}

/** A fresh UFOM state: EMAs 0, n = 0, cost 0. */
export function createUfomState(): UfomState {
  return { emaBias: 0, emaSecondMoment: 0, exactPasses: 0, cost: 0, dispose: () => undefined };
}

/** Inputs of the adaptive rule besides the state. */
export interface AdaptiveExactProbabilityOptions {
  /** R = inner steps (lowerSteps): C_det = R + 1, C_rnd = R(R + 1)/2. */
  readonly lowerSteps: number;
  /** β_ema. */
  readonly emaDecay: number;
  /** q_min. */
  readonly qMin: number;
}

/** The q of one task under the adaptive rule, with the debiased estimates it used. */
export interface AdaptiveExactProbability {
  readonly q: number;
  /** D̂² = EMA_D/(1 − β^n)/10 (NaN before the first exact pass). */
  readonly dHat: number;
  /** V̂² = EMA_V/(1 − β^n) (NaN before the first exact pass). */
  readonly vHat: number;
}

/**
 * The reference code's adaptive q (docs/methods.md §6.3(b), quirk §11.7): q = q_min until the first exact pass;
 * then D̂² = EMA_D/(1 − β^n)/10 (the /10 is the code's heuristic), V̂² = EMA_V/(1 − β^n), and q = 1 if
 * D̂² ≥ C_rnd V̂² / (2(C_det + C_rnd)), else the root in (0, 1) of
 * (V̂² − D̂²) C_rnd q² − D̂² C_rnd q − 2 D̂² C_det = 0, raised to q_min.
 * Reference: Likhosherstov et al., ICML 2021; code xingyousong/ufom reptile.py (exact_prob < 0).
 */
export function adaptiveExactProbability(
  state: Pick<UfomState, 'emaBias' | 'emaSecondMoment' | 'exactPasses'>,
  { lowerSteps, emaDecay, qMin }: AdaptiveExactProbabilityOptions,
): AdaptiveExactProbability {
  const n = state.exactPasses;
  if (n === 0) return { q: qMin, dHat: NaN, vHat: NaN };
  const correction = 1 - Math.pow(emaDecay, n);
  const dHat = state.emaBias / correction / 10;
  const vHat = state.emaSecondMoment / correction;
  const R = lowerSteps;
  const cDet = R + 1;
  const cRnd = (R * (R + 1)) / 2;
  if (dHat >= (cRnd * vHat) / (2 * (cDet + cRnd))) return { q: 1, dHat, vHat };
  // Here V̂² > D̂² (the branch condition implies it), so the leading coefficient is positive, the
  // polynomial is −2D̂²C_det < 0 at q = 0 and positive at q = 1: exactly one root lies in (0, 1).
  const a = (vHat - dHat) * cRnd;
  const b = -dHat * cRnd;
  const c = -2 * dHat * cDet;
  const root = Math.sqrt(Math.max(0, b * b - 4 * a * c));
  const inUnit = (v: number): boolean => Number.isFinite(v) && v > 0 && v < 1;
  const first = (-b + root) / (2 * a);
  const other = (-b - root) / (2 * a);
  const q = inUnit(first) ? first : inUnit(other) ? other : qMin;
  return { q: Math.min(1, Math.max(q, qMin)), dHat, vHat };
}

/** UFOM's own options: q or the adaptive rule, the exact pass's memory mode and clip. */
const UFOM_OPTIONS = [
  { key: 'q', flag: 'q', type: 'number', default: 0.1, min: 0, max: 1, description: 'Probability q of the exact pass per task (0 = FOM, 1 = exact); unused with --adaptive.' },
  { key: 'adaptive', flag: 'adaptive', type: 'boolean', default: false, description: 'Choose q per task from running bias/second-moment estimates (reference code, docs/methods.md §6.3b).' },
  {
    key: 'memoryMode',
    flag: 'memory-mode',
    type: 'choice',
    choices: ['recompute', 'store'],
    default: 'recompute',
    description: 'Exact pass: recompute states from y_0 (memory O(1), cost K(K+1)/2) or store them (memory O(K), cost K).',
  },
  {
    key: 'biasEstimate',
    flag: 'bias-estimate',
    type: 'choice',
    choices: ['code', 'fom'],
    default: 'code',
    description: 'Adaptive D²: ‖g_U − g_ex‖² as the reference code (quirk, docs/methods.md §11.7) or ‖g_FO − g_ex‖².',
  },
  { key: 'qMin', flag: 'q-min', type: 'number', default: 0.05, greaterThan: 0, max: 1, description: 'Smallest q of the adaptive rule.' },
  { key: 'emaDecay', flag: 'ema-decay', type: 'number', default: 0.99, min: 0, description: 'β of the adaptive rule\'s moving averages (0 ≤ β < 1).' },
  { key: 'clipAdjoint', flag: 'clip-adjoint', type: 'number', default: 0, min: 0, description: 'Clip the exact pass\'s adjoint to ±c after every backward step (reference clip_grad_value; 0 = off).' },
] as const satisfies readonly MethodOptionSpec[];

/** Resolved UFOM options. */
export type UfomOptions = MethodOptions<typeof UFOM_OPTIONS>;

/**
 * UFOM, per task τ (docs/methods.md §6.2): ξ ~ Bernoulli(q) from ctx.rng (drawn for every task, so the run's
 * seed replays it and the task sequence does not depend on q); g_FO = FOM's estimate (gx = ∇_xF(x, y_r),
 * gy0 = ∇_yF(x, y_r): every step Jacobian replaced by I); when ξ = 1 also g_ex = the exact reverse-mode
 * gradient through all r steps (gx and gy0), and g_U = g_FO + (ξ/q)(g_ex − g_FO), applied to gx and
 * gy0 alike (the solver adds the lower-start path). q = 0 is FOM, q = 1 the exact gradient (RHG).
 * `memoryMode`: `store` keeps s_0..s_r during the forward pass of an exact task (memory O(r·m), r VJPs);
 * `recompute` keeps nothing and recomputes s_{j−1} from s_0 for each backward step (memory O(1) in r).
 * Cost `ufom.cost`, in step-evaluations (a lower step, a step's VJP, or a gradient of F each count 1):
 * every task r + 1 = C_det (r steps + ∇F(x, y_r)); an exact task adds r(r+1)/2 = C_rnd in recompute
 * mode (Σ_{j=1..r} (j − 1 recomputed steps + 1 VJP)) or r in store mode. The tfjs work actually done
 * (including ∇F re-evaluated inside the reverse pass) is in the run's gradientEvals/hvpEvals.
 * Reference: Likhosherstov, Song, Choromanski, Davis, Weller, "Debiasing a first-order heuristic for
 * approximate bi-level optimization", ICML 2021.
 */
export const ufom: MethodSpec<typeof UFOM_OPTIONS> = {
  id: 'ufom',
  title: 'UFOM (unbiased first-order method)',
  summary: 'FOM plus, with probability q, the exact reverse-mode correction re-weighted by 1/q: unbiased; memory O(1) in K (recompute).',
  reference: 'Likhosherstov et al., "Debiasing a first-order heuristic for approximate bi-level optimization", ICML 2021',
  options: UFOM_OPTIONS,
  validate(o) {
    const issues: string[] = [];
    if (!(o.emaDecay < 1)) issues.push(`--ema-decay (emaDecay): must be < 1, got ${o.emaDecay}`);
    if (o.clipAdjoint > 0 && o.memoryMode === 'store') {
      issues.push('--clip-adjoint (clipAdjoint): needs --memory-mode recompute (the stored-state reverse pass has no clip)');
    }
    return issues;
  },
  createState: () => createUfomState(),
  hypergradient: (ctx) => ufomHypergradient(ctx),
};

/** One task's UFOM estimate; see `ufom`. The caller owns gx, gy0 and yK. */
async function ufomHypergradient(ctx: HypergradientContext<typeof UFOM_OPTIONS>): Promise<HypergradientResult> {
  const { problem, x, y0, options, counters } = ctx;
  const state = (ctx.state as UfomState | undefined) ?? createUfomState();
  const K = options.lowerSteps;
  const adaptive = options.adaptive;
  const store = options.memoryMode === 'store';
  const choice = adaptive ? adaptiveExactProbability(state, adaptiveOptions(options)) : undefined;
  const q = choice ? choice.q : options.q;
  const exact = ctx.rng.uniform() < q;
  const dynamics = gradientDescent(problem, { lr: options.lowerLr });

  const t0 = now();
  // An exact task in store mode keeps every state for the reverse pass; otherwise only s_K.
  const trajectory = await unrollDynamics(dynamics, x, y0, { steps: K, keepFrom: exact && store ? 0 : K }, counters);
  const sK = trajectory.states[K]!;
  const yK = tf.tidy(() => dynamics.lower(sK).map((t) => tf.clone(t)));
  await computed(yK[0]!); // So the forward time is honest on asynchronous (GPU) backends.
  const t1 = now();

  // FOM: every step Jacobian is I (y) or 0 (x), so dL/dy_0 = ∇_yF(x, y_K) (docs/methods.md §2.5).
  const fo = tf.tidy(() => {
    const { gx, gy } = gradXY((a, b) => problem.upperObjective(a, b), x, dynamics.lower(sK), counters);
    return { gx, gy0: gy };
  });
  state.cost += K + 1;
  const stats: Record<string, StatValue> = { 'ufom.q': q, 'ufom.coin': exact ? 1 : 0 };
  // D̂², V̂² exist once an exact pass has fed the averages.
  if (choice && Number.isFinite(choice.dHat)) Object.assign(stats, { 'ufom.dHat': choice.dHat, 'ufom.vHat': choice.vHat });

  let gx = fo.gx;
  let gy0: TensorList | undefined = fo.gy0;
  if (exact) {
    const reverse = store
      ? reverseThroughDynamics(problem, dynamics, x, trajectory, { end: K, stop: 0 }, counters)
      : reverseByRecomputation(problem, dynamics, x, y0, sK, { end: K, stop: 0, clipAdjoint: options.clipAdjoint, traceAdjointNorms: false }, counters);
    // dL/dy_0 through s_0 = init(y_0).
    const exactGy0 = tf.tidy(() => stepVectorJacobianProduct((_, y) => dynamics.init(y), x, y0, reverse.gState).ps);
    const ex = { gx: reverse.gx, gy0: exactGy0 };
    tf.dispose([...reverse.gState, reverse.adjointNorms]);
    state.cost += store ? K : (K * (K + 1)) / 2;
    state.exactPasses++;
    // g_U = g_FO + (1/q)(g_ex − g_FO); at q = 1 that is g_ex itself, returned without rounding.
    const combined = q === 1 ? ex : tf.tidy(() => ({ gx: axpyList(fo.gx, 1 / q, subLists(ex.gx, fo.gx)), gy0: axpyList(fo.gy0, 1 / q, subLists(ex.gy0, fo.gy0)) }));
    // Norms are of the whole upper gradient (direct part plus the lower-start path), as the solver applies it.
    const start = ctx.needsLowerStartGradient;
    const [biasSq, exactSq, debiasedSq] = await readScalars(
      tf.tidy(() => {
        const total = (g: { gx: TensorList; gy0: TensorList }): TensorList => addStartPath(problem, x, g.gx, start ? g.gy0 : undefined);
        const [tFo, tEx, tU] = [total(fo), total(ex), total(combined)];
        return [squaredNormList(subLists(tEx, tFo)), squaredNormList(tEx), squaredNormList(subLists(tU, tEx))];
      }),
    );
    const beta = options.emaDecay;
    const biasTerm = options.biasEstimate === 'fom' ? biasSq! : debiasedSq!;
    state.emaBias = beta * state.emaBias + (1 - beta) * biasTerm;
    state.emaSecondMoment = beta * state.emaSecondMoment + (1 - beta) * exactSq!;
    Object.assign(stats, { 'ufom.biasSq': biasSq!, 'ufom.exactSq': exactSq! });
    if (combined !== ex) tf.dispose([...ex.gx, ...ex.gy0]);
    tf.dispose([...fo.gx, ...fo.gy0]);
    gx = combined.gx;
    gy0 = combined.gy0;
  }
  disposeTrajectory(trajectory);
  Object.assign(stats, { 'ufom.cost': state.cost, 'ufom.exactPasses': state.exactPasses });
  const base = { gx, yK, stats, forwardMs: t1 - t0, backwardMs: now() - t1 };
  if (ctx.needsLowerStartGradient) return { ...base, gy0 };
  tf.dispose(gy0);
  return base;
}

function adaptiveOptions(o: UfomOptions): AdaptiveExactProbabilityOptions {
  return { lowerSteps: o.lowerSteps, emaDecay: o.emaDecay, qMin: o.qMin };
}
