// What SLURM says about a sweep's array job, read from `scontrol -o show job <id>` or `squeue -h -r
// -j <id> -o '%i|%T|%r|%N'`, and, once the controller has forgotten the job (MinJobAge), from its
// accounting, `sacct -n -P -X -j <id> --format=JobID,State` (docs/sweeps.md, "On a SLURM cluster"):
// the state of each array task by task id, which is the sweep index. Pure text parsing; the CLI runs
// the commands.

/** One array task as SLURM reports it. */
export interface SlurmTask {
  /** The array task id: the sweep index. */
  readonly index: number;
  /** SLURM's job state: `PENDING`, `RUNNING`, `COMPLETED`, `CANCELLED`, `FAILED`, `TIMEOUT`, … */
  readonly state: string;
  /** Why it waits (`JobArrayTaskLimit`, `Resources`, `Priority`); absent when SLURM says `None`. */
  readonly reason?: string;
  /** The node it runs on, once it runs. */
  readonly node?: string;
}

/** The squeue format `parseSqueue` reads: task id, state, reason, node list. */
export const SQUEUE_FORMAT = '%i|%T|%r|%N';

/** Job states after which a task neither runs nor will (the others, PENDING, RUNNING, COMPLETING, SUSPENDED, …, are live). */
const ENDED = new Set(['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'SPECIAL_EXIT', 'REVOKED']);

/** The bare state of SLURM's spellings `CANCELLED by 1000` (sacct, some squeue formats) and `CANCELLED+` (a cut sacct column). */
export function baseState(state: string): string {
  return state.trim().split(/\s/)[0]!.replace(/\+$/, '');
}

/** Whether a task in `state` is pending or running (may still write its run). */
export function isLiveState(state: string): boolean {
  return !ENDED.has(baseState(state));
}

/**
 * The task ids of an `ArrayTaskId` value: `3`, `4-5%2`, `1,3,5-7`, `0-15:4` (a step); throws on
 * text that is none of these (the caller says which command printed it).
 */
export function expandTaskIds(text: string): number[] {
  const body = text.replace(/%\d+$/, '');
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) throw new Error(`'${text}' is not a SLURM array task list`);
    const first = Number(m[1]);
    const last = m[2] !== undefined ? Number(m[2]) : first;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (last < first || step < 1) throw new Error(`'${text}' is not a SLURM array task list`);
    for (let x = first; x <= last; x += step) out.push(x);
  }
  return out;
}

/** The value of `Key=` in one `scontrol -o` line (the first one: paths later on the line may hold anything). */
function field(line: string, key: string): string | undefined {
  return new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(line)?.[1];
}

/**
 * The tasks of array job `jobId` in `scontrol -o show job <jobId>` output (one line per task, the
 * pending remainder as one line with a task range), by index. Lines of other jobs, and of jobs that
 * are not arrays, are skipped.
 */
export function parseScontrolJobs(text: string, jobId: string): Map<number, SlurmTask> {
  const tasks = new Map<number, SlurmTask>();
  for (const line of text.split('\n')) {
    if (field(line, 'ArrayJobId') !== jobId) continue;
    const ids = field(line, 'ArrayTaskId');
    const state = field(line, 'JobState');
    if (ids === undefined || state === undefined) continue;
    const reason = field(line, 'Reason');
    const node = field(line, 'NodeList');
    for (const index of expandTaskIds(ids)) {
      tasks.set(index, { index, state, ...(reason !== undefined && reason !== 'None' ? { reason } : {}), ...(node !== undefined && node !== '' && node !== '(null)' ? { node } : {}) });
    }
  }
  return tasks;
}

/**
 * The tasks of array job `jobId` in `squeue -h -r -j <jobId> -o '%i|%T|%r|%N'` output: lines
 * `<job>_<task>|STATE|reason|node` (`<job>_[4-5%2]` for a pending range), by index.
 */
export function parseSqueue(text: string, jobId: string): Map<number, SlurmTask> {
  const tasks = new Map<number, SlurmTask>();
  for (const line of text.split('\n')) {
    const [id, state, reason, node] = line.trim().split('|');
    if (id === undefined || state === undefined || !id.startsWith(`${jobId}_`)) continue;
    const ids = id.slice(jobId.length + 1).replace(/^\[(.*)\]$/, '$1');
    for (const index of expandTaskIds(ids)) {
      tasks.set(index, { index, state, ...(reason !== undefined && reason !== '' && reason !== 'None' ? { reason } : {}), ...(node !== undefined && node !== '' ? { node } : {}) });
    }
  }
  return tasks;
}

/** The sacct arguments `parseSacct` reads the answer of: one line per array task (no steps: -X), no header, `|`-separated. */
export function sacctArgs(jobId: string): string[] {
  return ['-n', '-P', '-X', '-j', jobId, '--format=JobID,State'];
}

/**
 * The tasks of array job `jobId` in `sacct -n -P -X -j <jobId> --format=JobID,State` output: lines
 * `<job>_<task>|STATE` (`<job>_[2-5]` for tasks that never left the queue as one record, a `%K` cap
 * possibly inside), by index, the state bare (`CANCELLED by 0` reads `CANCELLED`). The accounting
 * keeps what the controller forgets, so this is what a finished job says after MinJobAge. A later
 * line for the same task (a requeue) wins. Lines that are not a task of this array (steps, other
 * jobs, a plain job, an error text) are skipped, never thrown on: accounting is a best effort.
 */
export function parseSacct(text: string, jobId: string): Map<number, SlurmTask> {
  const tasks = new Map<number, SlurmTask>();
  for (const line of text.split('\n')) {
    const [id, state] = line.trim().split('|');
    if (id === undefined || state === undefined || state.trim() === '' || !id.startsWith(`${jobId}_`)) continue;
    const ids = id.slice(jobId.length + 1).replace(/^\[(.*)\]$/, '$1');
    let indices: number[];
    try {
      indices = expandTaskIds(ids);
    } catch {
      continue; // `1234_0.batch` and the like
    }
    for (const index of indices) tasks.set(index, { index, state: baseState(state) });
  }
  return tasks;
}

/** `sbatch --parsable`'s answer, `<job id>` or `<job id>;<cluster>`, as the job id; throws when it is not one. */
export function parseSbatchJobId(stdout: string): string {
  const id = stdout.trim().split('\n').pop()?.split(';')[0]?.trim() ?? '';
  if (!/^\d+$/.test(id)) throw new Error(`sbatch --parsable printed '${stdout.trim()}', not a job id`);
  return id;
}

/** `MaxArraySize` from `scontrol show config` (the largest array task id is one less), or undefined when absent. */
export function parseMaxArraySize(config: string): number | undefined {
  const m = /^\s*MaxArraySize\s*=\s*(\d+)/m.exec(config);
  return m ? Number(m[1]) : undefined;
}

/** Counts by state, `2 RUNNING, 5 PENDING`, most first, then by name. */
export function countStates(tasks: Iterable<SlurmTask>): { state: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  return [...counts].map(([state, count]) => ({ state, count })).sort((a, b) => b.count - a.count || (a.state < b.state ? -1 : 1));
}
