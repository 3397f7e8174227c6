// `bilevel sweep`: one problem over methods × a grid of option values × seeds (docs/sweeps.md). The
// sweep is expanded here, recorded in the store (.sweeps/<id>/sweep.json and runs.jsonl), and run by
// a pool of processes, each `bilevel run --spec runs.jsonl --index i` (runPool.ts); then one table per
// group of seeds with median [q20, q80] of every final metric. `--resume ID` reruns what did not end.
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_PROBLEMS, METHODS, RUN_OPTIONS } from '../../core';
import { messageOf } from '../../common/messageOf';
import type { RunStatus } from '../../protocol/metrics';
import type { GridAxis, SweepExecution, SweepGroup, SweepRecord, SweepRun, SweepRunState, SweepSpec, SweepValue } from '../../protocol/sweep';
import { loadBuiltin } from '../../runner/loadProblem';
import { parseRecord, stringifyRecord } from '../../store/recordJson';
import { makeRunId } from '../../store/runId';
import { RunStore } from '../../store/runStore';
import { makeSweepId, SweepStore, SWEEPS_DIR } from '../../store/sweepStore';
import { CORE_CATALOG } from '../../sweep/coreCatalog';
import { expandSweep, groupKey } from '../../sweep/expandSweep';
import { finalMetrics, groupStatistics } from '../../sweep/groupStatistics';
import { parseSeeds } from '../../sweep/parseSeeds';
import { parseSetFlag } from '../../sweep/parseSetFlag';
import { formatRunsJsonl, makeSweepRecord } from '../../sweep/sweepRecord';
import { indicesToResume, sweepStatus } from '../../sweep/sweepStatus';
import type { CliIo } from '../cliIo';
import { stoppedExitCode } from '../cliIo';
import { readOptions } from '../commandFlags';
import { formatNumber, formatTable } from '../formatTable';
import type { ParsedArgs } from '../parseArgs';
import { ignoredFlags, prepareProblem, startBackend, storeDir } from '../prepareProblem';
import { resolveStoreDir } from '../resolveStoreDir';
import { runPool, startRunProcess } from '../runPool';
import type { RunProcess } from '../runPool';
import { checkProblem } from '../specFile';
import { UsageError } from '../usageError';

/** Flags `--spec sweep.json` and `--resume ID` take: where and how to run, never what. */
const SPEC_FLAGS = new Set(['spec', 'jobs', 'json', 'store', 'backend', 'dry-run', 'name']);
const RESUME_FLAGS = new Set(['resume', 'jobs', 'json', 'store', 'backend']);

/** How one run of the sweep ended, as its process reported it (or its record, when it printed nothing). */
interface Finished {
  readonly index: number;
  readonly status: RunStatus | undefined;
  readonly message?: string;
}

/** Runs `bilevel sweep`; returns the exit code (0: every run completed or diverged; 1: some did not; 128 + n: stopped). */
export async function sweepCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const flags = args.flags;
  const json = flags.has('json') && flags.get('json') !== 'false';
  const dryRun = flags.has('dry-run') && flags.get('dry-run') !== 'false';
  const jobs = parseJobs(flags.get('jobs'));
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' for 'sweep'; flags are written --name value`);
  const resumeId = flags.get('resume');
  if (resumeId !== undefined) onlyFlags(flags, RESUME_FLAGS, '--resume');
  else if (flags.has('spec')) onlyFlags(flags, SPEC_FLAGS, '--spec');
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
    const entry = sweeps().entry(previous);
    if (entry.progress.status === 'running' || entry.progress.status === 'queued') {
      throw new UsageError(`--resume ${resumeId}: the sweep is still ${entry.progress.status} (${entry.progress.counts.running} runs running); wait for it or stop it first`);
    }
    indices = indicesToResume(entry.states);
    record = resumed(previous, indices, store);
    if (indices.length > 0) sweeps().write(record, formatRunsJsonl(record));
  } else {
    const spec = flags.has('spec') ? readSweepSpec(flags.get('spec')!, flags.get('name')) : specFromFlags(args, io);
    const runs = expandSweep(spec, CORE_CATALOG);
    if (dryRun) {
      io.stdout.write(json ? stringifyRecord({ runs, total: runs.length }) + '\n' : formatDryRun(runs) + '\n');
      return 0;
    }
    store = resolveStoreDir(flags)!;
    const now = new Date();
    const label = problemLabel(spec);
    const runIds = freshRunIds(runs.map((r) => r.method), label, store, now, new Set());
    const made = makeSweepRecord({ id: makeSweepId(label, now), createdAt: now.toISOString(), spec, runs, runIds });
    indices = runs.map((r) => r.index);
    record = { ...made, executions: [execution(indices, now)] };
    sweeps().create(record, formatRunsJsonl(record));
  }

  const runsJsonl = sweeps().runsJsonlOf(record.id);
  if (!json) io.stderr.write(`sweep ${record.id}: ${indices.length} of ${record.runs.length} runs to run, ${Math.min(jobs, Math.max(1, indices.length))} at a time (${path.join(store, SWEEPS_DIR, record.id)})\n`);
  const running = new Set<RunProcess>();
  const progress = new SweepProgressLine(io, json, indices.length);
  let forwarded = false;
  // A stop request (Ctrl-C, SIGTERM, a closed stdout) is looked for between runs and forwarded once
  // to every running run, which ends `cancelled` after its current iteration.
  const forward = (): void => {
    if (forwarded || !io.interrupted()) return;
    forwarded = true;
    for (const p of running) p.child.kill('SIGTERM');
  };
  const poll = setInterval(forward, 50);
  const entry = process.argv[1] ?? '';
  let finished: { item: number; result: Finished }[];
  try {
    finished = await runPool(
      indices,
      jobs,
      async (index) => {
        const p = startRunProcess({ entry, runsJsonl, index, store, backend: backendName });
        running.add(p);
        progress.started();
        const result = await p.done;
        running.delete(p);
        const done = outcomeOf(index, result, record, store);
        progress.finished(done, record.runs[index]!);
        return done;
      },
      () => io.interrupted(),
    );
  } finally {
    clearInterval(poll);
  }
  progress.end();

  const runStore = new RunStore(store);
  const states: SweepRunState[] = [];
  const metrics = record.runs.map((run) => {
    try {
      const r = runStore.read(run.runId);
      states.push(r.status);
      return { run, metrics: r.summary ? finalMetrics(r.summary, r.durationMs) : undefined };
    } catch {
      states.push(undefined);
      return { run };
    }
  });
  const groups = groupStatistics(metrics);
  if (json) {
    io.stdout.write(
      stringifyRecord({
        sweep: record.id,
        runs: record.runs.map((run, i) => ({ runId: run.runId, index: run.index, method: run.method, seed: run.seed, options: run.options, status: states[i] ?? 'notStarted' })),
        groups,
      }) + '\n',
    );
  } else {
    io.stdout.write(formatSweepSummary(record, states, groups, finished.map((f) => f.result), store) + '\n');
  }
  if (io.interrupted()) return stoppedExitCode(io);
  return sweepStatus(states, false).status === 'completed' ? 0 : 1;
}

