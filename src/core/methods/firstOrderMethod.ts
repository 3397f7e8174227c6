// FOM: first-order approximation, every lower-step Jacobian treated as identity/zero (docs/methods.md §2.5).
import * as tf from '@tensorflow/tfjs-core';
import { now } from '../clock';
import { gradXY } from '../derivatives';
import { normList } from '../tensorList';
import { readScalars } from '../hypergrad/conjugateGradient';
import type { MethodSpec } from './methodSpec';
import { solveLowerApproximately } from './unrolledHypergradient';

/**
 * FOM: g_x = ∇_xF(x, y_K) with y_K from detached steps. It cannot learn upper variables that enter
 * only through f (g ≡ 0 there); meaningful for initialization-type variables (FO-MAML).
 * Reference: Finn et al. ICML 2017 (FO-MAML); Nichol et al. 2018.
 */
export const firstOrderMethod: MethodSpec<readonly []> = {
  id: 'fom',
  title: 'FOM (first-order approximation)',
  summary: 'Direct term ∇_xF(x, y_K) only; no second-order products; memory O(1) in K.',
  reference: 'Finn, Abbeel, Levine, "Model-agnostic meta-learning", ICML 2017 (first-order variant)',
  options: [],
  async hypergradient(ctx) {
    const { yK, forwardMs } = await solveLowerApproximately(ctx);
    const t0 = now();
    // FOM: every lower-step Jacobian is I for y and 0 for x, so dL/dy_0 = ∇_yF(x, y_K) (FO-MAML).
    const { gx, gy } = tf.tidy(() => gradXY((a, b) => ctx.problem.upperObjective(a, b), ctx.x, yK, ctx.counters));
    const [norm] = await readScalars([tf.tidy(() => normList(gx))]);
    const base = { gx, yK, stats: { 'fom.gradNorm': norm! }, forwardMs, backwardMs: now() - t0 };
    if (ctx.needsLowerStartGradient) return { ...base, gy0: gy };
    tf.dispose(gy);
    return base;
  },
};
