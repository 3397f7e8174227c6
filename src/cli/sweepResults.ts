// What a sweep's runs have produced so far, read from the store, and its text form: the state and
// message of each index, the group statistics of the finished runs (median [q20, q80], mean ± 95% CI
// of every final metric), the grid flags each method dropped. `bilevel sweep` prints it at its end,
// `bilevel sweep status` at any time.
import type { RunStatus } from '../protocol/metrics';
import type { RunRecord } from '../protocol/runRecord';
import type { SweepGroup, SweepRecord, SweepRunState } from '../protocol/sweep';
import { RunStore } from '../store/runStore';
import { groupKey } from '../sweep/expandSweep';
import { finalMetrics, groupStatistics } from '../sweep/groupStatistics';
import { formatNumber, formatTable } from './formatTable';

/** The runs of a sweep as the store has them: each index's state and message, and the groups' statistics. */
export interface SweepResults {
  /** By index: the current run's status, undefined while it has no record. */
  readonly states: readonly SweepRunState[];
  /** By index: the message its record ends with (why it failed, was cancelled), if any. */
  readonly messages: readonly (string | undefined)[];
  readonly groups: readonly SweepGroup[];
  /** By index: the run's record, undefined while it has none (the report reuses these instead of reading them again). */
  readonly records: readonly (RunRecord | undefined)[];
}

/** Reads every run of `record` from the runs folder `store` and summarizes the groups. */
export function sweepResults(record: SweepRecord, store: string): SweepResults {
  const runStore = new RunStore(store);
  const records = record.runs.map((run) => {
    try {
      return runStore.read(run.runId);
    } catch {
      return undefined;
    }
  });
  const metrics = record.runs.map((run, i) => {
    const r = records[i];
    return r?.summary ? { run, metrics: finalMetrics(r.summary, r.durationMs) } : { run };
  });
  return { states: records.map((r) => r?.status), messages: records.map((r) => r?.message), groups: groupStatistics(metrics), records };
}

/** `12 completed, 1 failed, 3 not started`: the nonzero counts by state. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state === 'notStarted' ? 'not started' : state}`)
    .join(', ');
}

/** One table per group (its seeds in the title): every final metric's n, median [q20, q80] and mean ± 95% CI. */
export function formatGroupTables(record: SweepRecord, groups: readonly SweepGroup[]): string[] {
  const lines: string[] = [];
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
  return lines;
}

/** `--q: not taken by fom (dropped for it)`, one line per grid flag some method does not take. */
export function formatDropped(record: SweepRecord): string[] {
  const dropped = new Map<string, string[]>();
  for (const run of record.runs) for (const flag of run.dropped) if (!(dropped.get(flag) ?? []).includes(run.method)) dropped.set(flag, [...(dropped.get(flag) ?? []), run.method]);
  return [...dropped].map(([flag, methods]) => `--${flag}: not taken by ${methods.join(', ')} (dropped for ${methods.length === 1 ? 'it' : 'them'})`);
}

/** `rhg K=10 seed 3 (run <id>): failed — <message>`: one line about run `index`. */
export function formatRunLine(record: SweepRecord, index: number, status: RunStatus | undefined, message: string | undefined): string {
  const run = record.runs[index]!;
  return `${groupKey(run)} seed ${run.seed} (run ${run.runId}): ${status ?? 'no record'}${message !== undefined ? ` — ${message}` : ''}`;
}
