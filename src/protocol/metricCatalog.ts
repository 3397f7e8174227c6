// What the charts show: the per-iteration metrics of an IterationRecord (key, title, axis label, how
// to read it, unit, log axis), and the titles of method statistics and held-out evaluations. One list
// for the live run panel (webview/state.ts) and the HTML report (src/report/reportData.ts), so both
// draw the same charts under the same names. Plain data and pure functions; it lives in src/protocol
// because it describes protocol's IterationRecord (src/common may not import protocol) and both the
// webview and the report may import protocol.
import type { IterationRecord } from './metrics';

/** What a metric's numbers are, for formatting: a plain quantity, a count, milliseconds or bytes. */
export type MetricUnit = 'value' | 'count' | 'ms' | 'bytes';

/**
 * The collapsible section of the panel a chart sits in, in page order: the objectives, the
 * hypergradient, the lower level, held-out evaluations, cost (time, gradient counts, memory) and
 * the methods' own statistics.
 */
export type ChartSection = 'objectives' | 'hypergradient' | 'lower' | 'evaluation' | 'cost' | 'stats';

/** Every section in page order, with its heading. */
export const CHART_SECTIONS: readonly { readonly id: ChartSection; readonly title: string }[] = [
  { id: 'objectives', title: 'Objectives' },
  { id: 'hypergradient', title: 'Hypergradient' },
  { id: 'lower', title: 'Lower level' },
  { id: 'evaluation', title: 'Evaluation' },
  { id: 'cost', title: 'Cost' },
  { id: 'stats', title: 'Method statistics' },
];

/** A per-iteration metric with a chart of its own. */
export interface MetricDef {
  /** The chart id (the IterationRecord field, except the derived `iterationMs`). */
  readonly key: string;
  readonly title: string;
  /** The y-axis label. */
  readonly yLabel: string;
  readonly unit: MetricUnit;
  /**
   * Positive and spanning decades as a run converges (norms, distances, residuals), so a log y axis
   * shows it best: the report and the panel start these charts on a log axis (the panel's toggle and
   * `bilevel.charts.logScaleY` override it).
   */
  readonly logScale: boolean;
  readonly section: ChartSection;
  /** The value in a record; undefined when the record has none (e.g. no known solution). */
  readonly read: (r: IterationRecord) => number | undefined;
}

/** The per-iteration metrics, in page order. Absent or non-finite values make no point. */
export const METRICS: readonly MetricDef[] = [
  { key: 'upperLoss', title: 'Upper objective F(x_t, y_K)', yLabel: 'F', unit: 'value', logScale: false, section: 'objectives', read: (r) => r.upperLoss },
  { key: 'lowerLoss', title: 'Lower objective f(x_t, y_K)', yLabel: 'f', unit: 'value', logScale: false, section: 'objectives', read: (r) => r.lowerLoss },
  { key: 'hypergradNorm', title: 'Hypergradient norm ‖g‖', yLabel: '‖g‖', unit: 'value', logScale: true, section: 'hypergradient', read: (r) => r.hypergradNorm },
  { key: 'lowerStationarity', title: 'Lower-level stationarity ‖∇_y f‖', yLabel: '‖∇_y f‖', unit: 'value', logScale: true, section: 'lower', read: (r) => r.lowerStationarity },
  { key: 'upperDistance', title: 'Upper distance to the solution ‖x_t − x*‖', yLabel: '‖x − x*‖', unit: 'value', logScale: true, section: 'objectives', read: (r) => r.upperDistance },
  { key: 'lowerDistance', title: 'Lower distance to the solution ‖y_K − y*‖', yLabel: '‖y − y*‖', unit: 'value', logScale: true, section: 'lower', read: (r) => r.lowerDistance },
  { key: 'iterationMs', title: 'Time per iteration (forward + backward)', yLabel: 'ms', unit: 'ms', logScale: false, section: 'cost', read: (r) => r.forwardMs + r.backwardMs },
  { key: 'gradientEvals', title: 'Cumulative gradient evaluations', yLabel: 'gradients', unit: 'count', logScale: false, section: 'cost', read: (r) => r.gradientEvals },
  { key: 'hvpEvals', title: 'Cumulative second-order products (HVP / mixed VJP)', yLabel: 'products', unit: 'count', logScale: false, section: 'cost', read: (r) => r.hvpEvals },
  { key: 'numTensors', title: 'Live tensors', yLabel: 'tensors', unit: 'count', logScale: false, section: 'cost', read: (r) => r.numTensors },
  { key: 'numBytes', title: 'Memory held by tensors', yLabel: 'bytes', unit: 'bytes', logScale: false, section: 'cost', read: (r) => r.numBytes },
];

/** The metric with chart id `key`, if it is one of {@link METRICS}. */
export function metricDef(key: string): MetricDef | undefined {
  return METRICS.find((m) => m.key === key);
}

// ---- method statistics (IterationRecord.stats) ----------------------------------------------------

/** PTT's k* (worst-case truncation step): besides its trace it gets a histogram (docs/methods.md §8). */
export const KSTAR_STAT = 'ptt.kStar';

/** Title of the k* histogram. */
export const KSTAR_HISTOGRAM_TITLE = 'Histogram of k* (PTT)';

/**
 * Titles of the statistics the methods report (docs/methods.md), in chart order: the ones the source
 * papers care about first. A statistic not listed here is titled from its key ({@link statTitle}).
 */
