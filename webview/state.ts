// The run panel's data side: the runs it shows, their series per metric and method statistic,
// smoothing (EMA, the raw line kept), min/max decimation, the k* histogram, progress/ETA and the
// summary table. No DOM and no node, so plain Node unit tests call it (test/unit/webview/); main.ts
// only draws what this module computes (STYLE §5). Which metrics get a chart, and their titles, is
// src/protocol/metricCatalog.ts (shared with the report); number formats are src/common/format.ts.
import { bandOf, type BandPoint, type BandStat } from '../src/common/bands';
import type { BackendView } from '../src/protocol/backendLabel';
import { formatBytes, formatNumber } from '../src/common/format';
import { isFinished, type IterationRecord, type RunStatus, type RunSummary } from '../src/protocol/metrics';
import { baselineColor, baselineLabel, baselinesFor, decimateRange, evalMetricNames, flatLine, formatEvalValue, isBaseline, isEvalMetric, runColors, statNumber } from '../src/protocol/chartData';
import type { Point } from '../src/protocol/chartData';
import { CHART_SECTIONS, evalTitle, KSTAR_HISTOGRAM_TITLE, KSTAR_STAT, metricDef, METRICS, orderStatKeys, statLogScale, statShownFor, statTitleInWords, type ChartSection, type MetricUnit } from '../src/protocol/metricCatalog';
import type { RunSettings } from '../src/protocol/runSettings';
import { estimateRemainingMs, progressToward, type ProgressUnit } from '../src/protocol/progressToward';
import type { ChartDefaults, CheckView, RunView, SnapshotMessage, StatusMessage } from '../src/protocol/webview';
import { isXAxisKey, xOf, type XAxisKey } from '../src/protocol/xAxis';
import { toleranceMeasure, type ToleranceMeasure } from './runDetails';
import { groupRuns, SEED_KEY, type SeedGroup } from './seedGroups';
import { defaultTarget, targetMeasure, targetRow, type SeedCurves, type TargetMeasure, type TargetRow } from './targetTable';

export type { Point } from '../src/protocol/chartData';
export { decimateRange, statNumber } from '../src/protocol/chartData';

/** A per-iteration quantity with its own chart: a metric of the catalog, an eval or a method statistic. */
export interface SeriesDef {
  readonly id: string;
  readonly title: string;
  readonly yLabel: string;
  readonly unit: MetricUnit;
  readonly read: (r: IterationRecord) => number | undefined;
}

/** Chart ids of held-out evaluation metrics (IterationRecord.evals) are `eval:<name>`. */
export const EVAL_PREFIX = 'eval:';

/** Chart ids of method statistics are `stat:<key>`. */
export const STAT_PREFIX = 'stat:';

/** Chart id of the k* histogram. */
export const KSTAR_HISTOGRAM = `hist:${KSTAR_STAT}`;

/** Grid points of a band (bandOf's `points`): enough for a smooth line, few enough to redraw often. */
export const BAND_POINTS = 200;

/** How groups of seeds are drawn: the statistic of the band, and whether each seed is drawn thin too. */
export interface BandView {
  readonly stat: BandStat;
  readonly showSeeds: boolean;
}

/** The x axes a record gives a value for by itself (the iteration is the series' own x). */
type RecordedAxis = 'time' | 'gradientEvals' | 'hvpEvals';

/**
 * A series moved onto another x axis, extended as the source grows: `consumed` source points read so
 * far, `cursor` the index into the run's records of the last one found (both advance in iteration order).
 */
interface AxisSeries {
  consumed: number;
  cursor: number;
  readonly points: Point[];
}

/** The word the panel shows for a run's status: `deleted` for a run the store no longer has. */
export function statusWord(run: Pick<RunState, 'status' | 'missing'>): string {
  return run.missing ? 'deleted' : run.status;
}

/** One run as the panel holds it: the view without records, plus its series. */
export interface RunState {
  readonly runId: string;
  readonly label: string;
  readonly method: string;
  readonly problem: string;
  status: RunStatus;
  message?: string;
  summary?: RunSummary;
  check?: CheckView;
  iterations: number;
  startedAt: number;
  /** When a finished run ended (ms since epoch), if known. */
  endedAt?: number;
  settings?: RunSettings;
  /** Ran beside another run: its times are not its own. */
  concurrent?: boolean;
  /** The store no longer has the run (RunView.missing). */
  missing?: boolean;
  /** The tfjs backend that runs it, once the worker reported it (RunView.backend). */
  backend?: BackendView;
  /** The backend the run asked for (RunView.requestedBackend). */
  requestedBackend?: string;
  /** Records received (after de-duplication). */
  count: number;
  /** Iteration of the last record, −1 before any. */
  lastIteration: number;
  /** Sum and count of forward + backward ms, for the time per iteration of live runs. */
  msSum: number;
  peakBytes: number;
  lastRecord?: IterationRecord;
  /** The first record with a `time` (iteration, writer's time, oracle calls so far): the ETA's pace is measured from it, past the warm-up. */
  firstTimed?: TimedIteration;
  /** The last `baseline.*` value seen per name (records, then the summary): dashed lines on eval charts. */
  readonly baselines: Map<string, number>;
  /** The last evaluation seen in the records (the summary's, once the run ends, takes precedence). */
  lastEvals?: Readonly<Record<string, number>>;
  /** Finite points by series id (metric id, `eval:<name>` or `stat:<key>`), in iteration order. */
  readonly series: Map<string, Point[]>;
  /** Counts of each k* value. */
  readonly kStar: Map<number, number>;
  /** EMA of each series for the current smoothing weight, extended as records arrive. */
  readonly smoothed: Map<string, SmoothedSeries>;
  /** The `time` of the run's first record; undefined when it had none (the run then stays on iterations on a wall-time axis, as {@link wallTimeX}). */
  t0?: number;
  /** The iteration of each record, in order (the index into {@link axisX}). */
  readonly recordIterations: number[];
  /** Per recorded axis, each record's x (seconds since {@link t0}; cumulative gradient and HVP counts), NaN when unknown. */
  readonly axisX: Readonly<Record<RecordedAxis, number[]>>;
  /** Raw series on x axes other than the iteration, by `<axis>:<series id>`, extended as records arrive. */
  readonly onAxis: Map<string, AxisSeries>;
}

