// PTT: pessimistic trajectory truncation (docs/methods.md §4.2). The loss is the worst upper value along the
// lower trajectory, max_{1≤k≤K} F(x, y_k), and only the steps up to its first maximiser k* are
// back-propagated; with y_0 = z the gradient reaches the initialization auxiliary.
import * as tf from '@tensorflow/tfjs-core';
import { sampleMemory, stepVectorJacobianProduct } from '../derivatives';
import type { Counters } from '../derivatives';
import { gradientDescent } from '../dynamics/gradientDescent';
import { disposeTrajectory, unrollDynamics } from '../dynamics/unrollDynamics';
import type { Trajectory } from '../dynamics/unrollDynamics';
import type { CompiledProblem } from '../problem/compileProblem';
import type { TensorList } from '../tensorList';
import { normList, subLists } from '../tensorList';
import { computed, now } from '../clock';
import { reverseThroughDynamics } from './reverseThroughDynamics';

/** `store`: keep all K states (official code, memory O(K·m)); `two-pass`: find k* first, then re-run k* steps (O(k*·m)). */
export type PttMemoryMode = 'store' | 'two-pass';

/** Options of the pessimistic truncation. */
export interface PessimisticTruncationOptions {
  /** Lower steps K. */
  readonly steps: number;
  /** Step size s of the projected gradient descent. */
  readonly lr: number;
  readonly memoryMode: PttMemoryMode;
}

/** Result of one PTT hypergradient; the caller owns gx, gy0 and yK. */
export interface PessimisticTruncationResult {
  /** dL/dx for L = F(x, y_{k*}). */
  readonly gx: TensorList;
  /** dL/dy_0 (= g_z when y_0 = z). */
  readonly gy0: TensorList;
  /** The last iterate y_K (metrics use it; it does not enter L when k* < K). */
  readonly yK: TensorList;
  /** k* = the first argmax over k = 1..K of F(x, y_k). */
  readonly kStar: number;
  /** F(x, y_k) for k = 1..K. */
  readonly upperTrace: number[];
  /** ‖R(x, y_k)‖ for k = 1..K, R(x, y) = (y − Proj_Y(y − s∇_y f(x, y)))/s (docs/methods.md §4.4). */
  readonly residualTrace: number[];
  /** ‖p_k‖ for k = k*..0. */
  readonly adjointNorms: number[];
  readonly forwardMs: number;
  readonly backwardMs: number;
}

/**
 * k* = first argmax_{1≤k≤K} values[k−1] (y_0 is not a candidate; ties → the smallest k, docs/methods.md §4.2).
 * A NaN never wins, so the index stays finite and the NaN shows up in the run's metrics instead.
 */
export function pessimisticIndex(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best + 1;
}

/**
 * One PTT hypergradient with projected gradient descent y_{k+1} = Proj_Y(y_k − s∇_y f(x, y_k)):
 * 1. run K steps from y_0, recording F_k = F(x, y_k) (values only) and ‖R(x, y_k)‖;
 * 2. k* = pessimisticIndex(F_1..F_K);
 * 3. back-propagate L = F(x, y_{k*}) through steps k*−1..0 (§1.4 with j = k*, k_stop = 0) and
 *    through s_0 = init(y_0) to get dL/dy_0.
 * For projected GD, R(x, y_k) = (y_k − y_{k+1})/s exactly, so the residuals cost one extra gradient
 * (at y_K) in all. Forward K (+1) gradients (+ k* in `two-pass`); backward k* double backwards.
 * Reference: Liu, Liu, Zeng, Zhang, NeurIPS 2021 (IAPTT-GM), Eq. (6) and the official code.
 * Does not dispose x or y0.
 */
export async function pessimisticTruncation(
  problem: CompiledProblem,
  x: TensorList,
  y0: TensorList,
  { steps: K, lr, memoryMode }: PessimisticTruncationOptions,
  counters: Counters,
): Promise<PessimisticTruncationResult> {
  const dynamics = gradientDescent(problem, { lr });
  const store = memoryMode === 'store';
  const t0 = now();
  // Pass 1: the whole trajectory, F_k and the residual norms; states kept only in `store` mode.
  const states: (TensorList | undefined)[] = new Array<TensorList | undefined>(K + 1).fill(undefined);
  const upper: tf.Scalar[] = [];
  const residual: tf.Scalar[] = [];
  let current = tf.tidy(() => dynamics.init(y0));
  for (let k = 0; k < K; k++) {
    const prev = current;
    const out = tf.tidy(() => {
      const next = dynamics.step(x, prev, k);
      // ‖R(x, y_k)‖ = ‖y_k − y_{k+1}‖/s, kept for k ≥ 1 (y_0 is not a candidate).
      return { next, F: problem.upperObjective(x, next), R: tf.div(normList(subLists(prev, next)), lr) as tf.Scalar };
    });
    counters.gradientEvals += dynamics.gradientsPerStep;
    if (k >= 1) residual.push(out.R);
    else tf.dispose(out.R);
    upper.push(out.F);
    if (store) states[k] = prev;
    else tf.dispose(prev);
    current = out.next;
    sampleMemory(counters);
  }
  states[K] = current;
  residual.push(tf.tidy(() => tf.div(normList(subLists(current, dynamics.step(x, current, K))), lr) as tf.Scalar));
  counters.gradientEvals += dynamics.gradientsPerStep;
  // One read for all 2K values: a read is a sync point on GPU backends.
  const stacked = tf.tidy(() => tf.concat([tf.stack(upper), tf.stack(residual)]));
  const values = Array.from(await stacked.data());
  tf.dispose([stacked, ...upper, ...residual]);
  const upperTrace = values.slice(0, K);
  const residualTrace = values.slice(K);
  const kStar = pessimisticIndex(upperTrace);
  const yK = dynamics.lower(current).map((t) => tf.clone(t));
  let trajectory: Trajectory;
  if (store) {
    trajectory = { states };
  } else {
    // Pass 2: re-run the first k* steps keeping their states (memory O(k*·m)).
    tf.dispose(current);
    trajectory = await unrollDynamics(dynamics, x, y0, { steps: kStar, keepFrom: 0 }, counters);
  }
  await computed(yK[0]!); // So the forward time is honest on asynchronous (GPU) backends.
  const t1 = now();
  const { gx, gState, adjointNorms } = reverseThroughDynamics(problem, dynamics, x, trajectory, { end: kStar, stop: 0 }, counters);
  const gy0 = tf.tidy(() => stepVectorJacobianProduct((_, y) => dynamics.init(y), x, y0, gState).ps);
  const norms = Array.from(await adjointNorms.data());
  const t2 = now();
  tf.dispose([...gState, adjointNorms]);
  disposeTrajectory(trajectory);
  return { gx, gy0, yK, kStar, upperTrace, residualTrace, adjointNorms: norms, forwardMs: t1 - t0, backwardMs: t2 - t1 };
}
