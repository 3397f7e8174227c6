// `bilevel sweep --executor slurm` (docs/sweeps.md, "On a SLURM cluster"): the sweep's runs.jsonl is
// already in its folder; this writes sweep.sbatch there (array task i runs index i, sweepScript.ts),
// submits it with `sbatch --parsable`, records the job id as the sweep's execution and returns, or
// with `--wait` follows the runs in the store and the job in SLURM's queue to the end. `--emit-only`
// writes the files and prints the sbatch command instead. Also what `sweep status` and `sweep cancel`
// ask SLURM about a sweep's jobs.
import { chmodSync, realpathSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messageOf } from '../../common/messageOf';
import type { SweepExecution, SweepRecord, SweepRunState } from '../../protocol/sweep';
import { stringifyRecord } from '../../store/recordJson';
import { SweepStore } from '../../store/sweepStore';
import { countStates, isLiveState } from '../../sweep/slurmQueue';
import { formatArraySpec, shQuote, slurmScript } from '../../sweep/slurmScript';
import { sweepStatus } from '../../sweep/sweepStatus';
import type { CliIo } from '../cliIo';
import { stoppedExitCode } from '../cliIo';
import type { ParsedArgs } from '../parseArgs';
import { maxArraySize, queryJob, requireSbatch, sbatch } from '../slurmTools';
import type { SlurmJobView } from '../slurmTools';
import { formatCounts } from '../sweepResults';
import { UsageError } from '../usageError';

/** The batch script's name in the sweep folder (rewritten by each submission: a resume's holds only its indices). */
export const SBATCH_FILE = 'sweep.sbatch';
/** Each array task's stdout and stderr, in the sweep folder (`%A` the array job id, `%a` the task id). */
export const SLURM_OUTPUT = 'slurm-%A_%a.out';

/** `--executor`: `local` (default), the pool of worker processes; `slurm`, one array job. */
const EXECUTORS = ['local', 'slurm'] as const;
export type Executor = (typeof EXECUTORS)[number];

/** Flags only `--executor slurm` takes. */
export const SLURM_ONLY_FLAGS = ['max-concurrent', 'sbatch-arg', 'wait', 'emit-only', 'node', 'cli'] as const;
/** Flags only the local pool takes. */
const LOCAL_ONLY_FLAGS = ['jobs', 'workers'] as const;

/** How a sweep goes to SLURM. */
export interface SlurmSettings {
  readonly maxConcurrent?: number;
  readonly sbatchArgs: readonly string[];
  /** The node binary and the bilevel CLI the tasks run (default: this process's). */
  readonly node: string;
  readonly cli: string;
  readonly wait: boolean;
  readonly emitOnly: boolean;
}

/** How often `--wait` reads the store and asks SLURM (ms); BILEVEL_SLURM_POLL_MS overrides it (tests). */
function pollMs(): number {
  const given = Number(process.env.BILEVEL_SLURM_POLL_MS);
  return Number.isFinite(given) && given >= 100 ? given : 3000;
}

/** `--executor local|slurm` (default local); refuses the flags of the other executor. */
export function readExecutor(flags: ReadonlyMap<string, string>): Executor {
  const text = flags.get('executor') ?? 'local';
  const executor = EXECUTORS.find((e) => e === text);
  if (executor === undefined) throw new UsageError(`--executor takes local (worker processes on this machine) or slurm (one SLURM array job), got '${text}'`);
  const wrong = executor === 'local' ? SLURM_ONLY_FLAGS : LOCAL_ONLY_FLAGS;
  for (const flag of wrong) {
    if (flags.has(flag)) {
      throw new UsageError(executor === 'local' ? `--${flag} is for --executor slurm (the sweep runs on this machine without it)` : `--${flag} is for the local pool; with --executor slurm SLURM runs the tasks (cap them with --max-concurrent K, size them with --sbatch-arg)`);
    }
  }
  return executor;
}

/** The `--executor slurm` flags, checked; the node and CLI default to this process's own (absolute, links resolved). */
export function readSlurmSettings(args: ParsedArgs): SlurmSettings {
  const flags = args.flags;
  const on = (flag: string): boolean => flags.has(flag) && flags.get(flag) !== 'false';
  const capText = flags.get('max-concurrent');
  if (capText !== undefined && (!/^\d+$/.test(capText) || Number(capText) < 1)) throw new UsageError(`--max-concurrent takes a whole number ≥ 1 (array tasks at once), got '${capText}'`);
  if (on('wait') && on('emit-only')) throw new UsageError('--wait and --emit-only contradict each other: --emit-only submits nothing to wait for');
  const file = (flag: 'node' | 'cli', fallback: string): string => {
    const given = flags.get(flag);
    if (given === '') throw new UsageError(`--${flag} needs a path, e.g. --${flag} ${fallback}`);
    return given !== undefined ? path.resolve(given) : fallback;
  };
  const entry = process.argv[1] ?? '';
  let cli = path.resolve(entry);
  try {
    cli = realpathSync(entry);
  } catch {
    // The running script always exists; a test harness may say otherwise. Keep the resolved path.
  }
  return {
    ...(capText !== undefined ? { maxConcurrent: Number(capText) } : {}),
    sbatchArgs: args.repeated.get('sbatch-arg') ?? [],
    node: file('node', process.execPath),
    cli: file('cli', cli),
    wait: on('wait'),
    emitOnly: on('emit-only'),
  };
}

