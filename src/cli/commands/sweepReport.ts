// The HTML report of a recorded sweep (`bilevel sweep --report FILE`, `bilevel sweep report ID
// --report FILE`): reads the sweep's record and its runs' records and metrics from the store,
// computes the statistics over seeds that src/sweep owns (the CLI's group table, the sensitivity to
// each swept option), and hands plain data to src/report, which draws the page.
import * as path from 'node:path';
import { messageOf } from '../../common/messageOf';
import type { IterationRecord } from '../../protocol/metrics';
import type { RunRecord } from '../../protocol/runRecord';
import type { SweepRecord } from '../../protocol/sweep';
import type { SensitivityInput, SweepReportInput, SweepReportRun } from '../../report/sweepReportData';
import { writeSweepReport } from '../../report/writeSweepReport';
import { RunStore } from '../../store/runStore';
import type { SweepEntry } from '../../store/sweepStore';
import { SweepStore } from '../../store/sweepStore';
import { groupKey } from '../../sweep/expandSweep';
import { finalMetrics, groupStatistics } from '../../sweep/groupStatistics';
import { formatSeeds } from '../../sweep/parseSeeds';
import { type SweepResults, sweepResults } from '../sweepResults';
import { UsageError } from '../usageError';
import { sweepWithSlurm } from './sweepWithSlurm';

/** The problem as the report's header names it: a built-in's id or a file's `name#export`, with the parameters given. */
function problemText(record: SweepRecord): string {
  const p = record.spec.problem;
  if (p.kind === 'builtin') {
    const params = Object.entries(p.params ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    return params.length > 0 ? `${p.id} (${params.join(', ')})` : p.id;
  }
  return `${path.basename(p.path)}${p.exportName !== undefined ? `#${p.exportName}` : ''}`;
}

/**
 * The report's input for sweep `sweepId` of the store `store` (the runs folder): every run with its
 * record's status, final metrics and metrics records (runs without a record yet count as not
 * started), the group statistics, and per swept option the statistics of its runs by method and value.
 * `results`: what {@link sweepResults} already read for this sweep (its run records and groups), so
 * that only the metrics files are read here. `entry`: the sweep's entry as `sweep status` derived it
 * (sweepWithSlurm), else derived here the same way, so the report's statuses are those of `sweep
 * status` and `sweep list`. Throws, naming the sweep id and the store, when the sweep does not exist.
 */
export function readSweepReportInput(store: string, sweepId: string, results?: SweepResults, entry?: SweepEntry): SweepReportInput {
  const sweeps = new SweepStore(store);
  let record: SweepRecord;
  try {
    record = sweeps.read(sweepId);
  } catch (err) {
    throw new Error(`cannot report sweep '${sweepId}': ${messageOf(err)}`);
  }
  // A SLURM job with tasks pending or running keeps the sweep running, as a live local pool does; a
  // task SLURM reports CANCELLED (a bare scancel) reads cancelled, as in sweep status.
  entry ??= sweepWithSlurm(sweeps, record).entry;
  const runStore = new RunStore(store);
  const { records: runRecords, groups } = results ?? sweepResults(record, store);
  const runs: SweepReportRun[] = record.runs.map((run, i) => {
    const rec: RunRecord | undefined = runRecords[i];
    let records: IterationRecord[] = [];
    try {
      if (rec !== undefined) records = runStore.readMetrics(run.runId);
    } catch {
      // No readable metrics: the run counts with its record's final values only.
    }
    const tolerance = rec?.config.methodOptions.tolerance;
    return {
      runId: run.runId,
      index: run.index,
      method: run.method,
      seed: run.seed,
      group: groupKey(run),
      gridPoint: run.gridPoint,
      status: entry.states[i] ?? 'not started',
      ...(rec?.message !== undefined ? { message: rec.message } : {}),
      final: rec?.summary ? finalMetrics(rec.summary, rec.durationMs) : {},
      records,
      ...(typeof tolerance === 'number' ? { tolerance } : {}),
    };
  });
  const withMetrics = runs.map((r, i) => ({ run: record.runs[i]!, ...(Object.keys(r.final).length > 0 ? { metrics: r.final } : {}) }));
  // Against one option, the runs of a method at each of its values pool the seeds and the other options.
  const sensitivity: SensitivityInput[] = record.spec.grid.map((axis) => ({
    flag: axis.flag,
    groups: groupStatistics(
      withMetrics
        .filter((r) => r.run.gridPoint[axis.flag] !== undefined)
        .map((r) => ({ run: { method: r.run.method, gridPoint: { [axis.flag]: r.run.gridPoint[axis.flag]! } }, ...(r.metrics ? { metrics: r.metrics } : {}) })),
    ),
  }));
  return {
    id: record.id,
    ...(record.name !== undefined ? { name: record.name } : {}),
    createdAt: record.createdAt,
    problem: problemText(record),
    methods: record.spec.methods,
    seeds: formatSeeds(record.spec.seeds),
    grid: record.spec.grid,
    status: entry.progress.status,
    counts: entry.progress.counts,
    groups,
    runs,
    sensitivity,
  };
}

/** Writes the HTML report of sweep `sweepId` in `store` to `outFile` (reusing `results` and `entry` when given); returns the number of runs and the file's absolute path. */
export function writeSweepReportFile(store: string, sweepId: string, outFile: string, results?: SweepResults, entry?: SweepEntry): { runs: number; file: string } {
  const input = readSweepReportInput(store, sweepId, results, entry);
  const file = path.resolve(outFile);
  writeSweepReport(file, input);
  return { runs: input.runs.length, file };
}

/** `--report FILE`: where to write the sweep's HTML report (resolved against the working directory), if asked. */
export function reportPath(flags: ReadonlyMap<string, string>): string | undefined {
  if (!flags.has('report')) return undefined;
  const file = flags.get('report') ?? '';
  if (file === '' || file === 'true') throw new UsageError('--report needs a file name, e.g. --report sweep.html');
  return path.resolve(file);
}
