// `bilevel sweep`: one problem over methods × a grid of option values × seeds (docs/sweeps.md). The
// sweep is expanded here, recorded in the store (.sweeps/<id>/sweep.json and runs.jsonl), and run by
// a pool of --jobs lanes (runPool.ts), each with a worker process that runs many runs in turn
// (`bilevel run --spec runs.jsonl --serve`, serveRuns.ts), or with `--workers per-run` one process per
// run (`bilevel run --spec runs.jsonl --index i`); then one table per group of seeds with median
// [q20, q80] of every final metric. `--resume ID` reruns what did not end; `sweep status ID` and
// `sweep list` read progress (sweepStatusCommand.ts).
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_PROBLEMS, METHODS, RUN_OPTIONS } from '../../core';
import { messageOf } from '../../common/messageOf';
import type { ProblemSource } from '../../protocol/experiment';
import type { RunStatus } from '../../protocol/metrics';
import type { GridAxis, SweepExecution, SweepGroup, SweepRecord, SweepRun, SweepRunState, SweepSpec, SweepValue } from '../../protocol/sweep';
import { loadBuiltin } from '../../runner/loadProblem';
import { parseRecord, stringifyRecord } from '../../store/recordJson';
import { makeRunId } from '../../store/runId';
import { RunStore } from '../../store/runStore';
import { makeSweepId, SweepStore, SWEEPS_DIR } from '../../store/sweepStore';
import { catalogFor } from '../../sweep/coreCatalog';
import { expandSweep, groupKey } from '../../sweep/expandSweep';
import { parseSeeds } from '../../sweep/parseSeeds';
import { parseSetFlag } from '../../sweep/parseSetFlag';
import { formatRunsJsonl, makeSweepRecord } from '../../sweep/sweepRecord';
import { indicesToResume, sweepStatus } from '../../sweep/sweepStatus';
import type { CliIo } from '../cliIo';
import { stoppedExitCode } from '../cliIo';
import { readOptions } from '../commandFlags';
import { formatTable } from '../formatTable';
import type { ParsedArgs } from '../parseArgs';
import { ignoredFlags, prepareProblem, startBackend, storeDir } from '../prepareProblem';
import { resolveStoreDir } from '../resolveStoreDir';
import { RunWorker, runPool, startRunProcess } from '../runPool';
import { reportPath, writeSweepReportFile } from './sweepReport';
import type { WorkerRunOutcome } from '../runPool';
import { checkProblem } from '../specFile';
import { formatCounts, formatDropped, formatGroupTables, formatRunLine, sweepResults } from '../sweepResults';
import { sweepCancelCommand } from './sweepCancelCommand';
import { checkSubmittable, readExecutor, readSlurmSettings, runOnSlurm, SLURM_ONLY_FLAGS } from './sweepSlurm';
import type { Executor } from './sweepSlurm';
import { sweepWithSlurm } from './sweepWithSlurm';
import { sweepListCommand, sweepStatusCommand } from './sweepStatusCommand';
import { UsageError } from '../usageError';

/** Flags `--spec sweep.json` and `--resume ID` take: where and how to run, never what. */
const EXECUTOR_FLAGS = ['executor', 'jobs', 'workers', ...SLURM_ONLY_FLAGS];
const SPEC_FLAGS = new Set(['spec', ...EXECUTOR_FLAGS, 'json', 'store', 'backend', 'dry-run', 'name', 'report']);
const RESUME_FLAGS = new Set(['resume', ...EXECUTOR_FLAGS, 'json', 'store', 'backend', 'report']);

/** `--workers`: `reuse` (default), worker processes that each run many runs; `per-run`, one process per run. */
const WORKER_MODES = ['reuse', 'per-run'] as const;

/** How one run of the sweep ended, as its process reported it (or its record, when it printed nothing). */
interface Finished {
  readonly index: number;
  readonly status: RunStatus | undefined;
  readonly message?: string;
  /** Sent to a worker that was already stopping: never started, no record. */
  readonly notStarted?: true;
}

