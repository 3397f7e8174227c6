// `bilevel sweep status ID` and `bilevel sweep list`: a sweep's progress read from the store at any
// time, while its pool runs or after: counts by status, "n of N done", the runs that did not
// complete with their message, and the groups table so far; or one line per sweep of the store.
import { formatDuration } from '../../common/format';
import { messageOf } from '../../common/messageOf';
import type { SweepRecord } from '../../protocol/sweep';
import { stringifyRecord } from '../../store/recordJson';
import { SweepStore } from '../../store/sweepStore';
import { formatArraySpec } from '../../sweep/slurmScript';
import type { CliIo } from '../cliIo';
import { formatTable } from '../formatTable';
import type { ParsedArgs } from '../parseArgs';
import { resolveStoreDir } from '../resolveStoreDir';
import { formatCounts, formatDropped, formatGroupTables, formatRunLine, sweepResults } from '../sweepResults';
import { UsageError } from '../usageError';
import { reportPath, writeSweepReportFile } from './sweepReport';
import { slurmSummary } from './sweepSlurm';
import { sweepWithSlurm } from './sweepWithSlurm';

/** Flags of `sweep status` and `sweep list`. */
const STATUS_FLAGS = new Set(['store', 'json', 'report']);

/** Runs `bilevel sweep status ID [--store DIR] [--json] [--report FILE]`; exit 0 (the status is what it prints), 2 for an unknown id. */
export function sweepStatusCommand(args: ParsedArgs, io: CliIo): number {
  const id = args.positionals[1];
  if (id === undefined || id === '') throw new UsageError('sweep status needs a sweep id: bilevel sweep status ID [--store DIR] [--json] (bilevel sweep list shows the ids)');
  if (args.positionals.length > 2) throw new UsageError(`unexpected argument '${args.positionals[2]}' for 'sweep status'; give one sweep id`);
  checkFlags(args.flags, 'sweep status');
  const store = resolveStoreDir(args.flags)!;
  const sweeps = new SweepStore(store);
  let record: SweepRecord;
  try {
    record = sweeps.read(id);
  } catch (err) {
    throw new UsageError(`sweep status ${id}: ${unknownSweep(sweeps, id, err)}`);
  }
  // A sweep with SLURM jobs: their tasks' states, whether one may still start runs, and which of
  // its runs SLURM reports cancelled (one derivation for status, list and the report: sweepWithSlurm).
  const { entry, views, cancelledBySlurm } = sweepWithSlurm(sweeps, record, { always: true });
  const { progress } = entry;
  const slurm = views?.map(({ execution, view }) => ({
    jobId: execution.jobId!,
    indices: execution.indices,
    ...(view === undefined ? { available: false } : { gone: view.gone, source: view.source, tasks: [...view.tasks.values()].sort((a, b) => a.index - b.index) }),
  }));
  const results = sweepResults(record, store);
  const { messages, groups } = results;
  const states = entry.states;
  const report = reportPath(args.flags);
  if (report !== undefined) io.stderr.write(`report: ${writeSweepReportFile(store, record.id, report, results, entry).file}\n`);
  const notCompleted = record.runs.flatMap((run, i) => {
    const state = states[i];
    if (state === 'completed' || state === 'diverged' || state === 'running' || state === undefined || state === 'queued') return [];
    return [{ index: i, runId: run.runId, method: run.method, seed: run.seed, status: state, ...(messages[i] !== undefined ? { message: messages[i] } : {}) }];
  });
  if (flagOn(args.flags, 'json')) {
    io.stdout.write(
      stringifyRecord({
        sweep: record.id,
        ...(record.name !== undefined ? { name: record.name } : {}),
        status: progress.status,
        total: progress.total,
        finished: progress.finished,
        counts: progress.counts,
        ...(entry.cancel !== undefined ? { cancelledAt: entry.cancel.cancelledAt } : {}),
        ...(cancelledBySlurm.length > 0 ? { cancelledBySlurm } : {}),
        ...(slurm !== undefined ? { slurm } : {}),
        notCompleted,
        groups,
      }) + '\n',
    );
    return 0;
  }
  const lines = [
    `sweep ${record.id}${record.name !== undefined ? ` (${record.name})` : ''}: ${progress.status}, ${progress.finished} of ${progress.total} done (${formatCounts(progress.counts)})`,
    `  ${describeSpec(record)}`,
    ...(entry.cancel !== undefined ? [`  cancelled at ${entry.cancel.cancelledAt} (bilevel sweep cancel): runs that had not started will not; rerun them with bilevel sweep --resume ${record.id}${record.executions?.at(-1)?.kind === 'slurm' ? ' --executor slurm' : ''}`] : []),
    ...(cancelledBySlurm.length > 0
      ? [
          `  SLURM reports array task${cancelledBySlurm.length === 1 ? '' : 's'} ${formatArraySpec(cancelledBySlurm)} cancelled (scancel) before ${cancelledBySlurm.length === 1 ? 'its run' : 'their runs'} started; rerun them with bilevel sweep --resume ${record.id} --executor slurm`,
        ]
      : []),
  ];
  for (const { execution, view } of views ?? []) {
    lines.push(`  ${slurmSummary(view, execution.jobId)}`);
    // The live tasks by state, as array index lists: `RUNNING 3-4 · PENDING 5-7`.
    const byState = new Map<string, number[]>();
    for (const t of view?.tasks.values() ?? []) byState.set(t.state, [...(byState.get(t.state) ?? []), t.index]);
    if (byState.size > 0) lines.push(`    ${[...byState].map(([state, indices]) => `${state} ${formatArraySpec(indices)}`).join(' · ')}`);
  }
  if (notCompleted.length > 0) lines.push('', 'not completed:', ...notCompleted.map((r) => `  ${formatRunLine(record, r.index, r.status, r.message)}`));
  lines.push(...formatGroupTables(record, groups));
  const dropped = formatDropped(record);
  if (dropped.length > 0) lines.push('', ...dropped);
  io.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/** Runs `bilevel sweep list [--store DIR] [--json]`: every sweep of the store, newest first, with its progress. */
export function sweepListCommand(args: ParsedArgs, io: CliIo): number {
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument '${args.positionals[1]}' for 'sweep list'`);
  checkFlags(args.flags, 'sweep list');
  const store = resolveStoreDir(args.flags)!;
  const sweepStore = new SweepStore(store);
  const listed = sweepStore.list();
  const { problems } = listed;
  // SLURM is asked only of the sweeps it may change (a SLURM job, runs not started, no recorded
  // cancel: slurmMayChange), so that old sweeps cost no squeue or sacct. A sweep SLURM cannot be
  // asked about (a controller that does not answer) keeps what the store says.
  const sweeps = listed.sweeps.map((plain) => {
    try {
      return sweepWithSlurm(sweepStore, plain.record, { plain }).entry;
    } catch (err) {
      io.stderr.write(`bilevel: note: sweep ${plain.record.id}: SLURM did not answer: ${messageOf(err)}\n`);
      return plain;
    }
  });
  if (flagOn(args.flags, 'json')) {
    const rows = sweeps.map(({ record, progress }) => ({
      sweep: record.id,
      ...(record.name !== undefined ? { name: record.name } : {}),
      createdAt: record.createdAt,
      status: progress.status,
      total: progress.total,
      finished: progress.finished,
      counts: progress.counts,
    }));
    io.stdout.write(stringifyRecord({ store, sweeps: rows, problems }) + '\n');
    return 0;
  }
  for (const p of problems) io.stderr.write(`bilevel: note: sweep ${p.id} is not readable: ${p.error}\n`);
  if (sweeps.length === 0) {
    io.stdout.write(`no sweeps in ${store}\n`);
    return 0;
  }
  const now = Date.now();
  const rows = sweeps.map(({ record, progress }) => [
    record.id,
    record.name ?? '',
    progress.status,
    `${progress.finished} of ${progress.total}`,
    `${formatDuration(now - Date.parse(record.createdAt))} ago`,
  ]);
  io.stdout.write(formatTable(['sweep', 'name', 'status', 'done', 'created'], rows) + '\n');
  return 0;
}

/** Why `id` could not be read: no such sweep (with the ids the store has), or its record's problem. */
function unknownSweep(sweeps: SweepStore, id: string, err: unknown): string {
  const message = messageOf(err);
  if (!message.startsWith('No sweep') && !message.startsWith('Invalid sweep id')) return message;
  const known = sweeps.list().sweeps.map((s) => s.record.id);
  const listed = known.length === 0 ? 'it has no sweeps' : `its sweeps: ${known.slice(0, 5).join(', ')}${known.length > 5 ? `, … (${known.length}; bilevel sweep list)` : ''}`;
  return `no sweep '${id}' in ${sweeps.root}; ${listed}`;
}

/** `problem toy-ufom, methods fom, ufom, seeds 0,1,2, grid q=0.1,0.5`. */
function describeSpec(record: SweepRecord): string {
  const spec = record.spec;
  const problem = spec.problem.kind === 'builtin' ? spec.problem.id : `${spec.problem.path}${spec.problem.exportName !== undefined ? `#${spec.problem.exportName}` : ''}`;
  const grid = spec.grid.map((a) => `${a.flag}=${a.values.map(String).join(',')}`).join(' ');
  return `problem ${problem}, methods ${spec.methods.join(', ')}, seeds ${spec.seeds.join(',')}${grid !== '' ? `, grid ${grid}` : ''}`;
}

function checkFlags(flags: ReadonlyMap<string, string>, command: string): void {
  for (const flag of flags.keys()) {
    if (!STATUS_FLAGS.has(flag)) throw new UsageError(`--${flag} is not taken by '${command}' (flags: ${[...STATUS_FLAGS].map((f) => `--${f}`).join(', ')})`);
  }
}

function flagOn(flags: ReadonlyMap<string, string>, flag: string): boolean {
  return flags.has(flag) && flags.get(flag) !== 'false';
}