/** A cached EMA: its weight, running state and points so far. */
interface SmoothedSeries {
  readonly weight: number;
  s: number;
  debias: number;
  readonly points: Point[];
  /** The same points on other x axes. */
  readonly onAxis: Map<XAxisKey, AxisSeries>;
}

/** How one chart is shown (persisted in the webview state). */
export interface ChartView {
  readonly logY: boolean;
  readonly logX: boolean;
  /** Zoomed x range [min, max], or none for everything. */
  readonly xRange?: readonly [number, number];
}

/** One line of a line chart. */
export interface LineDataset {
  readonly runId: string;
  readonly label: string;
  readonly color: string;
  /**
   * `raw` is the measured line; `smoothed` its EMA, drawn over a faded raw line; `baseline` a flat
   * dashed reference line (a `baseline.*` eval) over the plotted iterations. A group of seeds
   * (seedGroups.ts) draws `band-lower` and `band-upper` (the band's edges, filled between, in that
   * order), `center` (its median or mean) and, when asked, each seed thin as `seed`.
   */
  readonly role: 'raw' | 'smoothed' | 'baseline' | 'band-lower' | 'band-upper' | 'center' | 'seed';
  /** The group of seeds a band dataset belongs to (its id, SeedGroup.id). */
  readonly groupId?: string;
  readonly points: Point[];
  /** Points in range before decimation. */
  readonly rawLength: number;
}

/** What main.ts needs to draw one line chart. */
export interface LineChartData {
  readonly kind: 'line';
  readonly id: string;
  readonly title: string;
  readonly yLabel: string;
  readonly datasets: LineDataset[];
}

/** What main.ts needs to draw the k* histogram. */
export interface BarChartData {
  readonly kind: 'bar';
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly labels: string[];
  readonly datasets: { readonly runId: string; readonly label: string; readonly color: string; readonly counts: number[] }[];
}

/** Either kind of chart. */
export type ChartData = LineChartData | BarChartData;

/** Progress of one run, toward the limit that ends it (src/protocol/progressToward.ts, the CLI's bar's rule). */
export interface Progress {
  /** What `done` and `total` count: outer iterations, or oracle calls of the run's budget (`maxOracleCalls`) when that ends it first. */
  readonly unit: ProgressUnit;
  /** Done and planned, in `unit`: iterations done and planned, or oracle calls used and the budget. */
  readonly done: number;
  readonly total: number;
  /** Outer iterations done (equal to `done` when the unit is iterations). */
  readonly iterations: number;
  /** 0–1 (1 once finished). */
  readonly fraction: number;
  readonly elapsedMs: number;
  /** Remaining time at the current pace; undefined before the first iteration or once finished. */
  readonly etaMs?: number;
}

/** One row of the summary table; undefined cells print as —. */
export interface SummaryRow {
  readonly runId: string;
  readonly label: string;
  readonly color: string;
  readonly status: RunStatus;
  readonly message?: string;
  readonly iterations: number;
  readonly finalUpper?: number;
  readonly upperDistance?: number;
  readonly iterationsToTolerance?: number;
  readonly msPerIteration?: number;
  readonly peakBytes?: number;
  readonly check?: CheckView;
  /** The last evaluation's held-out metrics (with `.ci95` and `baseline.*` entries), if any. */
  readonly evals?: Readonly<Record<string, number>>;
  /** Ran beside another run: its times are not its own. */
  readonly concurrent?: boolean;
  /** What iterations to tolerance counted (‖x − x*‖ or ‖g‖). */
  readonly toleranceMeasure: ToleranceMeasure;
  /** The tolerance from the run's settings, when known. */
  readonly tolerance?: number;
}

/** A chart folded away because every run's series is constant: its title and each distinct value. */
export interface ConstantChart {
  readonly id: string;
  readonly title: string;
  /** One entry per distinct value; `labels` are the runs with it. */
  readonly values: readonly { readonly value: number; readonly labels: readonly string[] }[];
}

/** A section of the page and the chart ids in it, in page order. */
export interface ChartGroup {
  readonly section: ChartSection;
  readonly title: string;
  readonly ids: readonly string[];
}

/** Defaults when the host sent none. */
export const DEFAULT_CHART_DEFAULTS: ChartDefaults = { logScaleY: false, smoothing: 0, maxPointsPerSeries: 2000 };

/** The runs of one panel and everything derived from them. */
export class PanelModel {
  title = '';
  chartDefaults: ChartDefaults = DEFAULT_CHART_DEFAULTS;
  runs: RunState[] = [];
  /** The groups of seeds, computed once per snapshot (settings come only with a snapshot). */
  private groupCache: SeedGroup[] | undefined;
  /** Each band by `<chart>\0<group>`, with what it was computed from: recomputed only when that changed. */
  private readonly bandCache = new Map<string, { sig: string; band: BandPoint[] }>();

  /** Replaces everything with a snapshot (after `ready`, or when a queued run of the panel started). */
  applySnapshot(msg: Pick<SnapshotMessage, 'title' | 'runs' | 'chartDefaults'>): void {
    this.title = msg.title;
    this.chartDefaults = msg.chartDefaults;
    this.runs = msg.runs.map((view) => {
      const state = newRunState(view);
      appendRecords(state, view.records);
      addBaselines(state, view.summary?.evals);
      return state;
    });
    this.groupCache = undefined;
    this.bandCache.clear();
  }

  /** Adds records to a run; records at or before its last iteration are ignored. True if any was new. */
  append(runId: string, records: readonly IterationRecord[]): boolean {
    const run = this.run(runId);
    return run ? appendRecords(run, records) > 0 : false;
  }

