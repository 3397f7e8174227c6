// Pure data side of a sweep's report page (`bilevel sweep --report`): from the sweep's runs (records
// and final metrics) and the group statistics the CLI computed, the embedded data the page draws —
// banded curves per metric, x axis and statistic (bandOf, src/common/bands.ts), the seeds' thin lines,
// the curves a "to reach the target" table needs, the sensitivity points and the parallel-coordinates
// lines. No DOM and no node built-ins, so unit tests call it directly. The statistics over seeds of
// final metrics (median [q20, q80], mean ± 95% CI) arrive computed (src/sweep, via src/cli).
import { bandOf, firstReach } from '../common/bands';
import type { BandPoint, BandStat, XY } from '../common/bands';
import { quantileSorted } from '../common/quantiles';
import { decimateRange, methodColor } from '../protocol/chartData';
import { METRICS } from '../protocol/metricCatalog';
import type { IterationRecord } from '../protocol/metrics';
import type { GridAxis, MetricSummary, SweepGroup, SweepStatus, SweepValue } from '../protocol/sweep';
import { X_AXES, xOf } from '../protocol/xAxis';
import type { XAxisKey } from '../protocol/xAxis';

/** One run of the sweep as the report reads it. */
export interface SweepReportRun {
  readonly runId: string;
  readonly index: number;
  readonly method: string;
  readonly seed: number;
  /** Its group's key (groupKey: the method and the grid point). */
  readonly group: string;
  readonly gridPoint: Readonly<Record<string, SweepValue>>;
  /** Its run record's status; `not started` while it has none. */
  readonly status: string;
  readonly message?: string;
  /** Final metrics by name (finalMetrics); empty while it has none. */
  readonly final: Readonly<Record<string, number>>;
  /** Every outer iteration's record, in order (empty while it has none). */
  readonly records: readonly IterationRecord[];
  /** The run's `tolerance` option, when its record says. */
  readonly tolerance?: number;
}

/** The statistics of a final metric against one swept option: one group per method and value of that option. */
export interface SensitivityInput {
  readonly flag: string;
  /** groupStatistics over the runs keyed by method and this option's value only (the other options and the seeds pooled). */
  readonly groups: readonly SweepGroup[];
}

/** Everything the sweep report needs besides Chart.js. */
export interface SweepReportInput {
  readonly id: string;
  readonly name?: string;
  readonly createdAt: string;
  /** The problem as ids show it, with its parameters (e.g. `toy-nonsingleton (n=1)`). */
  readonly problem: string;
  readonly methods: readonly string[];
  /** The seeds as `--seeds` writes them (`0-9`). */
  readonly seeds: string;
  readonly grid: readonly GridAxis[];
  readonly status: SweepStatus;
  /** Runs by state (`completed`, `notStarted`, …), as sweepStatus counts them. */
  readonly counts: Readonly<Record<string, number>>;
  /** groupStatistics of the runs: the CLI's table. */
  readonly groups: readonly SweepGroup[];
  readonly runs: readonly SweepReportRun[];
  /** One entry per swept option (empty without a grid). */
  readonly sensitivity: readonly SensitivityInput[];
}

/** The per-iteration metrics that get a banded chart, when some run has them. */
export const BANDED_METRICS = ['upperLoss', 'upperDistance', 'lowerDistance', 'hypergradNorm', 'lowerStationarity'] as const;

/** Final metrics on the parallel-coordinates chart's axes (those some run has), after the swept options. */
export const PARALLEL_METRICS = ['upperLoss', 'upperDistance', 'hypergradNorm', 'lowerStationarity', 'durationMs'] as const;

/** A band point as embedded: [x, center, lower, upper, n]. */
export type BandRow = readonly [number, number, number, number, number];

/** A seed's curve point as embedded: its x on each axis of X_AXES (in that order, null when unknown), then y. */
export type SeedRow = readonly (number | null)[];

/** A group (method × grid point) as the charts show it. */
export interface ReportGroup {
  readonly key: string;
  readonly method: string;
  readonly color: string;
  /** Runs in the group. */
  readonly n: number;
}

/** Each group's band for one metric and axis, by statistic and grid scale (`lin`, or `log`: a log-spaced grid, x > 0). */
export type BandsByStat = Readonly<Record<BandStat, Readonly<Record<'lin' | 'log', readonly (readonly BandRow[])[]>>>>;

