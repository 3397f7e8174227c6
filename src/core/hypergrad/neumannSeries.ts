// Implicit hypergradient with the inverse Hessian replaced by a truncated Neumann series (docs/methods.md §2.4).
import * as tf from '@tensorflow/tfjs-core';
import { gradXY, hessianVectorProduct, mixedVectorProduct, sampleMemory } from '../derivatives';
import type { Counters } from '../derivatives';
import type { CompiledProblem } from '../problem/compileProblem';
import type { StatValue } from '../../protocol/metrics';
import type { TensorList } from '../tensorList';
import { addLists, axpyList, normList, scaleList, subLists } from '../tensorList';
import { readScalars } from './conjugateGradient';

/** Options of the Neumann approximation H⁻¹ ≈ s Σ_{j=0..J} (I − sH)^j. */
export interface NeumannOptions {
  /** J: number of series terms after the first. */
  readonly terms: number;
  /** s: must satisfy ‖I − sH‖ < 1 (e.g. s < 2/L_f). */
  readonly lr: number;
}

/**
 * u := b; acc := b; J times: u := u − s H u, acc += u; v := s·acc; g_x = ∇_xF − M_fᵀ v, all at ŷ.
 * Reference: Lorraine, Vicol, Duvenaud AISTATS'20.
 */
export async function neumannHypergradient(
  problem: CompiledProblem,
  x: TensorList,
  y: TensorList,
  { terms, lr }: NeumannOptions,
  counters: Counters,
): Promise<{ gx: TensorList; stats: Record<string, StatValue> }> {
  const lower = (a: TensorList, b: TensorList): tf.Scalar => problem.lowerObjective(a, b);
  const start = tf.tidy(() => {
    const { gx, gy } = gradXY((a, c) => problem.upperObjective(a, c), x, y, counters);
    return { gxDirect: gx, u: gy, acc: gy.map((t) => tf.clone(t)) };
  });
  const gxDirect = start.gxDirect;
  let { u, acc } = start;
  const termNorms: tf.Scalar[] = [tf.tidy(() => tf.mul(normList(u), lr) as tf.Scalar)];
  for (let j = 0; j < terms; j++) {
    const next = tf.tidy(() => {
      const uNext = axpyList(u, -lr, hessianVectorProduct(lower, x, y, u, counters));
      return { u: uNext, acc: addLists(acc, uNext), norm: tf.mul(normList(uNext), lr) as tf.Scalar };
    });
    sampleMemory(counters);
    tf.dispose([...u, ...acc]);
    u = next.u;
    acc = next.acc;
    termNorms.push(next.norm);
  }
  const gx = tf.tidy(() => subLists(gxDirect, mixedVectorProduct(lower, x, y, scaleList(acc, lr), counters)));
  const norms = await readScalars(termNorms);
  tf.dispose([...gxDirect, ...u, ...acc]);
  return { gx, stats: { 'neumann.termNorms': norms, 'neumann.lastTermNorm': norms[norms.length - 1] ?? 0 } };
}