  /** A run's status change (at time `now`). True if the run is in the panel. */
  applyStatus(msg: Omit<StatusMessage, 'type'>, now: number = Date.now()): boolean {
    const run = this.run(msg.runId);
    if (!run) return false;
    if (msg.status !== 'running') run.endedAt ??= now;
    run.status = msg.status;
    if (msg.message !== undefined) run.message = msg.message;
    if (msg.summary !== undefined) {
      run.summary = msg.summary;
      addBaselines(run, msg.summary.evals);
    }
    return true;
  }

  run(runId: string): RunState | undefined {
    return this.runs.find((r) => r.runId === runId);
  }

  /**
   * Each run's colour, in run order: its group's (seedGroups.ts: the method's fixed colour, shaded per
   * group of the same method), so the seeds of a group share it; with no two runs in one group this
   * is chartData.runColors.
   */
  colors(): string[] {
    const byRun = new Map<string, string>();
    for (const g of this.groups()) for (const id of g.runIds) byRun.set(id, g.color);
    return this.runs.map((r) => byRun.get(r.runId)!);
  }

  /** A run's label in the run list and the tables: with its seed when it is one seed of a group (`rhg · seed 1`), so the rows tell apart. */
  runLabel(run: Pick<RunState, 'runId' | 'label' | 'settings'>): string {
    const seed = run.settings?.[SEED_KEY];
    const group = this.groups().find((g) => g.runIds.includes(run.runId));
    const named = seed !== undefined && new RegExp(`\\bseed ${String(seed)}\\b`).test(run.label);
    return seed !== undefined && !named && group !== undefined && group.runIds.length > 1 ? `${run.label} · seed ${String(seed)}` : run.label;
  }

  /** The runs grouped by settings except the seed (seedGroups.ts), ordered by their first run. */
  groups(): SeedGroup[] {
    this.groupCache ??= groupRuns(this.runs);
    return this.groupCache;
  }

  /** The colour of run `runId` (the first palette colour for an unknown run). */
  colorOf(runId: string): string {
    const i = this.runs.findIndex((r) => r.runId === runId);
    return this.colors()[Math.max(0, i)] ?? runColors([{ method: '' }])[0]!;
  }

  /** The charts of {@link chartIds} grouped by section, in page order; sections without charts are left out. */
  chartGroups(ids: readonly string[] = this.chartIds()): ChartGroup[] {
    return CHART_SECTIONS.map((s) => ({ section: s.id, title: s.title, ids: ids.filter((id) => chartSection(id) === s.id) })).filter((g) => g.ids.length > 0);
  }

  /**
   * Chart `id` when every run's series of it is constant (a flat memory line, `cg.converged` = 1), so it
   * can be folded into one line; undefined when any run's series varies or no run has two points yet
   * (one point says nothing about being constant).
   */
  constantChart(id: string): ConstantChart | undefined {
    const def = seriesDef(id);
    if (!def) return undefined;
    const values: { value: number; labels: string[] }[] = [];
    let longest = 0;
    for (const run of this.runs) {
      const points = run.series.get(id);
      if (!points || points.length === 0) continue;
      longest = Math.max(longest, points.length);
      const value = constantValue(points);
      if (value === undefined) return undefined;
      const same = values.find((v) => v.value === value);
      if (same) same.labels.push(run.label);
      else values.push({ value, labels: [run.label] });
    }
    return longest >= 2 ? { id, title: def.title, values } : undefined;
  }

  /** Total records held over all runs. */
  get recordCount(): number {
    return this.runs.reduce((n, r) => n + r.count, 0);
  }

  /**
   * The charts with data, in page order: the losses, the held-out evaluations (sorted by name), the
   * other metrics, then the method statistics (the papers' ones first, then the others sorted), then
   * the k* histogram.
   */
  chartIds(): string[] {
    const has = (id: string): boolean => this.runs.some((r) => (r.series.get(id)?.length ?? 0) > 0);
    const ids = METRICS.map((m) => m.key).filter(has);
    const evalIds = new Set<string>();
    for (const r of this.runs) for (const id of r.series.keys()) if (id.startsWith(EVAL_PREFIX) && has(id)) evalIds.add(id);
    // Accuracy and F1 curves sit next to the losses, where one looks first.
    const afterLosses = ids.filter((id) => id === 'upperLoss' || id === 'lowerLoss').length;
    ids.splice(afterLosses, 0, ...[...evalIds].sort());
    const statKeys = new Set<string>();
    for (const r of this.runs) for (const id of r.series.keys()) if (id.startsWith(STAT_PREFIX) && has(id)) statKeys.add(id.slice(STAT_PREFIX.length));
    ids.push(...orderStatKeys(statKeys).map((k) => STAT_PREFIX + k));
    if (this.runs.some((r) => r.kStar.size > 0)) ids.push(KSTAR_HISTOGRAM);
    return ids;
  }

  /**
   * The data of chart `id` as shown with `view` against `xAxis`; undefined for an unknown or empty chart.
   * With `band`, a group of two or more seeds (seedGroups.ts) is drawn as its band (see
   * {@link bandDatasets}); without, or for a lone run, each run is a line as it always was.
   */
  chart(id: string, view: ChartView, smoothing: number = this.chartDefaults.smoothing, maxPoints: number = this.chartDefaults.maxPointsPerSeries, xAxis: XAxisKey = 'iteration', band?: BandView): ChartData | undefined {
    if (id === KSTAR_HISTOGRAM) return this.kStarHistogram();
    const def = seriesDef(id);
    if (!def) return undefined;
    const datasets: LineDataset[] = [];
    const keep = axisFilter(view.logX, view.logY);
    const colors = this.colors();
    // No copies of the (up to 10^5-point) series: the range is an index window, the log-axis
    // filter is applied while decimating, and the EMA is cached and extended as records arrive.
    const shown = (points: readonly Point[]): { points: Point[]; rawLength: number } => {
      const [lo, hi] = rangeIndices(points, view.xRange);
      const d = decimateRange(points, lo, hi, maxPoints, keep);
      return { points: d.points, rawLength: d.count };
    };
    const lines = (run: RunState, color: string): void => {
      const series = run.series.get(id);
      if (!series || series.length === 0) return;
      datasets.push({ runId: run.runId, label: run.label, color, role: 'raw', ...shown(axisSeries(run, id, series, xAxis)) });
      if (smoothing > 0) datasets.push({ runId: run.runId, label: run.label, color, role: 'smoothed', ...shown(smoothedSeries(run, id, smoothing, xAxis)) });
    };
    if (!band) {
      this.runs.forEach((run, index) => lines(run, colors[index]!));
    } else {
      for (const group of this.groups()) {
        const members = group.runIds.map((runId) => this.run(runId)!);
        if (group.runIds.length < 2) lines(members[0]!, group.color);
        else datasets.push(...this.bandDatasets(id, group, members, view, smoothing, xAxis, band, shown));
      }
    }
    if (datasets.length === 0) return undefined;
    if (id.startsWith(EVAL_PREFIX)) datasets.push(...this.baselineDatasets(id.slice(EVAL_PREFIX.length), datasets, keep));
    return { kind: 'line', id, title: def.title, yLabel: def.yLabel, datasets };
  }