/** The banded charts: `bands[metric][axis][stat][scale][group]`, scale `lin` or `log` (a log-spaced grid, x > 0). */
export interface CurvesData {
  readonly metrics: readonly { readonly key: string; readonly title: string; readonly yLabel: string }[];
  readonly axes: readonly { readonly key: XAxisKey; readonly label: string }[];
  readonly bands: Readonly<Record<string, Readonly<Record<string, BandsByStat>>>>;
  /** Each run with records: its group's index and its (decimated) curve per metric. */
  readonly seeds: readonly { readonly runId: string; readonly seed: number; readonly group: number; readonly series: Readonly<Record<string, readonly SeedRow[]>> }[];
}

/** One run's curve for the target table: [time (s), oracle calls, y] at the points that can be a first reach. */
export type ReachRow = readonly [number | null, number | null, number | null];

/** What the "to reach the target" table needs: the target metric, its default, and each run's reduced curve. */
export interface TargetData {
  /** `upperDistance` when some run knows x*, else `upperLoss`. */
  readonly metric: 'upperDistance' | 'upperLoss';
  readonly label: string;
  /** The runs' tolerance (the smallest when they differ), else 1e-2. */
  readonly defaultTarget: number;
  /** Per group, its runs' reduced curves (one entry per run of the group, empty when it has no records). */
  readonly groups: readonly (readonly (readonly ReachRow[])[])[];
}

/** Reach of one group on one axis: `k` of `n` runs reached the target, `median` over those that did. */
export interface ReachCell {
  readonly k: number;
  readonly n: number;
  readonly median?: number;
}

/** One point of a sensitivity line: the option's value and every final metric's summary there. */
export interface SensitivityPoint {
  readonly value: SweepValue;
  readonly metrics: Readonly<Record<string, MetricSummary>>;
}

/** A final metric against one swept option, a line (median and band) per method. */
export interface SensitivityChart {
  readonly flag: string;
  /** Every value numeric: a numeric x axis; else the values are categories in grid order. */
  readonly numeric: boolean;
  readonly values: readonly SweepValue[];
  readonly methods: readonly { readonly method: string; readonly color: string; readonly points: readonly SensitivityPoint[] }[];
}

/** An axis of the parallel-coordinates chart: a swept option or a final metric. */
export interface ParallelAxis {
  readonly key: string;
  readonly label: string;
  readonly kind: 'option' | 'metric';
  /** Non-numeric option values, in grid order; a line's value is then the category's index. */
  readonly categories?: readonly string[];
  readonly min: number;
  readonly max: number;
  /** Positive values spanning at least two decades: drawn on a log scale. */
  readonly log: boolean;
}

/** The parallel-coordinates chart: its axes and one line per run with final metrics. */
export interface ParallelData {
  readonly axes: readonly ParallelAxis[];
  readonly lines: readonly { readonly runId: string; readonly method: string; readonly color: string; readonly group: string; readonly seed: number; readonly values: readonly (number | null)[] }[];
}

/** Everything the page draws, embedded as JSON. */
export interface SweepReportData {
  readonly groups: readonly ReportGroup[];
  readonly curves: CurvesData;
  readonly target: TargetData;
  readonly finalMetrics: readonly string[];
  /** Present when the grid has a numeric axis. */
  readonly sensitivity?: { readonly defaultMetric: string; readonly charts: readonly SensitivityChart[] };
  /** Present when two or more options are swept. */
  readonly parallel?: ParallelData;
}

/** Band points per band at most, and points of all bands together (the page stays a few MB for large sweeps). */
const BAND_POINTS = 150;
const BAND_BUDGET = 120_000;
/** Seed-curve points per series at most, and over all runs. */
const SEED_POINTS = 400;
const SEED_BUDGET = 300_000;

/** The colour of each group: its method's colour, shaded by how many groups of that method came before it. */
export function groupColors(groups: readonly { readonly method: string }[]): string[] {
  const seen = new Map<string, number>();
  return groups.map((g) => {
    const shade = seen.get(g.method) ?? 0;
    seen.set(g.method, shade + 1);
    return methodColor(g.method, shade);
  });
}

/** The finite (x, y) points of a run's metric on one axis: records without x or y make no point. */
export function curveOf(records: readonly IterationRecord[], axis: XAxisKey, read: (r: IterationRecord) => number | undefined): XY[] {
  const t0 = records[0]?.time;
  const out: XY[] = [];
  for (const r of records) {
    const x = xOf(axis, r, t0);
    const y = read(r);
    // A non-finite y (a diverged seed) stays: bandOf leaves it out, and it ends a first reach's interpolation.
    if (x !== undefined && y !== undefined) out.push({ x, y });
  }
  return out;
}