/** Runs `bilevel sweep`; returns the exit code (0: every run completed or diverged; 1: some did not; 128 + n: stopped). */
export async function sweepCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals[0] === 'status') return sweepStatusCommand(args, io);
  if (args.positionals[0] === 'list') return sweepListCommand(args, io);
  if (args.positionals[0] === 'cancel') return sweepCancelCommand(args, io);
  const flags = args.flags;
  const json = flags.has('json') && flags.get('json') !== 'false';
  const dryRun = flags.has('dry-run') && flags.get('dry-run') !== 'false';
  const jobs = parseJobs(flags.get('jobs'));
  const workers = parseWorkers(flags.get('workers'));
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' for 'sweep'; flags are written --name value (subcommands: sweep status ID, sweep list, sweep cancel ID)`);
  const resumeId = flags.get('resume');
  if (resumeId !== undefined) onlyFlags(flags, RESUME_FLAGS, '--resume');
  else if (flags.has('spec')) onlyFlags(flags, SPEC_FLAGS, '--spec');
  const executor = readExecutor(flags);
  const slurm = executor === 'slurm' ? readSlurmSettings(args) : undefined;
  // No sbatch: said before anything is written.
  if (slurm && !dryRun) checkSubmittable(slurm);
  const backendName = flags.get('backend') ?? 'wasm';
  // The backend is only checked here (a bad name fails before anything is written): the runs start it.
  if (!dryRun) await startBackend(new Map([['backend', backendName]]));

  let record: SweepRecord;
  let indices: number[];
  let store: string;
  const sweeps = (): SweepStore => new SweepStore(store);
  if (resumeId !== undefined) {
    if (resumeId === '') throw new UsageError('--resume needs a sweep id, e.g. --resume 20261206-030000-sweep-toy-ufom-ab12');
    store = resolveStoreDir(flags)!;
    let previous: SweepRecord;
    try {
      previous = sweeps().read(resumeId);
    } catch (err) {
      throw new UsageError(`--resume ${resumeId}: ${messageOf(err)}`);
    }
    // A SLURM job of the sweep that still has tasks queued or running keeps it active, as a live local pool does.
    const { entry } = sweepWithSlurm(sweeps(), previous);
    if (entry.progress.status === 'running' || entry.progress.status === 'queued') {
      throw new UsageError(`--resume ${resumeId}: the sweep is still ${entry.progress.status} (${entry.progress.counts.running} runs running); wait for it or stop it first (bilevel sweep cancel ${resumeId})`);
    }
    indices = indicesToResume(entry.states);
    record = resumed(previous, indices, store, executor);
    if (indices.length > 0) sweeps().write(record, formatRunsJsonl(record));
  } else {
    const spec = flags.has('spec') ? readSweepSpec(flags.get('spec')!, flags.get('name')) : specFromFlags(args, io);
    const runs = expandSweep(spec, catalogFor(spec.problem));
    if (dryRun) {
      io.stdout.write(json ? stringifyRecord({ problem: spec.problem, runs, total: runs.length }) + '\n' : formatDryRun(spec, runs) + '\n');
      return 0;
    }
    store = resolveStoreDir(flags)!;
    const now = new Date();
    const label = problemLabel(spec);
    const runIds = freshRunIds(runs.map((r) => r.method), label, store, now, new Set());
    const made = makeSweepRecord({ id: makeSweepId(label, now), createdAt: now.toISOString(), spec, runs, runIds });
    indices = runs.map((r) => r.index);
    // A SLURM execution is added once sbatch has answered with the job id (sweepSlurm.ts).
    record = executor === 'local' ? { ...made, executions: [execution(indices, now)] } : made;
    sweeps().create(record, formatRunsJsonl(record));
  }

  if (slurm) {
    if (indices.length === 0) return finish(record, store, [], args, io, json);
    return runOnSlurm({ record, indices, store, backend: backendName, json }, slurm, io, (submitted) => {
      const { states, messages } = sweepResults(submitted, store);
      const ended = indices.map((index) => ({ index, status: states[index], ...(messages[index] !== undefined ? { message: messages[index] } : {}) }));
      return finish(submitted, store, ended, args, io, json);
    });
  }

  const runsJsonl = sweeps().runsJsonlOf(record.id);
  if (!json) io.stderr.write(`sweep ${record.id}: ${indices.length} of ${record.runs.length} runs to run, ${Math.min(jobs, Math.max(1, indices.length))} at a time (${path.join(store, SWEEPS_DIR, record.id)})\n`);
  const running = new Set<ChildProcess>();
  const progress = new SweepProgressLine(io, json, indices.length);
  let forwarded = false;
  // A stop request (Ctrl-C, SIGTERM, a closed stdout) is looked for between runs and forwarded once
  // to every worker (every run process), whose run ends `cancelled` after its current iteration.
  const forward = (): void => {
    if (forwarded || !io.interrupted()) return;
    forwarded = true;
    for (const child of running) child.kill('SIGTERM');
  };
  const poll = setInterval(forward, 50);
  const entry = process.argv[1] ?? '';
  const lanes: (RunWorker | undefined)[] = [];
  // One worker per lane, started when the lane first needs one and again after one died.
  const workerOf = (slot: number): RunWorker => {
    const current = lanes[slot];
    if (current?.alive) return current;
    const fresh = new RunWorker({ entry, runsJsonl, store, backend: backendName });
    lanes[slot] = fresh;
    running.add(fresh.child);
    void fresh.gone.then(() => running.delete(fresh.child));
    return fresh;
  };
  const runOne = async (index: number, slot: number): Promise<Finished> => {
    if (workers === 'reuse') return workerOutcome(index, await workerOf(slot).run(index), record, store);
    const p = startRunProcess({ entry, runsJsonl, index, store, backend: backendName });
    running.add(p.child);
    const result = await p.done;
    running.delete(p.child);
    return outcomeOf(index, result, record, store);
  };
  let finished: { item: number; result: Finished }[];
  try {
    finished = await runPool(
      indices,
      jobs,
      async (index, slot) => {
        progress.started();
        const done = await runOne(index, slot);
        progress.finished(done, record.runs[index]!);
        return done;
      },
      () => io.interrupted(),
    );
  } finally {
    clearInterval(poll);
    await Promise.all(lanes.map((w) => w?.close()));
  }
  progress.end();
  return finish(
    record,
    store,
    finished.map((f) => f.result),
    args,
    io,
    json,
  );
}