  /**
   * The datasets of a group of seeds on chart `id`: the band's lower and upper edge (filled between),
   * its centre line, and each seed thin when `band.showSeeds`. The band is bandOf's (src/common/bands.ts)
   * over the seeds' curves (smoothed first when smoothing is on) on `xAxis`, within the zoomed range;
   * a finished seed holds its last value, a running one does not. It is recomputed only when a curve
   * grew, a status, the axis, the range, the statistic or the smoothing changed, so streaming records
   * cost one band per throttled redraw. On a log y axis, grid points whose lower edge (or centre) is
   * not positive are left out of the band (or the line).
   */
  private bandDatasets(
    id: string,
    group: SeedGroup,
    members: readonly RunState[],
    view: ChartView,
    smoothing: number,
    xAxis: XAxisKey,
    band: BandView,
    shown: (points: readonly Point[]) => { points: Point[]; rawLength: number },
  ): LineDataset[] {
    const withData = members.filter((run) => (run.series.get(id)?.length ?? 0) > 0);
    if (withData.length === 0) return [];
    const curves = withData.map((run) => sliceRange(smoothing > 0 ? smoothedSeries(run, id, smoothing, xAxis) : axisSeries(run, id, run.series.get(id)!, xAxis), view.xRange));
    const hold = withData.map((run) => isFinished(run.status));
    const sig = JSON.stringify([xAxis, band.stat, view.logX, view.xRange ?? null, smoothing, withData.map((r) => r.runId), curves.map((c) => c.length), hold]);
    const key = `${id}\0${group.id}`;
    let cached = this.bandCache.get(key);
    if (!cached || cached.sig !== sig) {
      cached = { sig, band: bandOf(curves, { stat: band.stat, logX: view.logX, hold, points: BAND_POINTS }) };
      this.bandCache.set(key, cached);
    }
    const inBand = cached.band.filter((p) => !view.logY || p.lower > 0);
    const centre = cached.band.filter((p) => !view.logY || p.center > 0).map((p) => ({ x: p.x, y: p.center }));
    const n = group.runIds.length;
    const common = { runId: group.id, groupId: group.id, color: group.color };
    const out: LineDataset[] = [
      { ...common, label: `${group.label} · ${band.stat === 'median' ? '20–80%' : '95% CI'}`, role: 'band-lower', points: inBand.map((p) => ({ x: p.x, y: p.lower })), rawLength: inBand.length },
      { ...common, label: `${group.label} · ${band.stat === 'median' ? '20–80%' : '95% CI'}`, role: 'band-upper', points: inBand.map((p) => ({ x: p.x, y: p.upper })), rawLength: inBand.length },
      { ...common, label: `${group.label} · ${band.stat} of ${n} seeds`, role: 'center', points: centre, rawLength: centre.length },
    ];
    if (band.showSeeds) {
      for (const run of withData) {
        const seed = run.settings?.[SEED_KEY];
        out.push({ ...common, runId: run.runId, label: seed !== undefined ? `${group.label} · seed ${String(seed)}` : run.label, role: 'seed', ...shown(axisSeries(run, id, run.series.get(id)!, xAxis)) });
      }
    }
    return out;
  }

  /**
   * The dashed baselines of eval `metric` (see baselinesFor) across the x span of `shown`. A baseline
   * is a constant of the problem, so runs that agree on its value share one line; runs that disagree
   * get one line each, labelled with the run.
   */
  baselineDatasets(metric: string, shown: readonly LineDataset[], keep?: (p: Point) => boolean): LineDataset[] {
    const xs = shown.flatMap((d) => (d.points.length > 0 ? [d.points[0]!.x, d.points[d.points.length - 1]!.x] : []));
    if (xs.length === 0) return [];
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    const lines: { name: string; value: number; run: RunState }[] = [];
    for (const run of this.runs) {
      for (const name of baselinesFor(metric, run.baselines.keys())) {
        const value = run.baselines.get(name)!;
        if (!lines.some((l) => l.name === name && l.value === value)) lines.push({ name, value, run });
      }
    }
    return lines.map((l, i) => {
      const points = flatLine(l.value, lo, hi).filter((p) => !keep || keep(p));
      const shared = lines.filter((o) => o.name === l.name).length === 1;
      return { runId: l.run.runId, label: shared ? baselineLabel(l.name) : `${baselineLabel(l.name)} (${l.run.label})`, color: baselineColor(i), role: 'baseline' as const, points, rawLength: points.length };
    }).filter((d) => d.points.length > 0);
  }

  /** The k* histogram over the runs that have k*, one bar series per run. */
  kStarHistogram(): BarChartData | undefined {
    const colors = this.colors();
    const withK = this.runs.map((r, index) => ({ r, index })).filter(({ r }) => r.kStar.size > 0);
    if (withK.length === 0) return undefined;
    const values = [...new Set(withK.flatMap(({ r }) => [...r.kStar.keys()]))].sort((a, b) => a - b);
    return {
      kind: 'bar',
      id: KSTAR_HISTOGRAM,
      title: KSTAR_HISTOGRAM_TITLE,
      xLabel: 'k*',
      labels: values.map(String),
      datasets: withK.map(({ r, index }) => ({ runId: r.runId, label: r.label, color: colors[index]!, counts: values.map((v) => r.kStar.get(v) ?? 0) })),
    };
  }