/** A record's value of a banded metric (the catalog's reader). */
function readerOf(metric: string): (r: IterationRecord) => number | undefined {
  const def = METRICS.find((m) => m.key === metric);
  if (!def) throw new Error(`no metric '${metric}' in the catalog`);
  return def.read;
}

/** The banded metrics some run has at least one finite value of, in BANDED_METRICS order. */
export function metricsPresent(runs: readonly SweepReportRun[]): string[] {
  return BANDED_METRICS.filter((m) => {
    const read = readerOf(m);
    return runs.some((run) => run.records.some((r) => Number.isFinite(read(r))));
  });
}

/**
 * The band of each group for one metric, axis, statistic and grid scale, with bandOf on at most
 * `points` grid points (fewer for short runs): finished runs hold their last value, running ones do not.
 */
export function groupBands(runs: readonly SweepReportRun[], groupKeys: readonly string[], metric: string, axis: XAxisKey, stat: BandStat, logX: boolean, points: number = BAND_POINTS): BandPoint[][] {
  const read = readerOf(metric);
  return groupKeys.map((key) => {
    const members = runs.filter((r) => r.group === key && r.records.length > 0);
    const curves = members.map((r) => curveOf(r.records, axis, read));
    // A grid finer than the records adds bytes, not information: as many points as the longest curve has.
    const longest = Math.max(0, ...curves.map((c) => c.length));
    return bandOf(curves, { stat, logX, points: Math.min(points, Math.max(20, longest)), hold: members.map((r) => r.status !== 'running' && r.status !== 'queued') });
  });
}

/**
 * The points of `curve` at which a first reach can happen, for any target, and the points just
 * before them: firstReach gives the same answer on the result as on the whole curve. A first reach
 * is at a point below every point before it (a new running minimum), interpolated from the point
 * just before; nothing else is ever read.
 */
export function reachPoints<T>(curve: readonly T[], y: (p: T) => number): T[] {
  const keep = new Set<number>();
  let best = Infinity;
  curve.forEach((p, i) => {
    const v = y(p);
    if (v < best) {
      best = v;
      if (i > 0) keep.add(i - 1);
      keep.add(i);
    }
  });
  return [...keep].sort((a, b) => a - b).map((i) => curve[i]!);
}

/** The target table's curve of a run: [time, oracle calls, y] of the records reachPoints keeps (non-finite y as null). */
export function reachRows(records: readonly IterationRecord[], metric: TargetData['metric']): ReachRow[] {
  const t0 = records[0]?.time;
  const read = readerOf(metric);
  const all = records.filter((r) => read(r) !== undefined);
  return reachPoints(all, (r) => read(r)!).map((r) => {
    const y = read(r)!;
    return [xOf('time', r, t0) ?? null, xOf('oracleCalls', r, t0) ?? null, Number.isFinite(y) ? y : null];
  });
}

/**
 * For each group, on `time` (column 0) and `oracleCalls` (column 1): how many of its runs reach
 * `target` (firstReach on the run's curve) and the median of their first-reach x. Self-contained
 * (its helpers are parameters) because the page inlines its source and recomputes the table when
 * the target changes; null y (non-finite) reads as NaN, a null x leaves the point out.
 */
export function reachCells(
  groups: readonly (readonly (readonly (readonly (number | null)[])[])[])[],
  target: number,
  reach: (curve: readonly { x: number; y: number }[], target: number) => number | undefined,
  quantile: (sorted: readonly number[], p: number) => number,
): { time: { k: number; n: number; median?: number }; oracleCalls: { k: number; n: number; median?: number } }[] {
  const cell = (runs: readonly (readonly (readonly (number | null)[])[])[], column: number): { k: number; n: number; median?: number } => {
    const hits: number[] = [];
    for (const rows of runs) {
      const curve: { x: number; y: number }[] = [];
      for (const row of rows) {
        const x = row[column];
        const y = row[2];
        if (x !== null && x !== undefined) curve.push({ x, y: y === null || y === undefined ? NaN : y });
      }
      const at = reach(curve, target);
      if (at !== undefined) hits.push(at);
    }
    hits.sort((a, b) => a - b);
    return hits.length > 0 ? { k: hits.length, n: runs.length, median: quantile(hits, 0.5) } : { k: 0, n: runs.length };
  };
  return groups.map((runs) => ({ time: cell(runs, 0), oracleCalls: cell(runs, 1) }));
}

/**
 * A target-table cell as text: the median first-reach x and `k of n`, or `not reached (0 of n)`.
 * Self-contained (the format is a parameter) because the page inlines its source.
 */
