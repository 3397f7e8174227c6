// Curves of a group of seeds drawn as one: the median with its 20–80% band (benchopt's plot) or the mean
// with a 95% Student-t interval, on a common x grid; and the first x at which a curve reaches a target
// (time or oracle calls to target). The live panel (webview/) and the HTML report (src/report) both
// draw bands with these, so a band means the same everywhere. Imports nothing but its sibling.
import { quantileSorted, studentT975 } from './quantiles';

/** One (x, y) point of a run's curve, x ascending along the curve. */
export interface XY {
  readonly x: number;
  readonly y: number;
}

/** Which summary a band draws: `median` (line) with q20–q80, or `mean` with ± the 95% CI half-width. */
export type BandStat = 'median' | 'mean';

/** The summary of the group at one x: `center` (median or mean) between `lower` and `upper`, over `n` curves. */
export interface BandPoint {
  readonly x: number;
  readonly center: number;
  readonly lower: number;
  readonly upper: number;
  readonly n: number;
}

/** How bandOf builds its grid and treats curves that end early. */
export interface BandOptions {
  readonly stat: BandStat;
  /** Grid points, at most (default 200). */
  readonly points?: number;
  /** A log-spaced grid (for a log x axis); needs x > 0, non-positive x are left out. */
  readonly logX?: boolean;
  /**
   * Past its last point a finished curve keeps its last value (its final iterate is the answer from
   * then on) when true; a live curve must not (default true). Per curve: `hold[i]`.
   */
  readonly hold?: boolean | readonly boolean[];
}

/**
 * The band of `curves` on a grid from the smallest first x to the largest last x. At each grid x a
 * curve counts once it has started (x ≥ its first x), with its value linearly interpolated between
 * its points, or its last value past its end when held; non-finite values (a diverged seed) are left
 * out. Points where no curve counts are skipped. A curve of one seed gives a band of zero width.
 */
export function bandOf(curves: readonly (readonly XY[])[], options: BandOptions): BandPoint[] {
  const usable = curves.map((c) => c.filter((p) => Number.isFinite(p.x) && (!options.logX || p.x > 0)));
  const live = usable.filter((c) => c.length > 0);
  if (live.length === 0) return [];
  const lo = Math.min(...live.map((c) => c[0]!.x));
  const hi = Math.max(...live.map((c) => c[c.length - 1]!.x));
  const grid = gridOf(lo, hi, options.points ?? 200, options.logX ?? false);
  const holds = usable.map((_, i) => (Array.isArray(options.hold) ? (options.hold[i] as boolean | undefined) ?? true : (options.hold as boolean | undefined) ?? true));
  const cursors = usable.map(() => 0);
  const out: BandPoint[] = [];
  for (const x of grid) {
    const values: number[] = [];
    usable.forEach((curve, i) => {
      const v = valueAt(curve, x, holds[i]!, cursors, i);
      if (v !== undefined && Number.isFinite(v)) values.push(v);
    });
    if (values.length === 0) continue;
    out.push({ x, ...summaryOf(values, options.stat), n: values.length });
  }
  return out;
}

/** The first x at which `curve` is at or below `target` (interpolated between the two points around the crossing), or undefined if it never is. */
export function firstReach(curve: readonly XY[], target: number): number | undefined {
  for (let i = 0; i < curve.length; i++) {
    const p = curve[i]!;
    if (!(p.y <= target)) continue;
    const prev = curve[i - 1];
    // Interpolate inside the step that crossed, so a coarse record does not round the answer up to its next point.
    if (prev === undefined || !Number.isFinite(prev.y) || prev.y === p.y) return p.x;
    return prev.x + ((prev.y - target) / (prev.y - p.y)) * (p.x - prev.x);
  }
  return undefined;
}

function summaryOf(values: number[], stat: BandStat): { center: number; lower: number; upper: number } {
  if (stat === 'median') {
    const sorted = values.sort((a, b) => a - b);
    return { center: quantileSorted(sorted, 0.5), lower: quantileSorted(sorted, 0.2), upper: quantileSorted(sorted, 0.8) };
  }
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { center: mean, lower: mean, upper: mean };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const half = studentT975(n - 1) * Math.sqrt(variance / n);
  return { center: mean, lower: mean - half, upper: mean + half };
}

function gridOf(lo: number, hi: number, points: number, logX: boolean): number[] {
  if (hi <= lo || points < 2) return [lo];
  const n = Math.max(2, Math.floor(points));
  if (logX) {
    const a = Math.log(lo);
    const b = Math.log(hi);
    return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : Math.exp(a + ((b - a) * i) / (n - 1))));
  }
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
}

// Grid x only grows, so each curve keeps a cursor instead of searching from its start: O(points + length).
function valueAt(curve: readonly XY[], x: number, hold: boolean, cursors: number[], i: number): number | undefined {
  if (curve.length === 0 || x < curve[0]!.x) return undefined;
  const last = curve[curve.length - 1]!;
  if (x >= last.x) return x === last.x || hold ? last.y : undefined;
  let k = cursors[i]!;
  while (k + 1 < curve.length && curve[k + 1]!.x <= x) k++;
  cursors[i] = k;
  const a = curve[k]!;
  const b = curve[k + 1]!;
  // On a recorded point, its own value: interpolating towards a diverged (NaN) neighbour would lose it.
  if (x === a.x) return a.y;
  return b.x === a.x ? b.y : a.y + ((x - a.x) / (b.x - a.x)) * (b.y - a.y);
}