/**
 * The end of a sweep run here or followed on SLURM: the summary (or the `--json` object), the report
 * when asked, and the exit code (0: every run completed or diverged; 1: not; 128 + n: stopped).
 */
function finish(record: SweepRecord, store: string, finished: readonly Finished[], args: ParsedArgs, io: CliIo, json: boolean): number {
  const flags = args.flags;
  const results = sweepResults(record, store);
  const { states, groups } = results;
  if (json) {
    io.stdout.write(
      stringifyRecord({
        sweep: record.id,
        runs: record.runs.map((run, i) => ({ runId: run.runId, index: run.index, method: run.method, seed: run.seed, options: run.options, status: states[i] ?? 'notStarted' })),
        groups,
      }) + '\n',
    );
  } else {
    io.stdout.write(formatSweepSummary(record, states, groups, finished, store) + '\n');
  }
  // The report covers what the store holds, a stopped sweep's finished runs included.
  const report = reportPath(flags);
  if (report !== undefined) io.stderr.write(`report: ${writeSweepReportFile(store, record.id, report, results).file}\n`);
  if (io.interrupted()) return stoppedExitCode(io);
  return sweepStatus(states, false).status === 'completed' ? 0 : 1;
}

/** `--jobs N` (a whole number ≥ 1), default the number of cores. */
function parseJobs(text: string | undefined): number {
  if (text === undefined) return os.availableParallelism();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--jobs takes a whole number ≥ 1 (runs at once), got '${text}'`);
  return Number(text);
}

/** `--workers reuse|per-run`, default reuse. */
function parseWorkers(text: string | undefined): (typeof WORKER_MODES)[number] {
  if (text === undefined) return 'reuse';
  const mode = WORKER_MODES.find((m) => m === text);
  if (mode === undefined) throw new UsageError(`--workers takes ${WORKER_MODES.join(' or ')} (reuse: worker processes that run many runs each; per-run: a process per run), got '${text}'`);
  return mode;
}

function onlyFlags(flags: ReadonlyMap<string, string>, allowed: ReadonlySet<string>, with_: string): void {
  for (const flag of flags.keys()) {
    if (!allowed.has(flag)) throw new UsageError(`--${flag} cannot be given with ${with_}: ${with_ === '--resume' ? 'the sweep record' : 'the spec file'} sets what runs (flags with ${with_}: ${[...allowed].map((f) => `--${f}`).join(', ')})`);
  }
}

/** The sweep the command line describes: --problem (and its parameters), --methods, --seeds, --set, option flags, --name. */
function specFromFlags(args: ParsedArgs, io: CliIo): SweepSpec {
  const flags = args.flags;
  if (flags.has('seed')) throw new UsageError('--seed is not taken by sweep: give the seeds with --seeds, e.g. --seeds 0-9');
  if (flags.has('preset')) throw new UsageError("--preset is not taken by sweep: give --problem and --methods (see bilevel presets for a preset's values)");
  const list = flags.get('methods');
  if (list === undefined || list.trim() === '') throw new UsageError(`'sweep' needs --methods a,b,…; valid methods: ${METHODS.map((m) => m.id).join(', ')}`);
  const prepared = prepareProblem('sweep', args);
  for (const flag of ignoredFlags(flags, prepared.methods)) {
    io.stderr.write(`bilevel: note: --${flag} applies to none of ${prepared.methods.map((m) => m.id).join(', ')}; ignored\n`);
  }
  const catalog = catalogFor(prepared.source);
  const grid: GridAxis[] = (args.repeated.get('set') ?? []).map((text) => parseSetFlag(text, catalog));
  // A swept problem parameter leaves the problem's own (which hold every default), unless also given as a flag.
  const swept = new Set<string>();
  for (const axis of grid.filter((a) => a.problem === true)) {
    if (flags.has(axis.flag)) throw new UsageError(`--${axis.flag} is given and also swept (--set ${axis.flag}=…); give it in one place`);
    swept.add(catalog.problemParams!.find((d) => d.flag === axis.flag)!.key);
  }
  const source: ProblemSource =
    prepared.source.kind === 'builtin' ? { ...prepared.source, params: Object.fromEntries(Object.entries(prepared.source.params).filter(([key]) => !swept.has(key))) } : prepared.source;
  const seeds = parseSeeds(flags.get('seeds') ?? '0');
  // Options by key: the run options for every method, each method's own flags for that method.
  const options = readOptions(flags, RUN_OPTIONS);
  const methodOptions: Record<string, Record<string, SweepValue>> = {};
  for (const m of prepared.methods) {
    const own = readOptions(flags, m.options);
    if (Object.keys(own).length > 0) methodOptions[m.id] = own;
  }
  const name = flags.get('name');
  return {
    problem: source,
    methods: prepared.methods.map((m) => m.id),
    seeds,
    grid,
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(Object.keys(methodOptions).length > 0 ? { methodOptions } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

/** A SweepSpec read from `file` (docs/sweeps.md), each field checked with its name; `--name` wins over the file's. */
export function readSweepSpec(file: string, name?: string): SweepSpec {
  if (file === '') throw new UsageError('--spec needs a file, e.g. --spec sweep.json');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--spec: cannot read ${file} as JSON: ${messageOf(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--spec: ${file} must hold a JSON object (a sweep spec, docs/sweeps.md)`);
  const v = value as Record<string, unknown>;
  const known = ['$schema', 'problem', 'methods', 'seeds', 'grid', 'options', 'methodOptions', 'iterations', 'name'];
  for (const key of Object.keys(v)) if (!known.includes(key)) throw new UsageError(`${file}: unknown field '${key}'; a sweep spec has ${known.slice(1).join(', ')}`);
  const bad = (field: string, what: string): never => {
    throw new UsageError(`${file}: ${field} must be ${what}`);
  };
  if (!Array.isArray(v.methods) || !v.methods.every((m) => typeof m === 'string')) bad('methods', 'an array of method ids');
  let seeds: number[];
  if (typeof v.seeds === 'string') seeds = parseSeeds(v.seeds);
  else if (Array.isArray(v.seeds) && v.seeds.every((s) => typeof s === 'number')) seeds = v.seeds as number[];
  else return bad('seeds', 'an array of whole numbers ≥ 0 (or a --seeds text such as "0-9")');
  const grid = v.grid ?? [];
  if (!Array.isArray(grid) || !grid.every((a) => isObject(a) && typeof a.flag === 'string' && Array.isArray(a.values) && a.values.every(isValue))) {
    bad('grid', 'an array of { "flag": "K", "values": [10, 20] }');
  }
  if (v.options !== undefined && !(isObject(v.options) && Object.values(v.options).every(isValue))) bad('options', 'an object of numbers, strings and booleans by option key');
  if (v.methodOptions !== undefined && !(isObject(v.methodOptions) && Object.values(v.methodOptions).every((o) => isObject(o) && Object.values(o).every(isValue)))) {
    bad('methodOptions', 'an object of option objects by method id');
  }
  if (v.iterations !== undefined && typeof v.iterations !== 'number') bad('iterations', 'a number');
  if (v.name !== undefined && typeof v.name !== 'string') bad('name', 'a string');
  const problem = checkProblem(v.problem, file, path.dirname(path.resolve(file)));
  if (problem.kind === 'builtin') {
    if (!BUILTIN_PROBLEMS.some((p) => p.id === problem.id)) throw new UsageError(`${file}: problem: unknown problem '${problem.id}'; valid problems: ${BUILTIN_PROBLEMS.map((p) => p.id).join(', ')}, or a problem file path`);
    // Its parameters are checked now, not once per run.
    loadBuiltin(problem);
  }
  const label = name ?? (v.name as string | undefined);
  return {
    problem,
    methods: v.methods as string[],
    seeds,
    // An axis over a parameter of the built-in problem is a problem axis (the file need not say so).
    grid: (grid as GridAxis[]).map((a) => {
      const flag = a.flag.replace(/^--/, '');
      return catalogFor(problem).problemParams?.some((d) => d.flag === flag) ? { flag, values: a.values, problem: true as const } : { flag, values: a.values };
    }),
    ...(v.options !== undefined ? { options: v.options as Record<string, SweepValue> } : {}),
    ...(v.methodOptions !== undefined ? { methodOptions: v.methodOptions as Record<string, Record<string, SweepValue>> } : {}),
    ...(v.iterations !== undefined ? { iterations: v.iterations as number } : {}),
    ...(label !== undefined ? { name: label } : {}),
  };
}