export function reachText(cell: { k: number; n: number; median?: number }, format: (v: number | undefined) => string): string {
  return cell.k > 0 ? format(cell.median) + ' (' + cell.k + ' of ' + cell.n + ')' : 'not reached (0 of ' + cell.n + ')';
}

/** The target table's cells for `target`, computed as the page computes them. */
export function targetCells(target: TargetData, value: number): ReturnType<typeof reachCells> {
  return reachCells(target.groups, value, firstReach, quantileSorted);
}

/** `v` to 5 significant digits: the page only draws it, and 17 digits would triple the file. */
function compact(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(5)) : v;
}

function compactOrNull(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : compact(v);
}

/** A run's curve of `metric` as seed rows: min/max-decimated by record to at most `maxPoints`, each row its x on every axis, then y. */
export function seedRows(records: readonly IterationRecord[], metric: string, maxPoints: number = SEED_POINTS): SeedRow[] {
  const read = readerOf(metric);
  const t0 = records[0]?.time;
  const indexed = records.flatMap((r, i) => {
    const y = read(r);
    return y !== undefined && Number.isFinite(y) ? [{ x: i, y }] : [];
  });
  return decimateRange(indexed, 0, indexed.length, maxPoints).points.map((p) => {
    const r = records[p.x]!;
    return [...X_AXES.map((a) => compactOrNull(xOf(a.key, r, t0))), compact(p.y)];
  });
}

/** The target metric: ‖x − x*‖ when some run records it, else F. */
function targetMetric(runs: readonly SweepReportRun[]): TargetData['metric'] {
  return runs.some((r) => r.records.some((rec) => rec.upperDistance !== undefined && Number.isFinite(rec.upperDistance))) ? 'upperDistance' : 'upperLoss';
}

/** The runs' tolerance option: the smallest when they differ, 1e-2 when none says. */
export function defaultTarget(runs: readonly SweepReportRun[]): number {
  const tolerances = runs.map((r) => r.tolerance).filter((t): t is number => t !== undefined && Number.isFinite(t) && t > 0);
  return tolerances.length > 0 ? Math.min(...tolerances) : 1e-2;
}

/** Whether every value of a swept option is a number. */
function isNumericAxis(values: readonly SweepValue[]): boolean {
  return values.length > 0 && values.every((v) => typeof v === 'number');
}

/** The sensitivity charts: for each swept option, each method taking it, the summaries at each of its values in grid order. */
export function sensitivityCharts(grid: readonly GridAxis[], inputs: readonly SensitivityInput[], methods: readonly string[]): SensitivityChart[] {
  return grid.map((axis) => {
    const groups = inputs.find((s) => s.flag === axis.flag)?.groups ?? [];
    const lines = methods.flatMap((method) => {
      const points = axis.values.flatMap((value) => {
        const g = groups.find((x) => x.method === method && x.gridPoint[axis.flag] === value);
        return g ? [{ value, metrics: g.metrics }] : [];
      });
      return points.length > 0 ? [{ method, color: methodColor(method), points }] : [];
    });
    return { flag: axis.flag, numeric: isNumericAxis(axis.values), values: axis.values, methods: lines };
  });
}

/** The parallel-coordinates data: an axis per swept option and per final metric some run has, a line per run with final metrics. */
export function parallelData(grid: readonly GridAxis[], runs: readonly SweepReportRun[], colors: ReadonlyMap<string, string>): ParallelData {
  const finished = runs.filter((r) => Object.keys(r.final).length > 0);
  const optionAxes = grid.map((axis) => {
    const numeric = isNumericAxis(axis.values);
    const categories = numeric ? undefined : axis.values.map(String);
    const read = (r: SweepReportRun): number | null => {
      const v = r.gridPoint[axis.flag];
      if (v === undefined) return null;
      return numeric ? (v as number) : categories!.indexOf(String(v));
    };
    return { axis: scaleOf(axis.flag, `--${axis.flag}`, 'option', finished.map(read), categories, numeric ? (axis.values as number[]) : []), read };
  });
  const metricAxes = PARALLEL_METRICS.filter((m) => finished.some((r) => r.final[m] !== undefined)).map((m) => {
    const read = (r: SweepReportRun): number | null => {
      const v = r.final[m];
      return v !== undefined && Number.isFinite(v) ? v : null;
    };
    return { axis: scaleOf(m, metricLabel(m), 'metric', finished.map(read), undefined, []), read };
  });
  const all = [...optionAxes, ...metricAxes];
  return {
    axes: all.map((a) => a.axis),
    lines: finished.map((r) => ({ runId: r.runId, method: r.method, color: colors.get(r.group) ?? methodColor(r.method), group: r.group, seed: r.seed, values: all.map((a) => a.read(r)) })),
  };
}