  /** Progress of run `runId` at time `now`. */
  progress(runId: string, now: number): Progress | undefined {
    const run = this.run(runId);
    return run ? progressOf(run, now) : undefined;
  }

  /** What the "to reach target" table measures: ‖x − x*‖ when every run with records has it, else F. */
  targetMeasure(): TargetMeasure {
    return targetMeasure(this.runs.filter((r) => r.count > 0).map((r) => (r.series.get('upperDistance')?.length ?? 0) > 0));
  }

  /** The target the table starts with: the runs' `tolerance` setting when they have one, else 1e-2. */
  defaultTarget(): number {
    return defaultTarget(this.runs.map((r) => r.settings?.tolerance));
  }

  /**
   * One row per group of seeds: the seconds and oracle calls at which each seed's {@link targetMeasure}
   * first fell to `target` (firstReach on its curve against wall time and against oracle calls), their
   * median over the seeds that reached it, and how many did. A run without record times has no time.
   */
  targetRows(target: number): TargetRow[] {
    const measure = this.targetMeasure();
    return this.groups().map((g) =>
      targetRow(
        g,
        g.runIds.map((runId): SeedCurves => {
          const run = this.run(runId)!;
          const series = run.series.get(measure) ?? [];
          return { time: run.t0 === undefined ? [] : axisSeries(run, measure, series, 'time'), oracleCalls: axisSeries(run, measure, series, 'oracleCalls') };
        }),
        target,
      ),
    );
  }

  /** The summary table: final F, distance, iterations to tolerance, time per iteration, peak memory, check. */
  summaryRows(): SummaryRow[] {
    const colors = this.colors();
    return this.runs.map((r, index) => {
      const s = r.summary;
      const last = s?.last ?? r.lastRecord;
      const msPerIteration = s?.msPerIteration ?? (r.count > 0 ? r.msSum / r.count : undefined);
      const peakBytes = s?.peakBytes ?? (r.count > 0 ? r.peakBytes : undefined);
      return {
        runId: r.runId,
        label: this.runLabel(r),
        color: colors[index]!,
        status: r.status,
        ...(r.message !== undefined ? { message: r.message } : {}),
        iterations: s?.iterations ?? r.count,
        ...(last ? { finalUpper: last.upperLoss } : {}),
        ...(last?.upperDistance !== undefined ? { upperDistance: last.upperDistance } : {}),
        ...(s?.iterationsToTolerance !== undefined ? { iterationsToTolerance: s.iterationsToTolerance } : {}),
        ...(msPerIteration !== undefined ? { msPerIteration } : {}),
        ...(peakBytes !== undefined ? { peakBytes } : {}),
        ...(r.check ? { check: r.check } : {}),
        ...((s?.evals ?? r.lastEvals) ? { evals: s?.evals ?? r.lastEvals } : {}),
        ...(r.concurrent ? { concurrent: true } : {}),
        toleranceMeasure: toleranceMeasure(last),
        ...(typeof r.settings?.tolerance === 'number' ? { tolerance: r.settings.tolerance } : {}),
      };
    });
  }
}

/** The eval metrics the summary table gets a column for (not baselines, not `.ci95`), sorted. */
export function evalColumns(rows: readonly Pick<SummaryRow, 'evals'>[]): string[] {
  return evalMetricNames(rows.map((r) => r.evals));
}

/** A summary cell of eval `name`: `0.912 ± 0.004` with its 95% half-width when known, `—` when missing. */
export function formatEval(evals: Readonly<Record<string, number>> | undefined, name: string): string {
  return formatEvalValue(evals, name, formatNumber);
}

/** The definition of a metric (src/protocol/metricCatalog.ts), `eval:<name>` or `stat:<key>` chart. */
export function seriesDef(id: string): SeriesDef | undefined {
  const metric = metricDef(id);
  if (metric) return { id, title: metric.title, yLabel: metric.yLabel, unit: metric.unit, read: metric.read };
  if (id.startsWith(EVAL_PREFIX)) {
    const name = id.slice(EVAL_PREFIX.length);
    return { id, title: evalTitle(name), yLabel: name, unit: 'value', read: (r) => r.evals?.[name] };
  }
  if (!id.startsWith(STAT_PREFIX)) return undefined;
  const key = id.slice(STAT_PREFIX.length);
  return { id, title: statTitleInWords(key), yLabel: key, unit: 'value', read: (r) => statNumber(r.stats[key]) };
}

/** A value of chart `id` as its tooltip shows it, in the metric's unit: `1.50 MiB`, `12.5 ms`, `1234`, `0.1235`. */
export function formatChartValue(id: string, y: number | undefined): string {
  const unit = seriesDef(id)?.unit ?? 'value';
  if (y === undefined || !Number.isFinite(y)) return formatNumber(y);
  if (unit === 'bytes') return formatBytes(y);
  if (unit === 'ms') return `${formatNumber(y)} ms`;
  // Counts are whole numbers; 4 significant digits would turn 12345 into 12350.
  return unit === 'count' ? String(Math.round(y)) : formatNumber(y);
}

function newRunState(view: RunView): RunState {
  return {
    runId: view.runId,
    label: view.label,
    method: view.method,
    problem: view.problem,
    status: view.status,
    ...(view.message !== undefined ? { message: view.message } : {}),
    ...(view.summary !== undefined ? { summary: view.summary } : {}),
    ...(view.check !== undefined ? { check: view.check } : {}),
    iterations: view.iterations,
    startedAt: view.startedAt,
    ...(view.endedAt !== undefined ? { endedAt: view.endedAt } : {}),
    ...(view.settings !== undefined ? { settings: view.settings } : {}),
    ...(view.concurrent ? { concurrent: true } : {}),
    ...(view.missing ? { missing: true } : {}),
    ...(view.backend !== undefined ? { backend: view.backend } : {}),
    ...(view.requestedBackend !== undefined ? { requestedBackend: view.requestedBackend } : {}),
    count: 0,
    lastIteration: -1,
    msSum: 0,
    peakBytes: 0,
    baselines: new Map(),
    series: new Map(),
    kStar: new Map(),
    smoothed: new Map(),
    recordIterations: [],
    axisX: { time: [], gradientEvals: [], hvpEvals: [] },
    onAxis: new Map(),
  };
}

