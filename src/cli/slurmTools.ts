// The SLURM commands `bilevel sweep --executor slurm`, `sweep status`, `sweep list` and `sweep cancel`
// run: sbatch, scontrol, squeue, sacct and scancel from PATH, each to its end (they answer in
// milliseconds). What they print is parsed by src/sweep/slurmQueue.ts.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { parseMaxArraySize, parseSacct, parseSbatchJobId, parseScontrolJobs, parseSqueue, sacctArgs, SQUEUE_FORMAT } from '../sweep/slurmQueue';
import type { SlurmTask } from '../sweep/slurmQueue';
import { UsageError } from './usageError';

/** The full path of executable `name` on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Throws a UsageError unless sbatch is on PATH, saying where SLURM commands run and that --emit-only exists. */
export function requireSbatch(): void {
  if (findOnPath('sbatch') === undefined) {
    throw new UsageError('--executor slurm: sbatch is not on PATH; run bilevel on a SLURM login node (sinfo, sbatch, squeue), or give --emit-only to write runs.jsonl and sweep.sbatch and print the sbatch command to run yourself');
  }
}

function run(command: string, args: readonly string[], timeout = 60_000): { code: number | null; stdout: string; stderr: string; missing: boolean } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { code: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error && !missing ? r.error.message : ''), missing };
}

/** Submits `script` with `sbatch --parsable`; returns the job id, or throws with sbatch's own message. */
export function sbatch(script: string): string {
  const r = run('sbatch', ['--parsable', script]);
  if (r.missing) requireSbatch();
  if (r.code !== 0) throw new Error(`sbatch --parsable ${script} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return parseSbatchJobId(r.stdout);
}

/** The cluster's MaxArraySize (`scontrol show config`), or undefined when it cannot be read. */
export function maxArraySize(): number | undefined {
  const r = run('scontrol', ['show', 'config']);
  return r.code === 0 ? parseMaxArraySize(r.stdout) : undefined;
}

/** What SLURM knows of an array job: its tasks by index (`gone` when the controller no longer knows the job), or undefined when neither scontrol nor squeue is on PATH. */
export interface SlurmJobView {
  readonly jobId: string;
  /** The tasks as the queue lists them; for a `gone` job, as SLURM's accounting (sacct) keeps them, or none. */
  readonly tasks: ReadonlyMap<number, SlurmTask>;
  readonly gone: boolean;
  /** Which command answered (`sacct`: the job is gone and the accounting told its tasks). */
  readonly source: 'scontrol' | 'squeue' | 'sacct';
}

/**
 * The tasks of array job `jobId`: from `scontrol -o show job` (which still lists finished tasks for
 * `MinJobAge`, 300 s by default), else from `squeue` (pending and running ones). An unknown job id
 * is `gone`; then, unless `accounting` is false, SLURM's accounting (`sacct`) gives its tasks' final
 * states, which it keeps long after the controller forgets them.
 */
export function queryJob(jobId: string, accounting = true): SlurmJobView | undefined {
  const view = queryQueue(jobId);
  if (view?.gone !== true || !accounting) return view;
  const tasks = accountedTasks(jobId);
  return tasks === undefined ? view : { jobId, tasks, gone: true, source: 'sacct' };
}

function queryQueue(jobId: string): SlurmJobView | undefined {
  const sc = run('scontrol', ['-o', 'show', 'job', jobId]);
  if (!sc.missing) {
    if (sc.code === 0) return { jobId, tasks: parseScontrolJobs(sc.stdout, jobId), gone: false, source: 'scontrol' };
    if (/Invalid job id/i.test(sc.stderr)) return { jobId, tasks: new Map(), gone: true, source: 'scontrol' };
  }
  const sq = run('squeue', ['-h', '-r', '-j', jobId, '-o', SQUEUE_FORMAT]);
  if (sq.missing) {
    if (sc.missing) return undefined;
    throw new Error(`scontrol -o show job ${jobId} failed: ${sc.stderr.trim()}`);
  }
  if (sq.code !== 0 && /Invalid job id/i.test(sq.stderr)) return { jobId, tasks: new Map(), gone: true, source: 'squeue' };
  if (sq.code !== 0) throw new Error(`squeue -j ${jobId} failed (exit ${sq.code}): ${sq.stderr.trim()}`);
  const tasks = parseSqueue(sq.stdout, jobId);
  return { jobId, tasks, gone: tasks.size === 0, source: 'squeue' };
}

/**
 * The tasks of array job `jobId` in SLURM's accounting (`sacct -n -P -X -j <id> --format=JobID,State`),
 * or undefined when it cannot say: sacct not on PATH, failing (`sacct: error: Slurm accounting storage
 * is disabled`, a slurmdbd that does not answer within 20 s), or knowing no task of the job. Never
 * throws: the accounting only adds to what the queue said.
 */
export function accountedTasks(jobId: string): ReadonlyMap<number, SlurmTask> | undefined {
  const r = run('sacct', sacctArgs(jobId), 20_000);
  if (r.missing || r.code !== 0 || /accounting storage is disabled/i.test(r.stdout + r.stderr)) return undefined;
  const tasks = parseSacct(r.stdout, jobId);
  return tasks.size > 0 ? tasks : undefined;
}

/** Runs `scancel <target>` (a job id, or `<job>_<task>`); throws with scancel's message when it fails. */
export function scancel(target: string): void {
  const r = run('scancel', [target]);
  if (r.missing) throw new UsageError(`scancel is not on PATH: cancel job ${target} from a SLURM login node`);
  if (r.code !== 0) throw new Error(`scancel ${target} failed (exit ${r.code}): ${r.stderr.trim()}`);
}