/** An axis's range over its values (and, for an option, every value of the grid); log for positive values spanning two decades. */
function scaleOf(key: string, label: string, kind: ParallelAxis['kind'], values: readonly (number | null)[], categories: readonly string[] | undefined, extra: readonly number[]): ParallelAxis {
  if (categories) return { key, label, kind, categories, min: 0, max: Math.max(0, categories.length - 1), log: false };
  const finite = [...values, ...extra].filter((v): v is number => v !== null && Number.isFinite(v));
  const min = finite.length > 0 ? Math.min(...finite) : 0;
  const max = finite.length > 0 ? Math.max(...finite) : 1;
  return { key, label, kind, min, max, log: min > 0 && max / min >= 100 };
}

/** A final metric's name as axis labels read it: the catalog's y label for a per-iteration metric. */
export function metricLabel(name: string): string {
  if (name === 'durationMs') return 'duration (ms)';
  if (name === 'msPerIteration') return 'ms / iteration';
  return METRICS.find((m) => m.key === name)?.yLabel ?? name;
}

/** The embedded data of the page: bands for every metric × axis × statistic × grid scale, seeds, the target table's curves, sensitivity and parallel coordinates. */
export function buildSweepReportData(input: SweepReportInput): SweepReportData {
  const colors = groupColors(input.groups);
  const groups: ReportGroup[] = input.groups.map((g, i) => ({ key: g.key, method: g.method, color: colors[i]!, n: g.n }));
  const keys = groups.map((g) => g.key);
  const metrics = metricsPresent(input.runs);
  // Fewer points per band for a large sweep, so the page stays a few MB: 20 bands per group and metric.
  const bandPoints = Math.max(30, Math.min(BAND_POINTS, Math.floor(BAND_BUDGET / Math.max(1, keys.length * metrics.length * 20))));
  const bands: Record<string, Record<string, Record<BandStat, Record<'lin' | 'log', BandRow[][]>>>> = {};
  for (const metric of metrics) {
    bands[metric] = {};
    for (const axis of X_AXES) {
      const byStat = {} as Record<BandStat, Record<'lin' | 'log', BandRow[][]>>;
      for (const stat of ['median', 'mean'] as const) {
        const scale = (logX: boolean): BandRow[][] =>
          groupBands(input.runs, keys, metric, axis.key, stat, logX, bandPoints).map((band) => band.map((p) => [compact(p.x), compact(p.center), compact(p.lower), compact(p.upper), p.n] as const));
        byStat[stat] = { lin: scale(false), log: scale(true) };
      }
      bands[metric]![axis.key] = byStat;
    }
  }
  const withRecords = input.runs.filter((r) => r.records.length > 0);
  const seedPoints = Math.max(30, Math.min(SEED_POINTS, Math.floor(SEED_BUDGET / Math.max(1, withRecords.length * metrics.length))));
  const seeds = withRecords.map((r) => ({
    runId: r.runId,
    seed: r.seed,
    group: keys.indexOf(r.group),
    series: Object.fromEntries(metrics.map((m) => [m, seedRows(r.records, m, seedPoints)])),
  }));
  const metric = targetMetric(input.runs);
  const target: TargetData = {
    metric,
    label: metric === 'upperDistance' ? '‖x − x*‖' : 'F',
    defaultTarget: defaultTarget(input.runs),
    groups: keys.map((key) => input.runs.filter((r) => r.group === key).map((r) => reachRows(r.records, metric))),
  };
  const finalMetrics = [...new Set(input.groups.flatMap((g) => Object.keys(g.metrics)))];
  const numeric = input.grid.some((a) => isNumericAxis(a.values));
  return {
    groups,
    curves: {
      metrics: metrics.map((key) => {
        const def = METRICS.find((m) => m.key === key)!;
        return { key, title: def.title, yLabel: def.yLabel };
      }),
      axes: X_AXES.map((a) => ({ key: a.key, label: a.label })),
      bands,
      seeds,
    },
    target,
    finalMetrics,
    ...(numeric
      ? { sensitivity: { defaultMetric: finalMetrics.includes('upperDistance') ? 'upperDistance' : 'upperLoss', charts: sensitivityCharts(input.grid, input.sensitivity, input.methods) } }
      : {}),
    ...(input.grid.length >= 2 ? { parallel: parallelData(input.grid, input.runs, new Map(groups.map((g) => [g.key, g.color]))) } : {}),
  };
}
