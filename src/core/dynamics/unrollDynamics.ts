// Runs K lower-level steps and keeps exactly the states the hypergradient will need.
import * as tf from '@tensorflow/tfjs-core';
import { sampleMemory } from '../derivatives';
import type { Counters } from '../derivatives';
import type { TensorList } from '../tensorList';
import type { LowerDynamics } from './lowerDynamics';

/** Options of an unroll. */
export interface UnrollOptions {
  /** Number of steps K. */
  readonly steps: number;
  /** Keep states s_k for k ≥ keepFrom (the reverse pass reads them); default K (only the last). */
  readonly keepFrom?: number;
  /** Also evaluate this function of y_k after every step (e.g. F(x, y_k) for PTT); values only. */
  readonly trace?: (y: TensorList) => tf.Scalar;
}

/** The kept part of a trajectory; owns its tensors (dispose with disposeTrajectory). */
export interface Trajectory {
  /** states[k] is s_k for keepFrom ≤ k ≤ K, undefined before. */
  readonly states: (TensorList | undefined)[];
  /** trace values for k = 1..K (index k−1), when a trace was asked for. */
  readonly traced?: number[];
}

/**
 * Runs s_{k+1} = Φ_k(s_k, x) for k = 0..K−1 from s_0 = init(y_0), each step in its own tf.tidy so
 * no graph is kept (reverse mode recomputes each step's VJP from the stored state; docs/methods.md §1.4).
 * Does not dispose x or y0.
 */
export async function unrollDynamics(
  dynamics: LowerDynamics,
  x: TensorList,
  y0: TensorList,
  options: UnrollOptions,
  counters: Counters,
): Promise<Trajectory> {
  const { steps } = options;
  const keepFrom = options.keepFrom ?? steps;
  const states: (TensorList | undefined)[] = new Array<TensorList | undefined>(steps + 1).fill(undefined);
  const traceValues: tf.Scalar[] = [];
  let current = tf.tidy(() => dynamics.init(y0));
  for (let k = 0; k < steps; k++) {
    const next = tf.tidy(() => dynamics.step(x, current, k));
    counters.gradientEvals += dynamics.gradientsPerStep;
    if (k >= keepFrom) states[k] = current;
    else tf.dispose(current);
    current = next;
    sampleMemory(counters);
    if (options.trace) {
      const y = dynamics.lower(current);
      traceValues.push(tf.tidy(() => options.trace!(y)));
    }
  }
  states[steps] = current;
  let traced: number[] | undefined;
  if (options.trace && traceValues.length > 0) {
    // One read for all K values: a read is a sync point on GPU backends.
    const stacked = tf.stack(traceValues);
    traced = Array.from(await stacked.data());
    tf.dispose([stacked, ...traceValues]);
  }
  else if (options.trace) traced = [];
  return traced ? { states, traced } : { states };
}

/** Releases every kept state of a trajectory. */
export function disposeTrajectory(trajectory: Trajectory): void {
  for (const s of trajectory.states) if (s) tf.dispose(s);
}
