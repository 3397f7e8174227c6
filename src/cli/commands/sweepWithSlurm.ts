// A sweep as every CLI reader derives it (`sweep status`, `sweep list`, the report, `--resume`): its
// store entry with what SLURM says of its array jobs folded in (tasks still queued keep it active; a
// task SLURM reports CANCELLED, from its queue or its accounting, keeps that run from reading "not
// started"), so that they all agree. The store alone (sweepStore.ts) cannot ask SLURM.
import type { SweepExecution, SweepRecord } from '../../protocol/sweep';
import type { SweepEntry } from '../../store/sweepStore';
import { poolAlive, SweepStore, sweepEntry } from '../../store/sweepStore';
import { slurmCancelledIndices } from '../../sweep/sweepStatus';
import type { SlurmJobView } from '../slurmTools';
import { slurmActive, slurmViews } from './sweepSlurm';

/** A sweep's entry with SLURM's word, the SLURM views it was derived from, and the runs SLURM's CANCELLED kept from starting. */
export interface SweepWithSlurm {
  readonly entry: SweepEntry;
  /** Per SLURM execution with a job id, what SLURM said (undefined: SLURM was not asked, or the sweep has none). */
  readonly views?: readonly { execution: SweepExecution; view: SlurmJobView | undefined }[];
  /** The indices whose runs never started and read cancelled because SLURM reports their task CANCELLED (no recorded cancel covers them). */
  readonly cancelledBySlurm: readonly number[];
}

/**
 * Whether SLURM may change what the store alone says of `entry` (derived without SLURM): the sweep
 * has a SLURM execution with a job id, no recorded cancel covers its last execution, and a run has
 * not started. Otherwise every run has a record (or a recorded cancel decides), and neither a queued
 * task nor a CANCELLED one changes a state or the status; such a sweep is settled and SLURM is not
 * asked, so `sweep list` spends no squeue or sacct on old sweeps.
 */
export function slurmMayChange(entry: SweepEntry): boolean {
  const jobs = (entry.record.executions ?? []).some((e) => e.kind === 'slurm' && e.jobId !== undefined);
  return jobs && entry.cancel === undefined && entry.states.some((s) => s === undefined || s === 'queued');
}

/**
 * Sweep `record`'s entry with SLURM's view of its executions. SLURM is asked (scontrol or squeue, and
 * sacct for a job the controller forgot; slurmViews) when it may change the answer
 * ({@link slurmMayChange}), or always with `always` (`sweep status`, which shows the jobs). `plain`:
 * the entry the store already derived without SLURM (SweepStore.list), so it is not read again.
 */
export function sweepWithSlurm(sweeps: SweepStore, record: SweepRecord, options: { always?: boolean; plain?: SweepEntry } = {}): SweepWithSlurm {
  const cancel = options.plain !== undefined ? options.plain.cancel : sweeps.readCancel(record.id);
  const plain = options.plain ?? sweeps.entry(record, poolAlive(record), cancel);
  if (!options.always && !slurmMayChange(plain)) return { entry: plain, cancelledBySlurm: [] };
  const views = slurmViews(record);
  if (views === undefined) return { entry: plain, cancelledBySlurm: [] };
  // A recorded cancel (sweep cancel) wins over a queue that still lists the job: its runs that never
  // started read cancelled and nothing is active, whatever SLURM says, so the plain entry stands.
  if (plain.cancel !== undefined) return { entry: plain, views, cancelledBySlurm: [] };
  const tasksOf = new Map(views.map(({ execution, view }) => [execution, view?.tasks]));
  const slurmCancelled = slurmCancelledIndices(record.executions, (execution) => tasksOf.get(execution));
  // Without a recorded cancel plain.states are the runs' states as stored, so they are not read again.
  // SLURM's own CANCELLED (a bare scancel) says its never-started tasks are cancelled.
  const entry = sweepEntry(record, plain.states, poolAlive(record) || slurmActive(views), cancel, slurmCancelled);
  const cancelledBySlurm = plain.states.flatMap((s, i) => ((s === undefined || s === 'queued') && entry.states[i] === 'cancelled' ? [i] : []));
  return { entry, views, cancelledBySlurm };
}