/**
 * Submits `indices` of the recorded sweep as one array job (or with --emit-only writes the script
 * and prints the command), adds the execution to sweep.json, and with --wait follows it to its end.
 * Returns the exit code: 0 once submitted; with --wait, 0 when every submitted run completed or diverged, else 1.
 */
export async function runOnSlurm(
  run: { record: SweepRecord; indices: readonly number[]; store: string; backend: string; json: boolean },
  settings: SlurmSettings,
  io: CliIo,
  summary: (record: SweepRecord) => number,
): Promise<number> {
  const { indices, store, json } = run;
  const sweeps = new SweepStore(store);
  const dir = sweeps.dirOf(run.record.id);
  const script = path.join(dir, SBATCH_FILE);
  const array = formatArraySpec(indices, settings.maxConcurrent);
  const text = slurmScript({
    sweepId: run.record.id,
    indices,
    ...(settings.maxConcurrent !== undefined ? { maxConcurrent: settings.maxConcurrent } : {}),
    sbatchArgs: settings.sbatchArgs,
    node: settings.node,
    cli: settings.cli,
    runsJsonl: sweeps.runsJsonlOf(run.record.id),
    store,
    output: path.join(dir, SLURM_OUTPUT),
    backend: run.backend,
  });
  writeFileSync(script, text);
  chmodSync(script, 0o755);
  const startedAt = new Date().toISOString();
  const command = `sbatch --parsable ${shQuote(script)}`;
  if (settings.emitOnly) {
    const record = withExecution(run.record, { kind: 'slurm', startedAt, indices, hostname: os.hostname() });
    sweeps.writeRecord(record);
    if (json) io.stdout.write(stringifyRecord({ sweep: record.id, script, runsJsonl: sweeps.runsJsonlOf(record.id), indices, array, command }) + '\n');
    else {
      io.stderr.write(`sweep ${record.id}: wrote ${indices.length} array tasks (--array=${array}) to ${script}\n`);
      io.stdout.write(`${command}\n`);
    }
    return 0;
  }
  const limit = maxArraySize();
  const highest = Math.max(...indices);
  if (limit !== undefined && highest >= limit) {
    throw new UsageError(`this cluster's MaxArraySize is ${limit} (task ids 0–${limit - 1}), and the sweep has index ${highest}; ask for a larger MaxArraySize, or run it in parts (--emit-only and edit --array)`);
  }
  let jobId: string;
  try {
    jobId = sbatch(script);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${(err as Error).message}\nthe sweep is recorded (${dir}); submit it again with: bilevel sweep --resume ${run.record.id} --executor slurm --store ${shQuote(store)}`);
  }
  const record = withExecution(run.record, { kind: 'slurm', startedAt, indices, hostname: os.hostname(), jobId });
  sweeps.writeRecord(record);
  if (!settings.wait) {
    if (json) io.stdout.write(stringifyRecord({ sweep: record.id, jobId, indices, array, script }) + '\n');
    else {
      io.stderr.write(`sweep ${record.id}: submitted ${indices.length} runs as SLURM job ${jobId} (--array=${array})\n`);
      io.stderr.write(`follow it: bilevel sweep status ${record.id} --store ${shQuote(store)}   cancel it: bilevel sweep cancel ${record.id} --store ${shQuote(store)}\n`);
      io.stdout.write(`${jobId}\n`);
    }
    return 0;
  }
  if (!json) io.stderr.write(`sweep ${record.id}: submitted ${indices.length} runs as SLURM job ${jobId} (--array=${array}); waiting (Ctrl-C stops waiting, not the job)\n`);
  const followed = await follow(record, jobId, indices, store, io, json);
  if (!followed) {
    if (!json) io.stderr.write(`\nstopped waiting; SLURM job ${jobId} goes on (bilevel sweep status ${record.id}, bilevel sweep cancel ${record.id})\n`);
    return stoppedExitCode(io);
  }
  return summary(record);
}

/** `record` with one more execution. */
function withExecution(record: SweepRecord, execution: SweepExecution): SweepRecord {
  return { ...record, executions: [...(record.executions ?? []), execution] };
}

/**
 * Waits until SLURM no longer runs or queues a task of `jobId` and no submitted run still reads
 * `running` (a cancelled task's run ends after its iteration; SIGKILL comes KillWait later), drawing
 * a progress line from the store and the queue; false when a stop request ended the wait first.
 */
async function follow(record: SweepRecord, jobId: string, indices: readonly number[], store: string, io: CliIo, json: boolean): Promise<boolean> {
  const sweeps = new SweepStore(store);
  let last = '';
  let settleUntil: number | undefined;
  for (;;) {
    if (io.interrupted()) return false;
    let view: SlurmJobView | undefined;
    try {
      // Only whether tasks are live matters here: a job the controller forgot has none, so its accounting is not asked every poll.
      view = queryJob(jobId, false);
    } catch (err) {
      // A controller that does not answer for a moment (a busy cluster) is asked again at the next poll.
      if (!json) io.stderr.write(`${io.stderr.isTTY ? '\n' : ''}bilevel: note: ${messageOf(err)}; asking again\n`);
      await new Promise((resolve) => setTimeout(resolve, pollMs()));
      continue;
    }
    const states = sweeps.states(record);
    const mine = indices.map((i) => states[i]);
    const line = progressLine(mine, view);
    if (!json && line !== last) {
      io.stderr.write(io.stderr.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
      last = line;
    }
    const live = view !== undefined && !view.gone && [...view.tasks.values()].some((t) => isLiveState(t.state));
    if (!live) {
      // What SLURM has let go may still be finishing its record (a cancelled run writes `cancelled` after its iteration).
      if (!mine.includes('running')) break;
      settleUntil ??= Date.now() + 40_000;
      if (Date.now() > settleUntil) break;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs()));
  }
  if (!json && io.stderr.isTTY) io.stderr.write('\n');
  return true;
}

/** `sweep: 5 of 8 done (5 completed), 2 running · SLURM job 12: 2 RUNNING, 1 PENDING`. */
export function progressLine(states: readonly SweepRunState[], view: SlurmJobView | undefined): string {
  const p = sweepStatus(states, true);
  const running = p.counts.running;
  const { running: _r, notStarted: _n, ...ended } = p.counts;
  const done = formatCounts(ended);
  return `sweep: ${p.finished} of ${p.total} done${done !== '' ? ` (${done})` : ''}, ${running} running · ${slurmSummary(view)}`;
}

/**
 * `SLURM job 12: 2 RUNNING, 1 PENDING (JobArrayTaskLimit)`, `SLURM job 12: no longer in the queue`
 * (`; its accounting (sacct): 4 CANCELLED` when sacct told its tasks), or that SLURM cannot be asked.
 */
export function slurmSummary(view: SlurmJobView | undefined, jobId?: string): string {
  if (view === undefined) return `SLURM job ${jobId ?? '?'}: no scontrol or squeue on PATH`;
  const tasks = [...view.tasks.values()];
  if (view.gone) {
    const accounted = view.source === 'sacct' && tasks.length > 0 ? `; its accounting (sacct): ${countStates(tasks).map(({ state, count }) => `${count} ${state}`).join(', ')}` : '';
    return `SLURM job ${view.jobId}: no longer in the queue${accounted}`;
  }
  const reasons = [...new Set(tasks.filter((t) => t.state === 'PENDING' && t.reason !== undefined).map((t) => t.reason!))];
  const counts = countStates(tasks).map(({ state, count }) => `${count} ${state}${state === 'PENDING' && reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`);
  return `SLURM job ${view.jobId}: ${counts.length > 0 ? counts.join(', ') : 'no tasks listed'}`;
}

/** The SLURM executions of `record` with a job id, each with what SLURM says of it (queryJob: the queue, else the accounting); undefined when none has a job id. */
export function slurmViews(record: SweepRecord): { execution: SweepExecution; view: SlurmJobView | undefined }[] | undefined {
  const executions = (record.executions ?? []).filter((e) => e.kind === 'slurm' && e.jobId !== undefined);
  if (executions.length === 0) return undefined;
  return executions.map((execution) => ({ execution, view: queryJob(execution.jobId!) }));
}

/** Whether any of the views has a task that is pending or running. */
export function slurmActive(views: readonly { view: SlurmJobView | undefined }[] | undefined): boolean {
  return (views ?? []).some(({ view }) => view !== undefined && !view.gone && [...view.tasks.values()].some((t) => isLiveState(t.state)));
}

/** Throws unless sbatch can be run (unless only the files are wanted). */
export function checkSubmittable(settings: SlurmSettings): void {
  if (!settings.emitOnly) requireSbatch();
}