/** The section chart `id` belongs to: a metric's from the catalog, evaluations and statistics by their prefix. */
export function chartSection(id: string): ChartSection {
  const metric = metricDef(id);
  if (metric) return metric.section;
  return id.startsWith(EVAL_PREFIX) ? 'evaluation' : 'stats';
}

/**
 * Whether chart `id` starts on a log y axis: always with `bilevel.charts.logScaleY`, else when the
 * quantity is a norm, distance or residual (the catalog's `logScale`, statLogScale for statistics).
 * The chart's own toggle overrides both (a ChartView is kept once the user pressed it).
 */
export function defaultLogY(id: string, defaults: Pick<ChartDefaults, 'logScaleY'>): boolean {
  if (defaults.logScaleY) return true;
  const metric = metricDef(id);
  if (metric) return metric.logScale;
  return id.startsWith(STAT_PREFIX) && statLogScale(id.slice(STAT_PREFIX.length));
}

/** The common value of a series when every point has it (up to float noise), else undefined. */
export function constantValue(points: readonly Point[]): number | undefined {
  if (points.length === 0) return undefined;
  const first = points[0]!.y;
  const tol = 1e-12 * Math.max(1, Math.abs(first));
  for (const p of points) if (Math.abs(p.y - first) > tol) return undefined;
  return first;
}

/**
 * The x of each record on a wall-time axis: seconds since the run's first record's `time`; a record
 * without a time (or a run whose first record has none) keeps its iteration.
 */
export function wallTimeX(records: readonly Pick<IterationRecord, 'iteration' | 'time'>[]): number[] {
  const t0 = records[0]?.time;
  return records.map((r) => (t0 !== undefined && r.time !== undefined ? (r.time - t0) / 1000 : r.iteration));
}

/**
 * The x of a run's iteration on `axis`: the iteration itself; seconds since the run's first record (a
 * run whose first record has no time stays on iterations, as {@link wallTimeX}); the cumulative
 * gradient or HVP count, or both together for oracle calls. Undefined when the record cannot say.
 */
export function xAt(run: Pick<RunState, 't0' | 'recordIterations' | 'axisX'>, axis: XAxisKey, iteration: number): number | undefined {
  if (axis === 'iteration') return iteration;
  const index = lowerBoundOf(run.recordIterations, iteration);
  return run.recordIterations[index] === iteration ? xOfRecord(run, axis, index, iteration) : undefined;
}

/** The x of the run's record at `index` (of iteration `iteration`) on a non-iteration axis. */
function xOfRecord(run: Pick<RunState, 't0' | 'axisX'>, axis: Exclude<XAxisKey, 'iteration'>, index: number, iteration: number): number | undefined {
  const x = axis === 'oracleCalls' ? run.axisX.gradientEvals[index]! + run.axisX.hvpEvals[index]! : axis === 'time' && run.t0 === undefined ? iteration : run.axisX[axis][index]!;
  return Number.isNaN(x) ? undefined : x;
}

