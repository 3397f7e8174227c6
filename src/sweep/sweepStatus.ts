// A sweep's status, derived from its runs' statuses and never written by the runs: concurrent runs
// (a local pool, a SLURM array on many hosts) each write only their own record (issue 15). A cancel
// (`bilevel sweep cancel`) is the one fact about a sweep no run record can hold, since the runs it
// stopped before they started never write one: it is kept beside sweep.json (cancel.json) and read here.
import type { RunStatus } from '../protocol/metrics';
import type { SweepRecord, SweepRunState, SweepStatus } from '../protocol/sweep';

/** What `bilevel sweep cancel` keeps in the sweep's folder (cancel.json, docs/run-store.md "Sweeps"). */
export interface SweepCancel {
  readonly schemaVersion: number;
  /** ISO-8601 time of the cancel. */
  readonly cancelledAt: string;
  /** How many executions sweep.json listed when it ran: it stopped those; a resume after it appends one it did not stop. */
  readonly executions: number;
}

/** True when `cancel` stopped the sweep's last execution, so nothing will start the runs that have not started. */
export function lastExecutionCancelled(record: Pick<SweepRecord, 'executions'>, cancel: SweepCancel | undefined): boolean {
  const executions = record.executions?.length ?? 0;
  return cancel !== undefined && executions > 0 && cancel.executions >= executions;
}

/** Each index's state, where a cancelled sweep's runs that never started (no record, or queued) read `cancelled`. */
export function statesAfterCancel(states: readonly SweepRunState[], cancelled: boolean): SweepRunState[] {
  return cancelled ? states.map((s) => (s === undefined || s === 'queued' ? 'cancelled' : s)) : [...states];
}

/** Counts of a sweep's runs by state (`notStarted`: no record yet, or `queued`), its status, and how many ended. */
export interface SweepProgress {
  readonly status: SweepStatus;
  readonly total: number;
  /** Runs that ended, however they ended (the "n" of "n of N done"). */
  readonly finished: number;
  readonly counts: Readonly<Record<Exclude<RunStatus, 'queued'> | 'notStarted', number>>;
}

/**
 * The sweep's progress from its runs' states by index. `active` says whether something may still
 * start the runs that have not started (the local pool is alive, the SLURM array job is queued);
 * `cancelled` (lastExecutionCancelled) that its last execution was cancelled: its runs not started
 * then count as cancelled and nothing is active, whatever a queue still lists.
 * Rules, first match wins: every run not started and active → `queued`; a run `running`, or runs not
 * started while active → `running`; every run completed or diverged (an outcome of the numerics,
 * which a rerun repeats) → `completed`; a run cancelled → `cancelled`; none completed or diverged →
 * `failed`; else `partial` (some are failed, interrupted, or will not be started).
 */
export function sweepStatus(states: readonly SweepRunState[], active: boolean, cancelled = false): SweepProgress {
  const live = active && !cancelled;
  const counts = { notStarted: 0, running: 0, completed: 0, diverged: 0, failed: 0, cancelled: 0, interrupted: 0 };
  for (const state of statesAfterCancel(states, cancelled)) counts[state === undefined || state === 'queued' ? 'notStarted' : state]++;
  const total = states.length;
  const finished = total - counts.notStarted - counts.running;
  const done = counts.completed + counts.diverged;
  let status: SweepStatus;
  if (live && counts.notStarted === total) status = 'queued';
  else if (counts.running > 0 || (live && counts.notStarted > 0)) status = 'running';
  else if (done === total) status = 'completed';
  else if (counts.cancelled > 0) status = 'cancelled';
  else if (done === 0) status = 'failed';
  else status = 'partial';
  return { status, total, finished, counts };
}

/**
 * The indices `--resume` reruns: runs not started, failed, cancelled or interrupted. Completed and
 * diverged runs are kept (a rerun would repeat them); a running one is left to its writer.
 */
export function indicesToResume(states: readonly SweepRunState[]): number[] {
  const out: number[] = [];
  for (const [i, state] of states.entries()) {
    if (state === undefined || state === 'queued' || state === 'failed' || state === 'cancelled' || state === 'interrupted') out.push(i);
  }
  return out;
}
