// Which outer iterations record a trajectory trace (F(x, y_k) for k = 1..K): every N-th, so that run
// records stay small (K numbers per traced record).
import type { HypergradientContext, MethodState } from './methodSpec';
import type { MethodOptionSpec } from './runOptions';

/** `--trace-every N`: record F(x, y_k) along the lower trajectory every N outer iterations (0 = never). */
export const TRACE_EVERY_OPTION = {
  key: 'traceEvery',
  flag: 'trace-every',
  type: 'integer',
  default: 10,
  min: 0,
  description: 'Record F(x, y_k), k = 1..K, in the stats every N outer iterations (0: never).',
} as const satisfies MethodOptionSpec;

/** Method state that counts hypergradient calls (no tensors). */
export interface TraceSchedule extends MethodState {
  calls: number;
}

/** A fresh call counter. */
export function createTraceSchedule(): TraceSchedule {
  return { calls: 0, dispose() {} };
}

/**
 * True when this call's outer iteration t = ⌊calls / metaBatch⌋ is a multiple of traceEvery; counts
 * the call. Without state (a single evaluation, e.g. the hypergradient check) it always traces.
 */
export function shouldTrace(ctx: HypergradientContext<readonly [typeof TRACE_EVERY_OPTION]>): boolean {
  const every = ctx.options.traceEvery;
  const schedule = ctx.state as TraceSchedule | undefined;
  if (!schedule) return every > 0;
  const t = Math.floor(schedule.calls / ctx.options.metaBatch);
  schedule.calls++;
  return every > 0 && t % every === 0;
}