const STAT_TITLES: Readonly<Record<string, string>> = {
  [KSTAR_STAT]: 'k* trace (PTT: worst-case truncation step)',
  'trhg.M': 'M (T-RHG: back-propagated steps)',
  'bda.alpha': 'α_k (BDA aggregation weight)',
  'slbamm.multiplierNorm': '‖z‖ (sl-BAMM multiplier norm)',
  'ufom.coin': 'UFOM coin (1 = exact correction drawn)',
  'ufom.q': 'q (UFOM correction probability)',
  'bda.termRatio': 'BDA: ratio of the upper to the lower term',
  'bda.upperTrace': 'BDA: upper objective along the trajectory',
  'cg.converged': 'CG: converged (1 = yes)',
  'cg.flag': 'CG: exit flag',
  'cg.iterations': 'CG: iterations used',
  'cg.minCurvature': 'CG: smallest curvature seen',
  'cg.nonPositiveCurvature': 'CG: non-positive curvature met (1 = yes)',
  'cg.relativeResidual': 'CG: relative residual',
  'cg.residual': 'CG: residual norm',
  'cg.vNorm': 'CG: solution norm ‖v‖',
  'fom.gradNorm': 'First-order: gradient norm',
  'ia.yKMinusZ': 'Initialization: ‖y_K − z‖',
  'ia.zNorm': 'Initialization: ‖z‖',
  'iagma.momentum': 'IAGM-A: momentum',
  'iagma.tau': 'IAGM-A: τ',
  'neumann.lastTermNorm': 'Neumann: norm of the last term',
  'ptt.memoryMode': 'PTT: memory mode',
  'ptt.minResidual': 'PTT: smallest residual along the trajectory',
  'ptt.residualAtKStar': 'PTT: residual at k*',
  'ptt.upperAtKStar': 'PTT: upper objective at k*',
  'ptt.upperTrace': 'PTT: upper objective along the trajectory',
  'slbamm.directionNorm': 'sl-BAMM: direction norm',
  'slbamm.eta': 'sl-BAMM: η',
  'slbamm.kktProxy': 'sl-BAMM: KKT residual proxy',
  'slbamm.lambda': 'sl-BAMM: λ',
  'slbamm.mu': 'sl-BAMM: μ',
  'slbamm.residualNorm': 'sl-BAMM: residual norm',
  'ufom.biasSq': 'UFOM: squared bias',
  'ufom.cost': 'UFOM: cost',
  'ufom.dHat': 'UFOM: d̂',
  'ufom.exactPasses': 'UFOM: exact passes',
  'ufom.exactSq': 'UFOM: squared exact correction',
  'ufom.vHat': 'UFOM: v̂',
};

/** The papers' statistics, first in chart order. */
const PAPER_STATS = [KSTAR_STAT, 'trhg.M', 'bda.alpha', 'slbamm.multiplierNorm', 'ufom.coin', 'ufom.q'];

/** The chart title of statistic `key`: the methods' name for the known ones, else the key itself. */
export function statTitle(key: string): string {
  return STAT_TITLES[key] ?? key;
}

/**
 * The title of statistic `key` in words, for the live panel where no chart is titled by a raw key
 * alone: {@link statTitle} for the known ones, else from the key (`foo.someValue` → `foo: some value`).
 */
export function statTitleInWords(key: string): string {
  const known = STAT_TITLES[key];
  if (known) return known;
  const dot = key.indexOf('.');
  const words = (text: string): string => text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return dot < 0 ? words(key) : `${key.slice(0, dot)}: ${words(key.slice(dot + 1))}`;
}

/**
 * Statistics that the shared unrolled-hypergradient code records for every method built on it but that
 * describe one method only (T-RHG's M is just K on an RHG run): the methods they belong to.
 */
const STAT_OWNERS: Readonly<Record<string, readonly string[]>> = {
  'trhg.M': ['t-rhg'],
};

/** True when statistic `key` says something about a run of `method` (so its chart shows that run). */
export function statShownFor(key: string, method: string): boolean {
  const owners = STAT_OWNERS[key];
  return owners === undefined || owners.includes(method);
}

/** True for a statistic best read on a log y axis: a norm, residual or squared quantity (positive, spanning decades). */
export function statLogScale(key: string): boolean {
  return /norm|residual|Sq$|distance/i.test(key.slice(key.indexOf('.') + 1));
}

/** Statistic keys in chart order: the papers' ones first (in the order above), then the others sorted. */
export function orderStatKeys(keys: Iterable<string>): string[] {
  const all = new Set(keys);
  const known = PAPER_STATS.filter((k) => all.has(k));
  const others = [...all].filter((k) => !PAPER_STATS.includes(k)).sort();
  return [...known, ...others];
}

// ---- held-out evaluation metrics (IterationRecord.evals); naming rules in chartData.ts ------------

/** Titles of the evals the built-in problems report; others are titled by their name. */
const EVAL_TITLES: Readonly<Record<string, string>> = {
  'test.accuracy': 'Test accuracy',
  'test.accuracyOfZ': 'Test accuracy from the learned start z',
  f1: 'F1 of clean-sample identification (×100)',
  'test.mse': 'Test mean squared error',
};

/** The chart title of eval `name`, e.g. `Test accuracy (test.accuracy)`. */
export function evalTitle(name: string): string {
  const known = EVAL_TITLES[name];
  return known ? `${known} (${name})` : `Evaluation: ${name}`;
}
