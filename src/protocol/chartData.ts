// Pure chart-data helpers shared by the HTML report (src/report) and the live run panel (webview/),
// so both draw the same series the same way; what is charted, and under which titles, is in
// metricCatalog.ts. Imports nothing, like the rest of src/protocol.

/** One (x, y) point; Chart.js reads this shape directly with `parsing: false`. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Series colours by position (matplotlib's tab10), the same in the report and the panel. */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** The colour of the series (method or run) at `index`. */
export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/**
 * Each built-in method's colour, fixed, so a method reads the same in every panel and report whatever
 * the order of its runs (tab10, then two darker hues for the last two methods).
 */
const METHOD_COLORS: Readonly<Record<string, string>> = {
  rhg: '#1f77b4',
  't-rhg': '#d62728',
  cg: '#2ca02c',
  neumann: '#ff7f0e',
  bda: '#9467bd',
  ptt: '#8c564b',
  'iaptt-gm': '#e377c2',
  'ia-gm': '#17becf',
  'ia-gm-a': '#7f7f7f',
  fom: '#bcbd22',
  'sl-bamm': '#393b79',
  ufom: '#637939',
};

/**
 * The colour of method `method`'s `shade`-th run (0 for the first): the method's fixed colour, or for
 * an unknown method one of the palette by a hash of its id; later runs of the same method get lighter
 * and darker shades of it, so runs of one method stay recognisably one family.
 */
export function methodColor(method: string, shade = 0): string {
  const base = METHOD_COLORS[method] ?? PALETTE[hashString(method) % PALETTE.length]!;
  if (shade <= 0) return base;
  // Alternate lighter and darker, each step further from the base: +35%, −30%, +55%, −50%, …
  const step = Math.ceil(shade / 2);
  const amount = Math.min(0.8, (shade % 2 === 1 ? 0.35 : 0.3) + 0.2 * (step - 1));
  return mixHex(base, shade % 2 === 1 ? '#ffffff' : '#000000', amount);
}

/** The colour of each run in order: its method's colour, shaded by how many runs of that method came before it. */
export function runColors(runs: readonly { readonly method: string }[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const shade = seen.get(r.method) ?? 0;
    seen.set(r.method, shade + 1);
    return methodColor(r.method, shade);
  });
}

/** FNV-1a of a string (a stable, well-spread hash for colour choice; not for security). */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `#rrggbb` mixed with `#rrggbb` by `t` (0: a, 1: b). */
function mixHex(a: string, b: string, t: number): string {
  const channel = (hex: string, i: number): number => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  let out = '#';
  for (let i = 0; i < 3; i++) out += Math.round(channel(a, i) * (1 - t) + channel(b, i) * t).toString(16).padStart(2, '0');
  return out;
}

/** A stat value as a plotted number: numbers as they are, booleans 0/1, anything else none. */
export function statNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

/**
 * Min/max decimation of the points in the index window [lo, hi) that pass `keep` (x sorted), without
 * copying the window first: at most `maxPoints` (≥ 4) points, the first and last kept point, and per
 * bucket of consecutive points its minimum and maximum in x order. Extremes survive, which a stride
 * would lose (a loss spike is exactly what one looks for). `count` is how many points passed. O(n).
 */
export function decimateRange(points: readonly Point[], lo: number, hi: number, maxPoints: number, keep?: (p: Point) => boolean): { points: Point[]; count: number } {
  const limit = Math.max(4, Math.floor(maxPoints));
  let first = -1;
  let last = -1;
  let count = 0;
  if (keep) {
    for (let i = lo; i < hi; i++) {
      if (!keep(points[i]!)) continue;
      if (first < 0) first = i;
      last = i;
      count++;
    }
  } else if (hi > lo) {
    first = lo;
    last = hi - 1;
    count = hi - lo;
  }
  if (count === 0) return { points: [], count: 0 };
  if (count <= limit) {
    const out: Point[] = [];
    for (let i = first; i <= last; i++) if (!keep || keep(points[i]!)) out.push(points[i]!);
    return { points: out, count };
  }
  // First and last are kept on their own; the buckets split the index range between them.
  const inner = last - first - 1;
  const buckets = Math.floor((limit - 2) / 2);
  const out: Point[] = [points[first]!];
  for (let b = 0; b < buckets; b++) {
    const start = first + 1 + Math.floor((b * inner) / buckets);
    const end = first + 1 + Math.floor(((b + 1) * inner) / buckets);
    let minI = -1;
    let maxI = -1;
    for (let i = start; i < end; i++) {
      const p = points[i]!;
      if (keep && !keep(p)) continue;
      if (minI < 0 || p.y < points[minI]!.y) minI = i;
      if (maxI < 0 || p.y > points[maxI]!.y) maxI = i;
    }
    if (minI < 0) continue;
    if (minI === maxI) out.push(points[minI]!);
    else if (minI < maxI) out.push(points[minI]!, points[maxI]!);
    else out.push(points[maxI]!, points[minI]!);
  }
  out.push(points[last]!);
  return { points: out, count };
}

