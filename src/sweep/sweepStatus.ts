// A sweep's status, derived from its runs' statuses and never written by the runs: concurrent runs
// (a local pool, a SLURM array on many hosts) each write only their own record (issue 15). A cancel
// (`bilevel sweep cancel`) is the one fact about a sweep no run record can hold, since the runs it
// stopped before they started never write one: it is kept beside sweep.json (cancel.json) and read here.
// A bare `scancel` leaves no cancel.json; SLURM's own CANCELLED for an array task, where a reader can
// ask SLURM (the CLI), says the same of that task's run.
import type { RunStatus } from '../protocol/metrics';
import type { SweepExecution, SweepRecord, SweepRunState, SweepStatus } from '../protocol/sweep';

/** What `bilevel sweep cancel` (or the history's Cancel Sweep of its window's sweep) keeps in the sweep's folder (cancel.json, docs/run-store.md "Sweeps"). */
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

/**
 * Which of a sweep's runs a cancel kept from starting: every one not started (`true`: a recorded
 * cancel of its last execution, lastExecutionCancelled), those of the indices in the set (SLURM
 * reports their array tasks cancelled: slurmCancelledIndices), or none (`false`).
 */
export type CancelledRuns = boolean | ReadonlySet<number>;

/** Each index's state, where a run a cancel kept from starting (no record, or queued, at a cancelled index) reads `cancelled`. */
export function statesAfterCancel(states: readonly SweepRunState[], cancelled: CancelledRuns): SweepRunState[] {
  if (cancelled === false) return [...states];
  return states.map((s, i) => ((s === undefined || s === 'queued') && (cancelled === true || cancelled.has(i)) ? 'cancelled' : s));
}

/**
 * The indices whose array task SLURM itself reports CANCELLED (scontrol or squeue, or sacct once the
 * controller forgot the job; a bare `scancel` records nothing else), each judged by the last
 * execution that holds it, since a resume (a new job, or a local pool) takes over the indices it reruns. `tasksOf` gives a SLURM execution's tasks by
 * index as SLURM listed them, or undefined when SLURM cannot say (none of its indices counts then).
 */
export function slurmCancelledIndices(
  executions: readonly SweepExecution[] | undefined,
  tasksOf: (execution: SweepExecution) => ReadonlyMap<number, { readonly state: string }> | undefined,
): Set<number> {
  const out = new Set<number>();
  for (const execution of executions ?? []) {
    const tasks = execution.kind === 'slurm' ? tasksOf(execution) : undefined;
    for (const index of execution.indices) {
      // `CANCELLED by <uid>` is how sacct and some squeue formats spell it.
      const state = tasks?.get(index)?.state;
      if (state !== undefined && /^CANCELLED\b/.test(state)) out.add(index);
      else out.delete(index);
    }
  }
  return out;
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
 * `cancelled` which runs a cancel kept from starting ({@link CancelledRuns}): they count as cancelled;
 * when it is `true` (its last execution was cancelled) nothing is active, whatever a queue still lists.
 * Rules, first match wins: every run not started and active → `queued`; a run `running`, or runs not
 * started while active → `running`; every run completed or diverged (an outcome of the numerics,
 * which a rerun repeats) → `completed`; a run cancelled → `cancelled`; none completed or diverged →
 * `failed`; else `partial` (some are failed, interrupted, or will not be started).
 */
export function sweepStatus(states: readonly SweepRunState[], active: boolean, cancelled: CancelledRuns = false): SweepProgress {
  // A cancel of some tasks (SLURM's per task) leaves the others as `active` says.
  const live = active && cancelled !== true;
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
