// Runs → one statistics entry per group (a method at one grid point, over its seeds): the `groups`
// of `bilevel sweep --json`, the CLI's median [q20, q80] table and the report's bands.
import type { RunSummary } from '../protocol/metrics';
import type { SweepGroup, SweepRun } from '../protocol/sweep';
import { groupKey } from './expandSweep';
import { summarize } from './summarize';

/** A run of a sweep with its final metrics by name; metrics absent while it has none (not finished). */
export interface RunMetrics {
  readonly run: Pick<SweepRun, 'method' | 'gridPoint'>;
  readonly metrics?: Readonly<Record<string, number>>;
}

/**
 * One group per distinct groupKey, in the order the groups first appear (the expansion's order),
 * with the number of runs and, for every final metric any of its runs has, summarize() over the runs
 * that have it (`n` there counts those with a finite value).
 */
export function groupStatistics(runs: readonly RunMetrics[]): SweepGroup[] {
  const groups = new Map<string, { run: RunMetrics['run']; n: number; values: Map<string, number[]> }>();
  for (const { run, metrics } of runs) {
    const key = groupKey(run);
    let group = groups.get(key);
    if (!group) {
      group = { run, n: 0, values: new Map() };
      groups.set(key, group);
    }
    group.n++;
    for (const [name, value] of Object.entries(metrics ?? {})) {
      const list = group.values.get(name) ?? [];
      list.push(value);
      group.values.set(name, list);
    }
  }
  return [...groups].map(([key, g]) => ({
    key,
    method: g.run.method,
    gridPoint: g.run.gridPoint,
    n: g.n,
    metrics: Object.fromEntries([...g.values].map(([name, values]) => [name, summarize(values)])),
  }));
}

/**
 * A finished run's final metrics by name: the last record's losses, norms, distances and cumulative
 * evaluation counts, the last evaluation's held-out metrics (`evals.<name>`, without their `.ci95`),
 * each one-entry upper variable (`x.<name>`, e.g. a toy's θ), `msPerIteration`,
 * `iterationsToTolerance` when reached, and `durationMs` when given.
 */
export function finalMetrics(summary: RunSummary | undefined, durationMs?: number): Record<string, number> {
  const out: Record<string, number> = {};
  const last = summary?.last;
  if (last) {
    for (const name of ['upperLoss', 'lowerLoss', 'hypergradNorm', 'lowerStationarity', 'upperDistance', 'lowerDistance', 'gradientEvals', 'hvpEvals'] as const) {
      const value = last[name];
      if (value !== undefined) out[name] = value;
    }
  }
  for (const [name, value] of Object.entries(summary?.evals ?? last?.evals ?? {})) if (!name.endsWith('.ci95')) out[`evals.${name}`] = value;
  for (const [name, values] of Object.entries(summary?.x ?? {})) if (values.length === 1) out[`x.${name}`] = values[0]!;
  if (summary) out.msPerIteration = summary.msPerIteration;
  if (summary?.iterationsToTolerance !== undefined) out.iterationsToTolerance = summary.iterationsToTolerance;
  if (durationMs !== undefined) out.durationMs = durationMs;
  return out;
}