/** The problem as ids show it: a built-in's id, a file's name with its export. */
function problemLabel(spec: SweepSpec): string {
  const p = spec.problem;
  return p.kind === 'builtin' ? p.id : `${path.basename(p.path)}${p.exportName !== undefined ? `-${p.exportName}` : ''}`;
}

/** One new run id per method, distinct among themselves, from `taken`, and from every folder in the store. */
function freshRunIds(methods: readonly string[], problem: string, store: string, now: Date, taken: Set<string>): string[] {
  return methods.map((method) => {
    for (;;) {
      const id = makeRunId(method, problem, now);
      if (!taken.has(id) && !existsSync(path.join(store, id))) {
        taken.add(id);
        return id;
      }
    }
  });
}

/** The local pool's entry in sweep.json's executions. */
function execution(indices: readonly number[], now: Date): SweepExecution {
  return { kind: 'local', startedAt: now.toISOString(), indices, pid: process.pid, hostname: os.hostname() };
}

/** The record of a resumed sweep: new run ids (a run id is used once) for `indices`, and this attempt's execution. */
function resumed(record: SweepRecord, indices: readonly number[], store: string, executor: Executor): SweepRecord {
  const now = new Date();
  const problem = problemLabel(record.spec);
  const ids = freshRunIds(indices.map((i) => record.runs[i]!.method), problem, store, now, new Set(record.runs.map((r) => r.runId)));
  const runs = record.runs.map((run) => {
    const at = indices.indexOf(run.index);
    return at >= 0 ? { ...run, runId: ids[at]! } : run;
  });
  // A SLURM execution is added once sbatch has answered with the job id (sweepSlurm.ts).
  return { ...record, runs, ...(executor === 'local' ? { executions: [...(record.executions ?? []), execution(indices, now)] } : {}) };
}

