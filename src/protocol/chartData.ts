// Pure chart-data helpers shared by the HTML report (src/report) and the live run panel (webview/),
// so both draw the same series the same way. Imports nothing, like the rest of src/protocol.

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
