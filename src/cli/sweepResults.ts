// What a sweep's runs have produced so far, read from the store, and its text form: the state and
// message of each index, the group statistics of the finished runs (median [q20, q80], mean ± 95% CI
// of every final metric), the grid flags each method dropped. `bilevel sweep` prints it at its end,
// `bilevel sweep status` at any time.
import type { RunStatus } from '../protocol/metrics';
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
}

/** Reads every run of `record` from the runs folder `store` and summarizes the groups. */
export function sweepResults(record: SweepRecord, store: string): SweepResults {
  const runStore = new RunStore(store);
  const states: SweepRunState[] = [];
  const messages: (string | undefined)[] = [];
  const metrics = record.runs.map((run) => {
    try {
      const r = runStore.read(run.runId);
      states.push(r.status);
      messages.push(r.message);
      return { run, metrics: r.summary ? finalMetrics(r.summary, r.durationMs) : undefined };
    } catch {
      states.push(undefined);
      messages.push(undefined);
      return { run };
    }
  });
  return { states, messages, groups: groupStatistics(metrics) };
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