/** A run process's outcome: its `--json` line's status, else its record's (a process that printed nothing), with stderr's last line as message. */
function outcomeOf(index: number, result: { code: number | null; signal: string | null; stdout: string; stderr: string }, record: SweepRecord, store: string): Finished {
  let printed: { status?: RunStatus; message?: string } | undefined;
  try {
    printed = parseRecord(result.stdout.trim().split('\n').pop() ?? '') as { status?: RunStatus; message?: string };
  } catch {
    printed = undefined;
  }
  if (printed?.status !== undefined) return { index, status: printed.status, ...(printed.message !== undefined ? { message: printed.message } : {}) };
  let status: RunStatus | undefined;
  try {
    status = new RunStore(store).read(record.runs[index]!.runId).status;
  } catch {
    status = undefined;
  }
  const lastLine = result.stderr.trim().split('\n').pop();
  const exit = result.signal !== null ? `ended by ${result.signal}` : `exit code ${result.code}`;
  return { index, status: status ?? 'failed', message: `${exit}${lastLine ? `: ${lastLine}` : ''}` };
}

/**
 * A run's outcome on a worker: its result (the `--json` object's status, or the error it printed,
 * with the record's status if one was made), or, when the worker died during it, the record's status
 * (`interrupted`: its writer is gone) with how the worker ended and the last line of its stderr.
 */
