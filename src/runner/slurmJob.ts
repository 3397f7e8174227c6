// The SLURM job a run runs in, read from the environment its caller passes (never from process.env
// in here), so a test can hand in a fake job's environment.
import type { SlurmJobRef } from '../protocol/runRecord';

/** The environment variables a process sees, by name. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The job of `env` (SLURM_JOB_ID, SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID, SLURMD_NODENAME, the node
 * falling back to `hostname`), or undefined outside SLURM (no SLURM_JOB_ID). An array task id that
 * is not a whole number is left out rather than recorded wrong.
 */
export function slurmJobOf(env: Environment, hostname: string): SlurmJobRef | undefined {
  const jobId = env.SLURM_JOB_ID?.trim();
  if (!jobId) return undefined;
  const arrayJobId = env.SLURM_ARRAY_JOB_ID?.trim();
  const task = env.SLURM_ARRAY_TASK_ID?.trim();
  const node = env.SLURMD_NODENAME?.trim();
  return {
    jobId,
    ...(arrayJobId ? { arrayJobId } : {}),
    ...(task !== undefined && /^\d+$/.test(task) ? { arrayTaskId: Number(task) } : {}),
    node: node || hostname,
  };
}
