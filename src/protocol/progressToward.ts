// How far a run is toward the limit that ends it, and the time left at its pace: one rule for the
// CLI's progress bar (src/cli/progressBar.ts) and the live panel's progress line (webview/state.ts),
// so a run with an oracle-call budget (`maxOracleCalls`) counts oracle calls in both, not iterations
// it will never reach.
import type { IterationRecord } from './metrics';

/** The limits that end a run: its outer iterations, and its oracle-call budget (0: none), as resolved. */
export interface ProgressLimits {
  readonly iterations: number;
  readonly maxOracleCalls: number;
}

/** The unit progress counts in: outer iterations, or oracle calls (gradient + HVP evaluations). */
export type ProgressUnit = 'iterations' | 'oracle calls';

/** How far a run is toward the limit that ends it: `done` of `total` in `unit`. */
export interface ProgressPosition {
  readonly unit: ProgressUnit;
  readonly done: number;
  readonly total: number;
  /** Outer iterations done (equal to `done` when the unit is iterations). */
  readonly iterations: number;
}

/**
 * The position after `record` toward whichever limit ends the run first: with a budget, the oracle
 * calls used of the budget unless the iterations are nearer their end (a run stops at the first limit
 * it reaches, and at a steady cost per iteration the nearer one is reached first); else iterations.
 */
export function progressToward(record: Pick<IterationRecord, 'iteration' | 'gradientEvals' | 'hvpEvals'>, limits: ProgressLimits): ProgressPosition {
  const iterations = record.iteration + 1;
  const byIterations: ProgressPosition = { unit: 'iterations', done: iterations, total: limits.iterations, iterations };
  const calls = record.gradientEvals + record.hvpEvals;
  // A record without cost counters (never from this solver, but records are plain data) cannot be placed on the budget.
  if (!(limits.maxOracleCalls > 0) || !Number.isFinite(calls)) return byIterations;
  // The budget wins a tie: the solver names it as the stop reason when both are reached at once.
  if (calls / limits.maxOracleCalls >= iterations / limits.iterations) return { unit: 'oracle calls', done: calls, total: limits.maxOracleCalls, iterations };
  return byIterations;
}

/**
 * Remaining time at the pace since `first` (units done and when, in the unit of `total`: iterations
 * or oracle calls): none until some are done after the first, so the first iteration's warm-up
 * (tracing, kernel compilation) never inflates it.
 */
export function estimateRemainingMs(first: { readonly done: number; readonly at: number }, last: { readonly done: number; readonly at: number }, total: number): number | undefined {
  if (last.done <= first.done) return undefined;
  const pace = Math.max(0, last.at - first.at) / (last.done - first.done);
  return pace * Math.max(0, total - last.done);
}
