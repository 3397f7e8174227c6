// A sweep's status, derived from its runs' statuses and never written by the runs: concurrent runs
// (a local pool, a SLURM array on many hosts) each write only their own record (issue 15).
import type { RunStatus } from '../protocol/metrics';
import type { SweepRunState, SweepStatus } from '../protocol/sweep';

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
 * start the runs that have not started (the local pool is alive, the SLURM array job is queued).
 * Rules, first match wins: every run not started and active → `queued`; a run `running`, or runs not
 * started while active → `running`; every run completed or diverged (an outcome of the numerics,
 * which a rerun repeats) → `completed`; a run cancelled → `cancelled`; none completed or diverged →
 * `failed`; else `partial` (some are failed, interrupted, or will not be started).
 */
export function sweepStatus(states: readonly SweepRunState[], active: boolean): SweepProgress {
  const counts = { notStarted: 0, running: 0, completed: 0, diverged: 0, failed: 0, cancelled: 0, interrupted: 0 };
  for (const state of states) counts[state === undefined || state === 'queued' ? 'notStarted' : state]++;
  const total = states.length;
  const finished = total - counts.notStarted - counts.running;
  const done = counts.completed + counts.diverged;
  let status: SweepStatus;
  if (active && counts.notStarted === total) status = 'queued';
  else if (counts.running > 0 || (active && counts.notStarted > 0)) status = 'running';
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