/** `--jobs N` (a whole number ≥ 1), default the number of cores. */
function parseJobs(text: string | undefined): number {
  if (text === undefined) return os.availableParallelism();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--jobs takes a whole number ≥ 1 (runs at once), got '${text}'`);
  return Number(text);
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
  const grid: GridAxis[] = (args.repeated.get('set') ?? []).map((text) => parseSetFlag(text, CORE_CATALOG));
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
    problem: prepared.source,
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
    grid: (grid as GridAxis[]).map((a) => ({ flag: a.flag.replace(/^--/, ''), values: a.values })),
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
function resumed(record: SweepRecord, indices: readonly number[], store: string): SweepRecord {
  const now = new Date();
  const problem = problemLabel(record.spec);
  const ids = freshRunIds(indices.map((i) => record.runs[i]!.method), problem, store, now, new Set(record.runs.map((r) => r.runId)));
  const runs = record.runs.map((run) => {
    const at = indices.indexOf(run.index);
    return at >= 0 ? { ...run, runId: ids[at]! } : run;
  });
  return { ...record, runs, executions: [...(record.executions ?? []), execution(indices, now)] };
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

/** `--dry-run`'s table: one row per run. */
function formatDryRun(runs: readonly SweepRun[]): string {
  const rows = runs.map((r) => [
    String(r.index),
    r.method,
    String(r.seed),
    Object.entries(r.options)
      .filter(([key]) => key !== 'seed')
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' '),
    r.dropped.join(', '),
  ]);
  return `${runs.length} runs\n${formatTable(['index', 'method', 'seed', 'options', 'dropped'], rows)}`;
}

/** The text after a sweep: counts by status, a table per group (median [q20, q80] and mean ± CI of each final metric), dropped options, failures. */
function formatSweepSummary(record: SweepRecord, states: readonly SweepRunState[], groups: readonly SweepGroup[], finished: readonly Finished[], store: string): string {
  const progress = sweepStatus(states, false);
  const counts = Object.entries(progress.counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state === 'notStarted' ? 'not started' : state}`)
    .join(', ');
  const lines = [`\nsweep ${record.id}: ${progress.status} (${counts})`];
  for (const g of groups) {
    const inGroup = record.runs.filter((r) => groupKey(r) === g.key);
    lines.push('', `${g.key}  (${g.n} runs, seeds ${inGroup.map((r) => r.seed).join(',')})`);
    const rows = Object.entries(g.metrics).map(([name, s]) => [
      name,
      `${s.n}${s.nonFinite > 0 ? ` (+${s.nonFinite} non-finite)` : ''}`,
      s.median !== undefined ? `${formatNumber(s.median)} [${formatNumber(s.q20)}, ${formatNumber(s.q80)}]` : '—',
      s.mean !== undefined ? `${formatNumber(s.mean)} ± ${s.ci95 !== undefined ? formatNumber(s.ci95) : '—'}` : '—',
    ]);
    lines.push(rows.length > 0 ? formatTable(['metric', 'n', 'median [q20, q80]', 'mean ± 95% CI'], rows) : '  no finished runs');
  }
  const dropped = new Map<string, string[]>();
  for (const run of record.runs) for (const flag of run.dropped) if (!(dropped.get(flag) ?? []).includes(run.method)) dropped.set(flag, [...(dropped.get(flag) ?? []), run.method]);
  if (dropped.size > 0) lines.push('', ...[...dropped].map(([flag, methods]) => `--${flag}: not taken by ${methods.join(', ')} (dropped for ${methods.length === 1 ? 'it' : 'them'})`));
  for (const f of finished) {
    if (f.status !== 'completed' && f.status !== 'diverged') {
      const run = record.runs[f.index]!;
      lines.push(`${groupKey(run)} seed ${run.seed} (run ${run.runId}): ${f.status ?? 'no record'}${f.message !== undefined ? ` — ${f.message}` : ''}`);
    }
  }
  lines.push('', `sweep record: ${path.join(store, SWEEPS_DIR, record.id)}`);
  if (progress.status !== 'completed') lines.push(`rerun what did not complete: bilevel sweep --resume ${record.id}${store !== storeDir(new Map()) ? ` --store ${store}` : ''}`);
  return lines.join('\n');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isValue(v: unknown): v is SweepValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}
