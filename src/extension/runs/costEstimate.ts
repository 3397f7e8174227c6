// The expected time of a comparison or a preset, from a short probe of each method (costProbe.ts):
// time per outer iteration after the first (warm-up) one, extrapolated to the iterations the run
// would make, and the question the user is asked. Pure, so it is unit-tested without workers.
import { formatDuration } from '../../common/format';
import type { IterationRecord } from '../../protocol/metrics';

/** What a probe of one method measured. */
export interface ProbeSample {
  readonly method: string;
  /** Outer iterations the real run would make (the worker's resolved `iterations`). */
  readonly plannedIterations: number;
  /** From asking for the worker to the end of the first iteration: start-up, compile and warm-up (ms). */
  readonly startMs: number;
  /** The probe's records, in order. */
  readonly records: readonly Pick<IterationRecord, 'iteration' | 'forwardMs' | 'backwardMs' | 'time'>[];
}

/** One method's expected run time. */
export interface MethodEstimate {
  readonly method: string;
  /** Time per outer iteration after the warm-up (ms); undefined when the probe had no record. */
  readonly msPerIteration: number | undefined;
  /** Expected wall time of the whole run (ms). */
  readonly totalMs: number;
}

/** The expected time of every method and their sum (the runs of a comparison go one after another). */
export interface CostEstimate {
  readonly methods: readonly MethodEstimate[];
  readonly totalMs: number;
  /** Outer iterations each probe ran. */
  readonly probeIterations: number;
}

/**
 * Time per outer iteration after the first: the wall-clock gap between the first and the last
 * record over the iterations between them (records carry `time`); without times, the median of
 * forwardMs + backwardMs of the records after the first (the first's alone when it is the only one).
 */
export function msPerIteration(records: ProbeSample['records']): number | undefined {
  const timed = records.filter((r) => typeof r.time === 'number' && Number.isFinite(r.time));
  if (timed.length >= 2) {
    const first = timed[0]!;
    const last = timed[timed.length - 1]!;
    const span = last.iteration - first.iteration;
    if (span > 0) return Math.max(0, (last.time! - first.time!) / span);
  }
  const measured = (records.length > 1 ? records.slice(1) : records).map((r) => r.forwardMs + r.backwardMs).filter(Number.isFinite);
  if (measured.length === 0) return undefined;
  const sorted = [...measured].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A method's expected run time: its start-up and first iteration as measured, the rest extrapolated. */
export function estimateMethod(sample: ProbeSample): MethodEstimate {
  const perIteration = msPerIteration(sample.records);
  const first = sample.records[0]?.iteration ?? 0;
  const remaining = Math.max(0, sample.plannedIterations - (first + 1));
  return { method: sample.method, msPerIteration: perIteration, totalMs: sample.startMs + (perIteration ?? 0) * remaining };
}

/** The estimate of a comparison whose runs go one after another. */
export function estimateCost(samples: readonly ProbeSample[], probeIterations: number): CostEstimate {
  const methods = samples.map(estimateMethod);
  return { methods, totalMs: methods.reduce((sum, m) => sum + m.totalMs, 0), probeIterations };
}

/** True when the user should be asked before starting: the estimate exceeds the threshold (0 never asks). */
export function shouldConfirm(estimate: CostEstimate, confirmAboveSeconds: number): boolean {
  return confirmAboveSeconds > 0 && estimate.totalMs > confirmAboveSeconds * 1000;
}

/** The question, e.g. `Expected about 14 min 05 s (rhg 6 min 00 s, cg 5 min 02 s, …; from a 3-iteration probe). Start?`. */
export function costQuestion(estimate: CostEstimate): string {
  const parts = estimate.methods.map((m) => `${m.method} ${formatDuration(m.totalMs)}`).join(', ');
  const concurrent = estimate.methods.length > 1 ? ', one method at a time' : '';
  return `Expected about ${formatDuration(estimate.totalMs)} (${parts}; from a ${estimate.probeIterations}-iteration probe${concurrent}). Start?`;
}
