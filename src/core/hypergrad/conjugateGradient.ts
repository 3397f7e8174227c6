// Implicit hypergradient through a linear solve by conjugate gradients (docs/methods.md §2.3).
import * as tf from '@tensorflow/tfjs-core';
import { gradXY, hessianVectorProduct, mixedVectorProduct, sampleMemory } from '../derivatives';
import type { Counters } from '../derivatives';
import type { CompiledProblem } from '../problem/compileProblem';
import type { StatValue } from '../../protocol/metrics';
import type { TensorList } from '../tensorList';
import { axpyList, dotLists, normList, subLists, zerosLikeList } from '../tensorList';

/** Options of the CG linear solve H v = b. */
export interface ConjugateGradientOptions {
  /** J: maximum CG iterations. */
  readonly iterations: number;
  /** Stop when ‖r‖ ≤ tolerance · ‖b‖ (relative, since float32 cannot reach absolute 1e-10). */
  readonly tolerance: number;
  /** ρ ≥ 0: solve (H + ρI) v = b (iMAML-style damping). */
  readonly damping: number;
  /** Flag non-positive curvature when pᵀHp ≤ δ‖p‖². */
  readonly curvatureFloor: number;
  /** Flag the solve as failed when the final relative residual exceeds this. */
  readonly acceptResidual: number;
}

/** CG's hypergradient and diagnostics (docs/methods.md §8: residual, iterations, min pᵀHp, ‖v‖, flags). */
export interface ConjugateGradientResult {
  readonly gx: TensorList;
  readonly stats: Record<string, StatValue>;
  readonly warning?: string;
}

/**
 * g_x = ∇_xF(x, ŷ) − M_f(x, ŷ)ᵀ v with (H_f(x, ŷ) + ρI) v = ∇_yF(x, ŷ) solved by CG from v_0 = 0.
 * Returns the last updated v (unlike BOAT's cg_step, docs/methods.md §11.6). Stops and flags on non-positive
 * curvature, since CG on a singular or indefinite H returns garbage (docs/methods.md §9a).
 * Reference: Pedregosa ICML'16 (HOAG); Rajeswaran et al. NeurIPS'19 (iMAML).
 */
export async function conjugateGradientHypergradient(
  problem: CompiledProblem,
  x: TensorList,
  y: TensorList,
  options: ConjugateGradientOptions,
  counters: Counters,
): Promise<ConjugateGradientResult> {
  const lower = (a: TensorList, b: TensorList): tf.Scalar => problem.lowerObjective(a, b);
  const applyH = (v: TensorList): TensorList => {
    const hv = hessianVectorProduct(lower, x, y, v, counters);
    return options.damping > 0 ? axpyList(hv, options.damping, v) : hv;
  };
  const { gxDirect, b } = tf.tidy(() => {
    const { gx, gy } = gradXY((a, c) => problem.upperObjective(a, c), x, y, counters);
    return { gxDirect: gx, b: gy };
  });
  const [bNorm] = await readScalars([tf.tidy(() => normList(b))]);
  let v = zerosLikeList(b);
  let r = b.map((t) => tf.clone(t));
  let p = b.map((t) => tf.clone(t));
  let rr = bNorm! * bNorm!;
  let iterations = 0;
  let minCurvature = Infinity;
  let nonPositive = false;
  let relResidual = bNorm! > 0 ? 1 : 0;
  while (iterations < options.iterations && relResidual > options.tolerance) {
    const hp = tf.tidy(() => applyH(p));
    sampleMemory(counters);
    const [pHp, pp] = await readScalars(tf.tidy(() => [dotLists(p, hp), dotLists(p, p)]));
    const curvature = pHp! / Math.max(pp!, Number.MIN_VALUE);
    minCurvature = Math.min(minCurvature, curvature);
    if (!(pHp! > options.curvatureFloor * pp!)) {
      // Non-positive (or NaN) curvature: H is not positive definite along p; v so far is kept.
      nonPositive = true;
      tf.dispose(hp);
      break;
    }
    const a = rr / pHp!;
    const next = tf.tidy(() => ({ v: axpyList(v, a, p), r: axpyList(r, -a, hp) }));
    tf.dispose([...v, ...r, ...hp]);
    v = next.v;
    r = next.r;
    iterations++;
    const [rrNext] = await readScalars([tf.tidy(() => dotLists(r, r))]);
    relResidual = bNorm! > 0 ? Math.sqrt(rrNext!) / bNorm! : 0;
    const beta = rrNext! / rr;
    rr = rrNext!;
    const pNext = tf.tidy(() => axpyList(r, beta, p));
    tf.dispose(p);
    p = pNext;
  }
  const { gx, vNorm } = tf.tidy(() => {
    const mv = mixedVectorProduct(lower, x, y, v, counters);
    return { gx: subLists(gxDirect, mv), vNorm: normList(v) };
  });
  const [vNormValue] = await readScalars([vNorm]);
  tf.dispose([...gxDirect, ...b, ...v, ...r, ...p]);
  const converged = !nonPositive && Number.isFinite(relResidual) && relResidual <= options.acceptResidual;
  const flag = nonPositive ? 'non-positive-curvature' : converged ? '' : 'not-converged';
  const stats: Record<string, StatValue> = {
    'cg.iterations': iterations,
    'cg.residual': relResidual * bNorm!,
    'cg.relativeResidual': relResidual,
    'cg.minCurvature': Number.isFinite(minCurvature) ? minCurvature : 0,
    'cg.vNorm': vNormValue!,
    'cg.nonPositiveCurvature': nonPositive,
    'cg.converged': converged,
    'cg.flag': flag,
  };
  // Warnings carry no per-iteration numbers, so a run reports each kind once (numbers are in stats).
  const warning = nonPositive
    ? 'CG met non-positive curvature (pᵀHp ≤ δ‖p‖², see cg.minCurvature): the lower Hessian is singular or indefinite here, so the implicit hypergradient is unreliable'
    : converged
      ? undefined
      : `CG did not reach the accepted relative residual ${options.acceptResidual} (see cg.relativeResidual): singular or ill-conditioned lower Hessian?`;
  return warning ? { gx, stats, warning } : { gx, stats };
}

/** Reads several scalar tensors with one sync, then disposes them. */
export async function readScalars(scalars: tf.Scalar[]): Promise<number[]> {
  const stacked = tf.stack(scalars);
  const values = Array.from(await stacked.data());
  tf.dispose([stacked, ...scalars]);
  return values;
}
