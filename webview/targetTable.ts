// The "to reach target" table of the panel: per group of seeds, the wall time and the oracle calls
// (gradients + HVPs) at which a run's ‖x − x*‖ (or F, when the problem has no x*) first fell to the
// target, as the median over the seeds that reached it and "k of n reached". Methods of different cost
// per iteration are compared by what they spent, not by iterations. Pure, no DOM.
import { firstReach, type XY } from '../src/common/bands';
import { formatNumber } from '../src/common/format';
import { quantileSorted } from '../src/common/quantiles';

/** The target when no run has a `tolerance` setting. */
export const DEFAULT_TARGET = 1e-2;

/** What the target is compared with: ‖x − x*‖ where the problem knows x*, else the upper objective F. */
export type TargetMeasure = 'upperDistance' | 'upperLoss';

/** One seed's curves of the measure against wall seconds and against oracle calls (each may be empty). */
export interface SeedCurves {
  readonly time: readonly XY[];
  readonly oracleCalls: readonly XY[];
}

/** One row: a group and how its seeds reached the target. */
export interface TargetRow {
  readonly groupId: string;
  readonly label: string;
  readonly method: string;
  readonly color: string;
  /** Runs in the group. */
  readonly runs: number;
  /** Runs that reached the target (on either axis). */
  readonly reached: number;
  /** Median seconds to the target over the seeds that reached it and have times. */
  readonly timeS?: number;
  /** Median oracle calls to the target over the seeds that reached it and count them. */
  readonly oracleCalls?: number;
}

/** The measure of a panel: ‖x − x*‖ when every run with records has it, else F. */
export function targetMeasure(hasDistance: readonly boolean[]): TargetMeasure {
  return hasDistance.length > 0 && hasDistance.every(Boolean) ? 'upperDistance' : 'upperLoss';
}

/** The measure in words, for the table's header: `‖x − x*‖` or `F`. */
export function measureName(measure: TargetMeasure): string {
  return measure === 'upperDistance' ? '‖x − x*‖' : 'F';
}

/** The default target: the first positive `tolerance` among the runs' settings, else {@link DEFAULT_TARGET}. */
export function defaultTarget(tolerances: readonly unknown[]): number {
  const t = tolerances.find((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0);
  return t ?? DEFAULT_TARGET;
}

/** The row of a group whose seeds have `curves` (one entry per run of the group, runs without records included). */
export function targetRow(group: { readonly id: string; readonly label: string; readonly method: string; readonly color: string }, curves: readonly SeedCurves[], target: number): TargetRow {
  const times: number[] = [];
  const calls: number[] = [];
  let reached = 0;
  for (const c of curves) {
    const t = firstReach(c.time, target);
    const k = firstReach(c.oracleCalls, target);
    if (t !== undefined) times.push(t);
    if (k !== undefined) calls.push(k);
    if (t !== undefined || k !== undefined) reached++;
  }
  const median = (values: number[]): number | undefined => (values.length > 0 ? quantileSorted(values.sort((a, b) => a - b), 0.5) : undefined);
  const timeS = median(times);
  const oracleCalls = median(calls);
  return { groupId: group.id, label: group.label, method: group.method, color: group.color, runs: curves.length, reached, ...(timeS !== undefined ? { timeS } : {}), ...(oracleCalls !== undefined ? { oracleCalls } : {}) };
}

/** The cells of a row as the table prints them: `not reached` when no seed did, `—` where a reached run lacks that axis. */
export function targetCells(row: TargetRow): { readonly time: string; readonly oracleCalls: string; readonly reached: string } {
  const none = row.reached === 0;
  return {
    time: none ? 'not reached' : row.timeS !== undefined ? `${formatNumber(row.timeS)} s` : '—',
    oracleCalls: none ? 'not reached' : formatNumber(row.oracleCalls),
    reached: `${row.reached} of ${row.runs} reached`,
  };
}

/** A target typed in the panel: a finite number (F may be negative), else undefined (the panel keeps the last valid one). */
export function parseTarget(text: string): number | undefined {
  const v = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(v) ? v : undefined;
}
