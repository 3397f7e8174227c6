// Pure data side of the `compare --report` page: turns each method's IterationRecords into chart
// specs (one overlay chart per metric and per numeric method statistic, plus k* histograms for PTT),
// decimating long series. No DOM and no node built-ins, so unit tests call it directly; the browser
// script (reportScript.ts) only draws what this module computed. The metrics and their titles are
// src/protocol/metricCatalog.ts's, the same as the live run panel's.
import { baselineColor, baselineLabel, baselinesFor, decimateRange, evalMetricNames, flatLine, isBaseline, seriesColor, statNumber } from '../protocol/chartData';
import type { Point } from '../protocol/chartData';
import { evalTitle, KSTAR_HISTOGRAM_TITLE, KSTAR_STAT, METRICS, orderStatKeys, statTitle } from '../protocol/metricCatalog';
import type { IterationRecord } from '../protocol/metrics';

/** One method's run as the report shows it. */
export interface ReportMethod {
  readonly method: string;
  readonly status: string;
  readonly message?: string;
  readonly runId?: string;
  /** The method's resolved options (run options included). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly warnings: readonly string[];
  /** Every outer iteration's record, in order. */
  readonly records: readonly IterationRecord[];
  /** The last evaluation's held-out metrics (RunSummary.evals), if the problem has `evaluate`. */
  readonly evals?: Readonly<Record<string, number>>;
}

/** Everything the report page needs besides Chart.js itself. */
export interface ReportInput {
  readonly problem: string;
  readonly problemParams: Readonly<Record<string, unknown>>;
  /** The `--preset` the comparison came from, if any. */
  readonly preset?: string;
  /** Backend as the CLI prints it, e.g. `wasm (SIMD, 16 threads)`. */
  readonly backend: string;
  /** When the comparison ran (ISO 8601). */
  readonly date: string;
  /** The comparison table exactly as the CLI prints it: headers and formatted cells. */
  readonly table: { readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[] };
  /** The final evaluation table as the CLI prints it (methods × eval metrics, then baselines), if any. */
  readonly evalTable?: { readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[] };
  readonly methods: readonly ReportMethod[];
}

export type { Point };

/** One method's line in an overlay chart. */
export interface LineSeries {
  /** Method id (the legend label). */
  readonly label: string;
  /** The method's colour, the same in every chart ({@link methodColor}). */
  readonly color: string;
  readonly points: readonly Point[];
  /** Points before decimation (equal to `points.length` when none happened). */
  readonly rawLength: number;
  /** A constant reference line (a `baseline.*` eval), drawn dashed without points. */
  readonly dashed?: boolean;
}

/** One method's counts in a bar chart, aligned with {@link BarChartSpec.labels}. */
export interface BarSeries {
  readonly label: string;
  readonly color: string;
  readonly counts: readonly number[];
}

/** Where a chart goes on the page. */
export type ChartSection = 'metrics' | 'evals' | 'stats' | 'ptt';

/** A line chart over outer iterations overlaying every method that has the quantity. */
export interface LineChartSpec {
  readonly kind: 'line';
  readonly id: string;
  readonly section: ChartSection;
  readonly title: string;
  readonly yLabel: string;
  /** Starts on a log y axis (the metric's `logScale` in the catalog); the page's toggle switches it. */
  readonly logY?: boolean;
  readonly series: readonly LineSeries[];
}

/** A bar chart (histogram) over category labels. */
export interface BarChartSpec {
  readonly kind: 'bar';
  readonly id: string;
  readonly section: ChartSection;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly labels: readonly string[];
  readonly series: readonly BarSeries[];
}

/** Any chart of the report. */
export type ChartSpec = LineChartSpec | BarChartSpec;

/** Series longer than this are decimated (min/max per bucket) to at most this many points. */
export const MAX_POINTS = 5000;

/** The colour of the method at `index` in every chart and legend of the report (as in the live panel). */
export const methodColor = seriesColor;

/** The stat whose presence marks a PTT method; it gets a histogram besides its trace. */
export const PTT_KSTAR = KSTAR_STAT;

export { statNumber };

/** The finite points (iteration, read(record)) of one method; records without a value are skipped. */
export function buildSeries(records: readonly IterationRecord[], read: (r: IterationRecord) => number | undefined): Point[] {
  const out: Point[] = [];
  for (const r of records) {
    const y = read(r);
    // NaN and ±Infinity (a diverged run) cannot be drawn; the raw records keep them.
    if (y !== undefined && Number.isFinite(y)) out.push({ x: r.iteration, y });
  }
  return out;
}

/**
 * At most `maxPoints` points of `points` (sorted by x): the first and last point, and per bucket of
 * consecutive points its minimum and maximum, in x order. Extremes therefore survive, which a
 * stride would lose (a spike of the loss is exactly what one looks for).
 */
export function decimateMinMax(points: readonly Point[], maxPoints: number = MAX_POINTS): Point[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 4) throw new Error(`decimateMinMax: maxPoints must be an integer ≥ 4, got ${maxPoints}`);
  return decimateRange(points, 0, points.length, maxPoints).points;
}