// ---- held-out evaluation metrics (IterationRecord.evals, RunSummary.evals) ---------------------

/** Prefix of constant reference values (e.g. `baseline.noisy.accuracy`), drawn as flat dashed lines. */
export const BASELINE_PREFIX = 'baseline.';

/** Suffix of a per-item metric's 95% confidence half-width (`test.accuracy.ci95`). */
export const CI95_SUFFIX = '.ci95';

/** True for an eval that gets its own chart: neither a `baseline.*` constant nor a `.ci95` half-width. */
export function isEvalMetric(name: string): boolean {
  return !name.startsWith(BASELINE_PREFIX) && !name.endsWith(CI95_SUFFIX);
}

/** True for a `baseline.*` reference value (not its `.ci95`). */
export function isBaseline(name: string): boolean {
  return name.startsWith(BASELINE_PREFIX) && !name.endsWith(CI95_SUFFIX);
}

/**
 * The baselines of `names` drawn on the chart of `metric`: those whose last dotted part equals the
 * metric's (`baseline.noisy.accuracy` and `baseline.clean.accuracy` go with `test.accuracy`,
 * `baseline.randomInit.mse` with `test.mse`; nothing goes with `test.accuracyOfZ`). Sorted.
 */
export function baselinesFor(metric: string, names: Iterable<string>): string[] {
  const tail = lastPart(metric);
  return [...new Set(names)].filter((n) => isBaseline(n) && lastPart(n) === tail).sort();
}

/**
 * A cell of eval `name`: its value, with ` ± ci95` when `name.ci95` exists (`0.8812 ± 0.0063`); `—`
 * when the metric is missing. `format` is the caller's number format (src/common/format.ts).
 */
export function formatEvalValue(evals: Readonly<Record<string, number>> | undefined, name: string, format: (v: number | undefined) => string): string {
  const value = evals?.[name];
  if (value === undefined) return '—';
  const ci = evals?.[name + CI95_SUFFIX];
  return ci === undefined ? format(value) : `${format(value)} ± ${format(ci)}`;
}

/** The eval metrics (charted names) in `evals` lists, in a stable order: sorted by name. */
export function evalMetricNames(evals: Iterable<Readonly<Record<string, number>> | undefined>): string[] {
  const names = new Set<string>();
  for (const e of evals) if (e) for (const k of Object.keys(e)) if (isEvalMetric(k)) names.add(k);
  return [...names].sort();
}

/** The legend label of a baseline: `baseline.noisy.accuracy` → `baseline: noisy`. */
export function baselineLabel(name: string): string {
  const middle = name.slice(BASELINE_PREFIX.length).split('.').slice(0, -1).join('.');
  return `baseline: ${middle || name.slice(BASELINE_PREFIX.length)}`;
}

/** Colours of baseline reference lines by position: greys and black, apart from the run palette. */
const BASELINE_PALETTE = ['#444444', '#999999', '#000000', '#bbbbbb'];

/** The colour of the baseline at `index` on one chart. */
export function baselineColor(index: number): string {
  return BASELINE_PALETTE[index % BASELINE_PALETTE.length]!;
}

/** A flat reference line at `y` over [xMin, xMax] (two points), or none for an empty span. */
export function flatLine(y: number, xMin: number, xMax: number): Point[] {
  if (!Number.isFinite(y) || !Number.isFinite(xMin) || !Number.isFinite(xMax)) return [];
  return xMax > xMin ? [{ x: xMin, y }, { x: xMax, y }] : [{ x: xMin, y }];
}

function lastPart(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? name : name.slice(i + 1);
}
