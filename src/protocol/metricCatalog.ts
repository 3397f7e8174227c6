// What the charts show: the per-iteration metrics of an IterationRecord (key, title, axis label, how
// to read it, unit, log axis), and the titles of method statistics and held-out evaluations. One list
// for the live run panel (webview/state.ts) and the HTML report (src/report/reportData.ts), so both
// draw the same charts under the same names. Plain data and pure functions; it lives in src/protocol
// because it describes protocol's IterationRecord (src/common may not import protocol) and both the
// webview and the report may import protocol.
import type { IterationRecord } from './metrics';

/** What a metric's numbers are, for formatting: a plain quantity, a count, milliseconds or bytes. */
export type MetricUnit = 'value' | 'count' | 'ms' | 'bytes';

/** A per-iteration metric with a chart of its own. */
export interface MetricDef {
  /** The chart id (the IterationRecord field, except the derived `iterationMs`). */
  readonly key: string;
  readonly title: string;
  /** The y-axis label. */
  readonly yLabel: string;
  readonly unit: MetricUnit;
  /**
   * Positive and spanning decades as a run converges, so a log y axis shows it best; the report starts
   * these charts on a log axis (the panel follows the `bilevel.charts.logScaleY` setting).
   */
  readonly logScale: boolean;
  /** The value in a record; undefined when the record has none (e.g. no known solution). */
  readonly read: (r: IterationRecord) => number | undefined;
}

/** The per-iteration metrics, in page order. Absent or non-finite values make no point. */
export const METRICS: readonly MetricDef[] = [
  { key: 'upperLoss', title: 'Upper objective F(x_t, y_K)', yLabel: 'F', unit: 'value', logScale: false, read: (r) => r.upperLoss },
  { key: 'lowerLoss', title: 'Lower objective f(x_t, y_K)', yLabel: 'f', unit: 'value', logScale: false, read: (r) => r.lowerLoss },
  { key: 'hypergradNorm', title: 'Hypergradient norm ‖g‖', yLabel: '‖g‖', unit: 'value', logScale: true, read: (r) => r.hypergradNorm },
  { key: 'lowerStationarity', title: 'Lower-level stationarity ‖∇_y f‖', yLabel: '‖∇_y f‖', unit: 'value', logScale: true, read: (r) => r.lowerStationarity },
  { key: 'upperDistance', title: 'Upper distance to the solution ‖x_t − x*‖', yLabel: '‖x − x*‖', unit: 'value', logScale: true, read: (r) => r.upperDistance },
  { key: 'lowerDistance', title: 'Lower distance to the solution ‖y_K − y*‖', yLabel: '‖y − y*‖', unit: 'value', logScale: true, read: (r) => r.lowerDistance },
  { key: 'iterationMs', title: 'Time per iteration (forward + backward)', yLabel: 'ms', unit: 'ms', logScale: false, read: (r) => r.forwardMs + r.backwardMs },
  { key: 'gradientEvals', title: 'Cumulative gradient evaluations', yLabel: 'gradients', unit: 'count', logScale: false, read: (r) => r.gradientEvals },
  { key: 'hvpEvals', title: 'Cumulative second-order products (HVP / mixed VJP)', yLabel: 'products', unit: 'count', logScale: false, read: (r) => r.hvpEvals },
  { key: 'numTensors', title: 'Live tensors', yLabel: 'tensors', unit: 'count', logScale: false, read: (r) => r.numTensors },
  { key: 'numBytes', title: 'Memory held by tensors', yLabel: 'bytes', unit: 'bytes', logScale: false, read: (r) => r.numBytes },
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

/** Titles of the statistics the source papers care about, in chart order; other stats are titled by their key. */
const STAT_TITLES: Readonly<Record<string, string>> = {
  [KSTAR_STAT]: 'k* trace (PTT: worst-case truncation step)',
  'trhg.M': 'M (T-RHG: back-propagated steps)',
  'bda.alpha': 'α_k (BDA aggregation weight)',
  'slbamm.multiplierNorm': '‖z‖ (sl-BAMM multiplier norm)',
  'ufom.coin': 'UFOM coin (1 = exact correction drawn)',
  'ufom.q': 'q (UFOM correction probability)',
};

/** The chart title of statistic `key`: the papers' name for the known ones, else the key itself. */
export function statTitle(key: string): string {
  return STAT_TITLES[key] ?? key;
}

/** Statistic keys in chart order: the papers' ones first (in the order above), then the others sorted. */
export function orderStatKeys(keys: Iterable<string>): string[] {
  const all = new Set(keys);
  const known = Object.keys(STAT_TITLES).filter((k) => all.has(k));
  const others = [...all].filter((k) => !(k in STAT_TITLES)).sort();
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
