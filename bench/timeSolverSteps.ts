// The timing loop both benchmarks share: one untimed warm-up step, then timed steps with the peak
// memory measured over those only.
import * as tf from '@tensorflow/tfjs-core';
import type { RunSummary, Solver } from '../src/core';

/** What the timed steps measured. */
export interface StepTimes {
  /** Seconds per timed outer iteration, ascending. */
  readonly seconds: readonly number[];
  /** PTT's k* of each timed iteration (empty for other methods). */
  readonly kStars: readonly number[];
  /** Live bytes before the timed iterations (after the warm-up). */
  readonly baseBytes: number;
  readonly summary: RunSummary;
}

/** Warms up with one step, then times `iterations` steps of `solver` (which the caller disposes). */
export async function timeSolverSteps(solver: Solver, iterations: number): Promise<StepTimes> {
  await solver.step(); // Warm-up: first allocations, kernel and XNNPACK operator creation.
  // Peaks (and k*) are measured over the timed iterations only, so they describe the same steps.
  solver.resetPeakMemory();
  const baseBytes = tf.memory().numBytes;
  const seconds: number[] = [];
  const kStars: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    const record = await solver.step();
    seconds.push((performance.now() - t0) / 1000);
    const kStar = record.stats['ptt.kStar'];
    if (typeof kStar === 'number') kStars.push(kStar);
  }
  seconds.sort((a, b) => a - b);
  return { seconds, kStars, baseBytes, summary: await solver.summary() };
}