function lowerBoundOf(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A run's series `id` (x = iteration) on `axis`, cached and extended as records arrive; points whose x is unknown are left out. */
function axisSeries(run: RunState, id: string, source: readonly Point[], axis: XAxisKey): readonly Point[] {
  if (axis === 'iteration') return source;
  const key = `${axis}:${id}`;
  let cache = run.onAxis.get(key);
  if (!cache) {
    cache = { consumed: 0, cursor: 0, points: [] };
    run.onAxis.set(key, cache);
  }
  return extendOnAxis(run, source, cache, axis);
}

// The series' points and the run's records both come in iteration order: one cursor walks the records, no lookups.
function extendOnAxis(run: RunState, source: readonly Point[], cache: AxisSeries, axis: Exclude<XAxisKey, 'iteration'>): Point[] {
  const iterations = run.recordIterations;
  for (; cache.consumed < source.length; cache.consumed++) {
    const p = source[cache.consumed]!;
    while (cache.cursor < iterations.length && iterations[cache.cursor]! < p.x) cache.cursor++;
    if (iterations[cache.cursor] !== p.x) continue;
    const x = xOfRecord(run, axis, cache.cursor, p.x);
    if (x !== undefined) cache.points.push({ x, y: p.y });
  }
  return cache.points;
}

/** The EMA of a run's series at `weight` (same rule as {@link smoothEma}), computed once and extended. */
function smoothedSeries(run: RunState, id: string, weight: number, xAxis: XAxisKey = 'iteration'): readonly Point[] {
  const raw = run.series.get(id) ?? [];
  const a = Math.min(weight, 0.999);
  let cache = run.smoothed.get(id);
  if (!cache || cache.weight !== a) {
    cache = { weight: a, s: 0, debias: 0, points: [], onAxis: new Map() };
    run.smoothed.set(id, cache);
  }
  for (let i = cache.points.length; i < raw.length; i++) {
    const p = raw[i]!;
    cache.s = a * cache.s + (1 - a) * p.y;
    cache.debias = a * cache.debias + (1 - a);
    cache.points.push({ x: p.x, y: cache.s / cache.debias });
  }
  if (xAxis === 'iteration') return cache.points;
  let onAxis = cache.onAxis.get(xAxis);
  if (!onAxis) {
    onAxis = { consumed: 0, cursor: 0, points: [] };
    cache.onAxis.set(xAxis, onAxis);
  }
  return extendOnAxis(run, cache.points, onAxis, xAxis);
}

/** Appends records in iteration order, skipping ones already seen; returns how many were new. */
function appendRecords(run: RunState, records: readonly IterationRecord[]): number {
  let added = 0;
  for (const r of records) {
    if (r.iteration <= run.lastIteration) continue;
    run.lastIteration = r.iteration;
    run.lastRecord = r;
    if (r.time !== undefined) run.firstTimed ??= { iteration: r.iteration, time: r.time, calls: r.gradientEvals + r.hvpEvals };
    // Wall time counts from the run's first record (wallTimeX): a run whose first record has no time stays on iterations.
    if (run.count === 0) run.t0 = r.time;
    run.recordIterations.push(r.iteration);
    for (const axis of ['time', 'gradientEvals', 'hvpEvals'] as const) run.axisX[axis].push(xOf(axis, r, run.t0) ?? Number.NaN);
    run.count++;
    added++;
    run.msSum += r.forwardMs + r.backwardMs;
    if (r.numBytes > run.peakBytes) run.peakBytes = r.numBytes;
    for (const m of METRICS) push(run.series, m.key, r.iteration, m.read(r));
    if (r.evals) {
      run.lastEvals = r.evals;
      for (const [name, value] of Object.entries(r.evals)) if (isEvalMetric(name)) push(run.series, EVAL_PREFIX + name, r.iteration, value);
      addBaselines(run, r.evals);
    }
    for (const [key, value] of Object.entries(r.stats ?? {})) {
      // A statistic of another method (T-RHG's M on an RHG run) gets no line for this run.
      if (!statShownFor(key, run.method)) continue;
      const y = statNumber(value);
      push(run.series, STAT_PREFIX + key, r.iteration, y);
      if (key === KSTAR_STAT && y !== undefined && Number.isFinite(y)) run.kStar.set(y, (run.kStar.get(y) ?? 0) + 1);
    }
  }
  return added;
}

/** Keeps the finite `baseline.*` values of `evals` as the run's latest. */
function addBaselines(run: RunState, evals: Readonly<Record<string, number>> | undefined): void {
  for (const [name, value] of Object.entries(evals ?? {})) if (isBaseline(name) && Number.isFinite(value)) run.baselines.set(name, value);
}

function push(series: Map<string, Point[]>, id: string, x: number, y: number | undefined): void {
  // NaN and ±Infinity (a diverged run) cannot be drawn; the status message says what happened.
  if (y === undefined || !Number.isFinite(y)) return;
  const list = series.get(id);
  if (list) list.push({ x, y });
  else series.set(id, [{ x, y }]);
}

/**
 * Progress of a run toward the limit that ends it (progressToward, the rule of the CLI's bar):
 * iterations done of planned, or with an oracle-call budget (the `maxOracleCalls` of its settings)
 * oracle calls used of the budget when that is nearer its end; elapsed time and, while running, the
 * ETA in the same unit.
 */
export function progressOf(
  run: Pick<RunState, 'status' | 'iterations' | 'startedAt' | 'endedAt' | 'count' | 'lastIteration' | 'summary'> & {
    readonly settings?: RunSettings;
    readonly firstTimed?: TimedIteration;
    readonly lastRecord?: Pick<IterationRecord, 'iteration' | 'time' | 'gradientEvals' | 'hvpEvals'>;
  },
  now: number,
): Progress {
  const iterations = run.lastIteration + 1;
  const record = run.lastRecord?.iteration === run.lastIteration ? run.lastRecord : undefined;
  const position = record !== undefined ? progressToward(record, { iterations: run.iterations, maxOracleCalls: oracleBudget(run.settings) }) : undefined;
  const unit = position?.unit ?? 'iterations';
  const done = position?.done ?? iterations;
  // An unknown iteration count (0) is at least what is done; a budget is what it is (the last iteration may overshoot it).
  const total = unit === 'iterations' ? Math.max(run.iterations, done) : position!.total;
  const finished = run.status !== 'running';
  // A finished run's clock stops when it ended (known from the store, or when the panel saw it end).
  const elapsedMs = Math.max(0, (finished ? (run.endedAt ?? now) : now) - run.startedAt);
  // A completed run is full; a cancelled or failed one shows how far it got.
  const fraction = run.status === 'completed' ? 1 : total > 0 ? Math.min(1, done / total) : 0;
  let eta: number | undefined;
  if (!finished && run.firstTimed !== undefined && record?.time !== undefined) {
    const first = unit === 'iterations' ? run.firstTimed.iteration + 1 : run.firstTimed.calls;
    if (first !== undefined) eta = estimateRemainingMs({ done: first, at: run.firstTimed.time }, { done, at: record.time }, total);
  }
  return { unit, done, total, iterations, fraction, elapsedMs, ...(eta !== undefined ? { etaMs: eta } : {}) };
}

/** The run's oracle-call budget from its settings (the resolved `maxOracleCalls`, or as asked before it has a record); 0: none. */
export function oracleBudget(settings: RunSettings | undefined): number {
  const budget = settings?.maxOracleCalls;
  return typeof budget === 'number' && budget > 0 ? budget : 0;
}

/** An iteration and when its record was made (IterationRecord.time, the writer's clock), with the oracle calls so far when known. */
export interface TimedIteration {
  readonly iteration: number;
  readonly time: number;
  readonly calls?: number;
}

/**
 * Exponential moving average with TensorBoard's debiasing (the first points are not pulled to 0):
 * s_i = a·s_{i−1} + (1−a)·y_i, shown as s_i / (1 − a^{i+1}). `weight` a in [0, 1); 0 returns a copy.
 */
export function smoothEma(points: readonly Point[], weight: number): Point[] {
  if (!(weight > 0)) return points.slice();
  const a = Math.min(weight, 0.999);
  const out: Point[] = new Array<Point>(points.length);
  let s = 0;
  let debias = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    s = a * s + (1 - a) * p.y;
    debias = a * debias + (1 - a);
    out[i] = { x: p.x, y: s / debias };
  }
  return out;
}

/** The points with x in [min, max] plus one neighbour on each side, so lines reach the edges (x sorted). */
export function sliceRange(points: readonly Point[], range: readonly [number, number] | undefined): readonly Point[] {
  if (!range) return points;
  const [lo, hi] = rangeIndices(points, range);
  return points.slice(lo, hi);
}