function workerOutcome(index: number, outcome: WorkerRunOutcome, record: SweepRecord, store: string): Finished {
  const recorded = (): RunStatus | undefined => {
    try {
      return new RunStore(store).read(record.runs[index]!.runId).status;
    } catch {
      return undefined;
    }
  };
  if (outcome.kind === 'result') {
    const r = outcome.result;
    if (r.notStarted) return { index, status: undefined, notStarted: true };
    if (r.report) return { index, status: r.report.status as RunStatus, ...(r.report.message !== undefined ? { message: r.report.message } : {}) };
    return { index, status: recorded() ?? 'failed', message: `exit code ${r.code}: bilevel: ${r.error ?? 'no result'}` };
  }
  const lastLine = outcome.stderr.trim().split('\n').pop();
  const exit = outcome.signal !== null ? `ended by ${outcome.signal}` : `exited with code ${outcome.code}`;
  return { index, status: recorded() ?? 'failed', message: `its worker process ${exit} during the run${lastLine ? `: ${lastLine}` : ''}` };
}

/** The progress of the pool on stderr: one redrawn line on a terminal, else a line per finished run; nothing with --json. */
class SweepProgressLine {
  private done = 0;
  private running = 0;
  private failed = 0;

  constructor(
    private readonly io: CliIo,
    private readonly quiet: boolean,
    private readonly total: number,
  ) {}

