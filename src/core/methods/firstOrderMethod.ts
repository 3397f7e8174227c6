// FOM: first-order approximation, every lower-step Jacobian treated as identity/zero (spec §2.5).
import * as tf from '@tensorflow/tfjs-core';
import { now } from '../clock';
import { gradX } from '../derivatives';
import { normList } from '../tensorList';
import { readScalars } from '../hypergrad/conjugateGradient';
import type { MethodSpec } from './methodSpec';
import { solveLowerApproximately } from './unrolledHypergradient';

/**
 * FOM: g_x = ∇_xF(x, y_K) with y_K from detached steps. It cannot learn upper variables that enter
 * only through f (g ≡ 0 there); meaningful for initialization-type variables (FO-MAML).
 * Reference: Finn et al. ICML 2017 (FO-MAML); Nichol et al. 2018.
 */
export const firstOrderMethod: MethodSpec = {
  id: 'fom',
  title: 'FOM (first-order approximation)',
  summary: 'Direct term ∇_xF(x, y_K) only; no second-order products; memory O(1) in K.',
  reference: 'Finn, Abbeel, Levine, "Model-agnostic meta-learning", ICML 2017 (first-order variant)',
  options: [],
  async hypergradient(ctx) {
    const { yK, forwardMs } = await solveLowerApproximately(ctx);
    const t0 = now();
    const gx = tf.tidy(() => gradX((a, b) => ctx.problem.upperObjective(a, b), ctx.x, yK, ctx.counters));
    const [norm] = await readScalars([tf.tidy(() => normList(gx))]);
    return { gx, yK, stats: { 'fom.gradNorm': norm! }, forwardMs, backwardMs: now() - t0 };
  },
};
