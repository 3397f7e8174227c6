// The expected time of a comparison or a preset, from a short probe of each method (costProbe.ts):
// time per outer iteration after the first (warm-up) one, extrapolated to the iterations the run
// would make (its `iterations`, or fewer when its oracle-call budget ends it first), and the question
// the user is asked. Pure, so it is unit-tested without workers.
import { formatDuration } from '../../common/format';
import type { IterationRecord, StopReason } from '../../protocol/metrics';

/** What a probe of one method measured. */
export interface ProbeSample {
  readonly method: string;
  /** Outer iterations the real run may make at most (the worker's resolved `iterations`). */
  readonly plannedIterations: number;
  /** The run's oracle-call budget (the worker's resolved `maxOracleCalls`; 0 or absent: none). */
  readonly maxOracleCalls?: number;
  /** From asking for the worker to the end of the first iteration: start-up, compile and warm-up (ms). */
  readonly startMs: number;
  /** The probe's records, in order; their cumulative gradient and HVP counts give the calls per iteration. */
  readonly records: readonly (Pick<IterationRecord, 'iteration' | 'forwardMs' | 'backwardMs' | 'time'> & Partial<Pick<IterationRecord, 'gradientEvals' | 'hvpEvals'>>)[];
}

/** One method's expected run time. */
export interface MethodEstimate {
  readonly method: string;
  /** Time per outer iteration after the warm-up (ms); undefined when the probe had no record. */
  readonly msPerIteration: number | undefined;
  /** Outer iterations the run is expected to make: its `iterations`, or fewer when the budget ends it. */
  readonly iterations: number;
  /** The limit expected to end the run (the run record's `stopReason` words): `iterations` or `oracleBudget`. */
  readonly bound: StopReason;
  /** Oracle calls (gradient + HVP evaluations) per outer iteration the probe measured; undefined without counters. */
  readonly callsPerIteration: number | undefined;
  /** The run's oracle-call budget, when it has one. */
  readonly maxOracleCalls?: number;
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

/**
 * Oracle calls per outer iteration over the probe: the last record's cumulative gradient + HVP
 * evaluations over the iterations up to it (the first iteration costs as many calls as any, unlike
 * its time). Undefined when the records carry no counters.
 */
export function callsPerIteration(records: ProbeSample['records']): number | undefined {
  const last = records[records.length - 1];
  if (!last) return undefined;
  const calls = (last.gradientEvals ?? Number.NaN) + (last.hvpEvals ?? Number.NaN);
  return Number.isFinite(calls) ? calls / (last.iteration + 1) : undefined;
}

/**
 * The outer iterations a run makes and the limit that ends it: the solver stops after the first
 * iteration whose cumulative calls reach the budget, so at c calls per iteration a budget B ends the
 * run after ⌈B / c⌉ iterations, when that is fewer than its `iterations` (a tie is the budget's, as in
 * the solver's stop reason).
 */
export function expectedIterations(plannedIterations: number, maxOracleCalls: number | undefined, perIteration: number | undefined): { readonly iterations: number; readonly bound: StopReason } {
  if (!(maxOracleCalls !== undefined && maxOracleCalls > 0) || !(perIteration !== undefined && perIteration > 0)) return { iterations: plannedIterations, bound: 'iterations' };
  const byBudget = Math.ceil(maxOracleCalls / perIteration);
  return byBudget <= plannedIterations ? { iterations: byBudget, bound: 'oracleBudget' } : { iterations: plannedIterations, bound: 'iterations' };
}

/** A method's expected run time: its start-up and first iteration as measured, the rest extrapolated to the nearer limit. */
export function estimateMethod(sample: ProbeSample): MethodEstimate {
  const perIteration = msPerIteration(sample.records);
  const calls = callsPerIteration(sample.records);
  const { iterations, bound } = expectedIterations(sample.plannedIterations, sample.maxOracleCalls, calls);
  const first = sample.records[0]?.iteration ?? 0;
  const remaining = Math.max(0, iterations - (first + 1));
  return {
    method: sample.method,
    msPerIteration: perIteration,
    iterations,
    bound,
    callsPerIteration: calls,
    ...(sample.maxOracleCalls !== undefined && sample.maxOracleCalls > 0 ? { maxOracleCalls: sample.maxOracleCalls } : {}),
    totalMs: sample.startMs + (perIteration ?? 0) * remaining,
  };
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

/**
 * Which limit a method's estimate counts to, for a run with a budget (empty without one, where the
 * iterations are the only limit): `146 iterations to the 6000-call budget` or `200 iterations, within the 6000-call budget`.
 */
export function boundPhrase(m: MethodEstimate): string {
  if (m.maxOracleCalls === undefined) return '';
  if (m.bound === 'oracleBudget') return `${m.iterations} iterations to the ${m.maxOracleCalls}-call budget`;
  // Without counters the probe cannot tell how soon the budget ends the run; say so rather than guess.
  if (m.callsPerIteration === undefined) return `${m.iterations} iterations, calls per iteration unknown`;
  return `${m.iterations} iterations, within the ${m.maxOracleCalls}-call budget`;
}

/** The question, e.g. `Expected about 14 min 05 s (rhg 6 min 00 s [146 iterations to the 6000-call budget], cg 5 min 02 s, …; from a 3-iteration probe). Start?`. */
export function costQuestion(estimate: CostEstimate): string {
  const parts = estimate.methods
    .map((m) => {
      const bound = boundPhrase(m);
      return `${m.method} ${formatDuration(m.totalMs)}${bound !== '' ? ` [${bound}]` : ''}`;
    })
    .join(', ');
  const concurrent = estimate.methods.length > 1 ? ', one method at a time' : '';
  return `Expected about ${formatDuration(estimate.totalMs)} (${parts}; from a ${estimate.probeIterations}-iteration probe${concurrent}). Start?`;
}