/** The index window [lo, hi) of {@link sliceRange}. */
export function rangeIndices(points: readonly Point[], range: readonly [number, number] | undefined): [number, number] {
  if (!range) return [0, points.length];
  const lo = Math.max(0, lowerBound(points, range[0]) - 1);
  const hi = Math.min(points.length, lowerBound(points, range[1], true) + 1);
  return [lo, Math.max(lo, hi)];
}

/** First index with x ≥ value (or > value when `after`), by binary search. */
function lowerBound(points: readonly Point[], value: number, after = false): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = points[mid]!.x;
    if (x < value || (after && x === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Which points a log axis can show (y > 0 on log y, x > 0 on log x); undefined when both are linear. */
export function axisFilter(logX: boolean, logY: boolean): ((p: Point) => boolean) | undefined {
  if (!logX && !logY) return undefined;
  return (p) => (!logX || p.x > 0) && (!logY || p.y > 0);
}

/** Drops points a log axis cannot show (y ≤ 0 on log y, x ≤ 0 on log x). */
export function filterForAxes(points: readonly Point[], logX: boolean, logY: boolean): readonly Point[] {
  const keep = axisFilter(logX, logY);
  return keep ? points.filter(keep) : points;
}

/**
 * At most `maxPoints` points (x sorted): the first and last point, and per bucket of consecutive
 * points its minimum and maximum, in x order. Extremes survive, which a stride would lose (a loss
 * spike is exactly what one looks for). O(n); 10^5 points take about a millisecond.
 */
export function decimateMinMax(points: readonly Point[], maxPoints: number): Point[] {
  return decimateRange(points, 0, points.length, maxPoints).points;
}

/** The check column: `✓ pass 2.1e-6`, `✗ fail 0.03`, `≈ 0.12` (approximate methods are not judged), with the max relative error. */
export function formatCheck(check: CheckView | undefined): string {
  if (!check) return '—';
  const err = formatNumber(check.maxRelativeError);
  return check.verdict === 'pass' ? `✓ pass ${err}` : check.verdict === 'fail' ? `✗ fail ${err}` : `≈ ${err}`;
}

/** What the webview persists with setState, so a reload or a VS Code restart restores the panel. */
export interface PersistedState {
  readonly title: string;
  readonly runIds: readonly string[];
  readonly charts: Readonly<Record<string, ChartView>>;
  /** Smoothing chosen with the slider, if the user moved it. */
  readonly smoothing?: number;
  /** Hypergradient checks by run id, for checks the store does not have (older runs); a stored check.json wins. */
  readonly checks?: Readonly<Record<string, CheckView>>;
  /** The charts' x axis (older panels saved only `iteration` or `time`, which read back as they were). */
  readonly xAxis?: XAxisKey;
  /** The panel's "log x" checkbox: every line chart's x axis logarithmic (each chart's own button can still change it). */
  readonly logX?: boolean;
  /** What a group of seeds draws: the median with its 20–80% band, or the mean ± 95% CI. */
  readonly bandStat?: BandStat;
  /** Whether each seed of a group is also drawn, thin and faint. */
  readonly showSeeds?: boolean;
  /** The "to reach target" table's target, once the user typed one. */
  readonly target?: number;
  /** Whether constant charts are folded into one line each (default on). */
  readonly hideConstant?: boolean;
  /** Whether the settings table lists only the settings that differ. */
  readonly onlyDifferingSettings?: boolean;
  /** Sections the user collapsed (ChartSection ids, and `settings`). */
  readonly collapsed?: readonly string[];
}

/** Reads a persisted state defensively (it may come from an older version of the panel). */
export function readPersistedState(value: unknown): PersistedState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const runIds = Array.isArray(v.runIds) ? v.runIds.filter((id): id is string => typeof id === 'string') : [];
  const charts: Record<string, ChartView> = {};
  if (typeof v.charts === 'object' && v.charts !== null) {
    for (const [id, c] of Object.entries(v.charts as Record<string, unknown>)) {
      if (typeof c !== 'object' || c === null) continue;
      const cv = c as Record<string, unknown>;
      const range = Array.isArray(cv.xRange) && cv.xRange.length === 2 && cv.xRange.every((n) => typeof n === 'number') ? (cv.xRange as [number, number]) : undefined;
      charts[id] = { logY: cv.logY === true, logX: cv.logX === true, ...(range ? { xRange: range } : {}) };
    }
  }
  const checks = readChecks(v.checks);
  return {
    title: typeof v.title === 'string' ? v.title : '',
    runIds,
    charts,
    ...(typeof v.smoothing === 'number' && Number.isFinite(v.smoothing) ? { smoothing: v.smoothing } : {}),
    ...(checks ? { checks } : {}),
    ...(isXAxisKey(v.xAxis) ? { xAxis: v.xAxis } : {}),
    ...(typeof v.logX === 'boolean' ? { logX: v.logX } : {}),
    ...(v.bandStat === 'median' || v.bandStat === 'mean' ? { bandStat: v.bandStat } : {}),
    ...(typeof v.showSeeds === 'boolean' ? { showSeeds: v.showSeeds } : {}),
    ...(typeof v.target === 'number' && Number.isFinite(v.target) ? { target: v.target } : {}),
    ...(typeof v.hideConstant === 'boolean' ? { hideConstant: v.hideConstant } : {}),
    ...(typeof v.onlyDifferingSettings === 'boolean' ? { onlyDifferingSettings: v.onlyDifferingSettings } : {}),
    ...(Array.isArray(v.collapsed) ? { collapsed: v.collapsed.filter((c): c is string => typeof c === 'string') } : {}),
  };
}

function readChecks(value: unknown): Record<string, CheckView> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, CheckView> = {};
  for (const [id, c] of Object.entries(value as Record<string, unknown>)) {
    const cv = c as Partial<CheckView> | null;
    if (cv && (cv.verdict === 'pass' || cv.verdict === 'fail' || cv.verdict === 'approximate') && typeof cv.maxRelativeError === 'number' && typeof cv.relativeErrorVsRhg === 'number') {
      out[id] = { verdict: cv.verdict, maxRelativeError: cv.maxRelativeError, relativeErrorVsRhg: cv.relativeErrorVsRhg };
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