/** Counts of each distinct value, sorted by value. */
export function histogram(values: readonly number[]): { readonly value: number; readonly count: number }[] {
  const counts = new Map<number, number>();
  for (const v of values) if (Number.isFinite(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([value, count]) => ({ value, count }));
}

/** The stat keys with a number or boolean value in at least one record of any method, sorted. */
export function numericStatKeys(methods: readonly ReportMethod[]): string[] {
  const keys = new Set<string>();
  for (const m of methods) {
    for (const r of m.records) {
      for (const [k, v] of Object.entries(r.stats)) if (statNumber(v) !== undefined) keys.add(k);
    }
  }
  return [...keys].sort();
}

/** True when some record of `method` has a numeric `ptt.kStar`, i.e. the method is a PTT method. */
export function isPttMethod(method: ReportMethod): boolean {
  return method.records.some((r) => typeof r.stats[PTT_KSTAR] === 'number');
}

/** An overlay line chart; methods without any finite point are left out, and so is an empty chart. */
function lineChart(
  id: string,
  section: ChartSection,
  title: string,
  yLabel: string,
  methods: readonly ReportMethod[],
  read: (r: IterationRecord) => number | undefined,
  maxPoints: number,
): LineChartSpec | undefined {
  const series: LineSeries[] = [];
  methods.forEach((m, methodIndex) => {
    const raw = buildSeries(m.records, read);
    if (raw.length > 0) series.push({ label: m.method, color: methodColor(methodIndex), points: decimateMinMax(raw, maxPoints), rawLength: raw.length });
  });
  return series.length > 0 ? { kind: 'line', id, section, title, yLabel, series } : undefined;
}

/** The histogram of k* over the PTT methods, one bar series per method, or undefined if none is PTT. */
export function kStarHistogram(methods: readonly ReportMethod[]): BarChartSpec | undefined {
  const perMethod: { label: string; color: string; counts: Map<number, number> }[] = [];
  methods.forEach((m, methodIndex) => {
    if (!isPttMethod(m)) return;
    const values = m.records.map((r) => r.stats[PTT_KSTAR]).filter((v): v is number => typeof v === 'number');
    perMethod.push({ label: m.method, color: methodColor(methodIndex), counts: new Map(histogram(values).map((h) => [h.value, h.count])) });
  });
  if (perMethod.length === 0) return undefined;
  const values = [...new Set(perMethod.flatMap((p) => [...p.counts.keys()]))].sort((a, b) => a - b);
  return {
    kind: 'bar',
    id: 'hist-ptt.kStar',
    section: 'ptt',
    title: KSTAR_HISTOGRAM_TITLE,
    xLabel: 'k*',
    yLabel: 'iterations',
    labels: values.map(String),
    series: perMethod.map((p) => ({ label: p.label, color: p.color, counts: values.map((v) => p.counts.get(v) ?? 0) })),
  };
}

/**
 * The held-out metrics' charts: one per eval name (not `baseline.*`, not `.ci95`) overlaying the
 * methods at the iterations that were evaluated, with each matching `baseline.*` value (see
 * baselinesFor) as a flat dashed line across the plotted iterations.
 */
export function evalCharts(methods: readonly ReportMethod[], maxPoints: number = MAX_POINTS): LineChartSpec[] {
  const names = evalMetricNames(methods.flatMap((m) => [...m.records.map((r) => r.evals), m.evals]));
  const baselines = baselineValues(methods);
  const charts: LineChartSpec[] = [];
  for (const name of names) {
    const chart = lineChart(`eval-${name}`, 'evals', evalTitle(name), name, methods, (r) => r.evals?.[name], maxPoints);
    if (!chart) continue;
    const xs = chart.series.flatMap((s) => [s.points[0]!.x, s.points[s.points.length - 1]!.x]);
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    const refs: LineSeries[] = baselinesFor(name, baselines.keys()).map((b, i) => {
      const points = flatLine(baselines.get(b)!, lo, hi);
      return { label: baselineLabel(b), color: baselineColor(i), points, rawLength: points.length, dashed: true };
    });
    charts.push({ ...chart, series: [...chart.series, ...refs.filter((r) => r.points.length > 0)] });
  }
  return charts;
}

/** Each `baseline.*` value, from the first method that reports it (its last value). */
export function baselineValues(methods: readonly ReportMethod[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of methods) {
    const own = new Map<string, number>();
    for (const e of [...m.records.map((r) => r.evals), m.evals]) {
      for (const [k, v] of Object.entries(e ?? {})) if (isBaseline(k) && Number.isFinite(v)) own.set(k, v);
    }
    for (const [k, v] of own) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

/**
 * Every chart of the report, in page order: the catalog's metrics, held-out evaluations, method
 * statistics (the papers' ones first, then the others sorted), then PTT histograms.
 */
export function buildCharts(methods: readonly ReportMethod[], maxPoints: number = MAX_POINTS): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const m of METRICS) {
    const chart = lineChart(m.key, 'metrics', m.title, m.yLabel, methods, m.read, maxPoints);
    if (chart) charts.push(m.logScale ? { ...chart, logY: true } : chart);
  }
  charts.push(...evalCharts(methods, maxPoints));
  for (const key of orderStatKeys(numericStatKeys(methods))) {
    const chart = lineChart(`stat-${key}`, 'stats', statTitle(key), key, methods, (r) => statNumber(r.stats[key]), maxPoints);
    if (chart) charts.push(chart);
  }
  const hist = kStarHistogram(methods);
  if (hist) charts.push(hist);
  return charts;
}

/** The option keys of all methods, in first-seen order (rows of the options table). */
export function optionKeys(methods: readonly ReportMethod[]): string[] {
  const keys = new Set<string>();
  for (const m of methods) for (const k of Object.keys(m.options)) keys.add(k);
  return [...keys];
}

/** An option value as the options table prints it. */
export function formatOption(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? String(value);
}