  started(): void {
    this.running++;
    this.draw();
  }

  finished(f: Finished, run: SweepRun): void {
    this.running--;
    if (f.notStarted) return this.draw();
    this.done++;
    if (f.status !== 'completed' && f.status !== 'diverged') this.failed++;
    if (this.quiet) return;
    if (this.io.stderr.isTTY) this.draw();
    else this.io.stderr.write(`[${this.done}/${this.total}] ${groupKey(run)} seed ${run.seed}: ${f.status ?? 'no record'}${f.message !== undefined ? ` (${f.message})` : ''}\n`);
  }

  end(): void {
    if (!this.quiet && this.io.stderr.isTTY) this.io.stderr.write('\n');
  }

  private draw(): void {
    if (this.quiet || !this.io.stderr.isTTY) return;
    this.io.stderr.write(`\r\x1b[Ksweep: ${this.done} of ${this.total} done, ${this.running} running, ${this.failed} not completed`);
  }
}

/** `--dry-run`'s table: a header with the problem and its fixed parameters, then one row per run (a problem axis's value among its options). */
function formatDryRun(spec: SweepSpec, runs: readonly SweepRun[]): string {
  const rows = runs.map((r) => [
    String(r.index),
    r.method,
    String(r.seed),
    [...Object.entries(r.options).filter(([key]) => key !== 'seed'), ...Object.entries(r.problemParams ?? {})].map(([k, v]) => `${k}=${String(v)}`).join(' '),
    r.dropped.join(', '),
  ]);
  return `${runs.length} runs of ${describeProblem(spec.problem)}\n${formatTable(['index', 'method', 'seed', 'options', 'dropped'], rows)}`;
}

/** `toy-nonsingleton (--n 1 --start random)`: a built-in with its fixed parameters by flag, or a file's path#export. */
function describeProblem(problem: ProblemSource): string {
  if (problem.kind === 'file') return `${problem.path}${problem.exportName !== undefined ? `#${problem.exportName}` : ''}`;
  const decls = BUILTIN_PROBLEMS.find((p) => p.id === problem.id)?.params ?? [];
  const params = Object.entries(problem.params).map(([key, value]) => `--${decls.find((d) => d.key === key)?.flag ?? key} ${String(value)}`);
  return params.length > 0 ? `${problem.id} (${params.join(' ')})` : problem.id;
}

/** The text after a sweep: counts by status, a table per group (median [q20, q80] and mean ± CI of each final metric), dropped options, failures. */
function formatSweepSummary(record: SweepRecord, states: readonly SweepRunState[], groups: readonly SweepGroup[], finished: readonly Finished[], store: string): string {
  const progress = sweepStatus(states, false);
  const lines = [`\nsweep ${record.id}: ${progress.status} (${formatCounts(progress.counts)})`, ...formatGroupTables(record, groups)];
  const dropped = formatDropped(record);
  if (dropped.length > 0) lines.push('', ...dropped);
  for (const f of finished) {
    if (f.status !== 'completed' && f.status !== 'diverged' && !f.notStarted) lines.push(formatRunLine(record, f.index, f.status, f.message));
  }
  lines.push('', `sweep record: ${path.join(store, SWEEPS_DIR, record.id)}`);
  const slurm = record.executions?.[record.executions.length - 1]?.kind === 'slurm' ? ' --executor slurm' : '';
  if (progress.status !== 'completed') lines.push(`rerun what did not complete: bilevel sweep --resume ${record.id}${slurm}${store !== storeDir(new Map()) ? ` --store ${store}` : ''}`);
  return lines.join('\n');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isValue(v: unknown): v is SweepValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}
