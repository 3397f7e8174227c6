// Held-out evaluation metrics (RunSummary.evals) as the CLI prints them: `value ± ci95` cells, the
// lines under a run's summary, and compare's second table (methods × metrics, baselines last).
import { BASELINE_PREFIX, baselinesFor, CI95_SUFFIX, formatEvalValue, isBaseline, isEvalMetric } from '../protocol/chartData';

/** Evals as a run reports them, by metric name. */
export type Evals = Readonly<Record<string, number>>;

/** The metrics of `evals` in print order: charted metrics sorted, then baselines sorted (`.ci95` folded in). */
export function evalNames(evals: Evals | undefined): string[] {
  const keys = Object.keys(evals ?? {});
  return [...keys.filter(isEvalMetric).sort(), ...keys.filter(isBaseline).sort()];
}

/** `name  value ± ci95` lines, names padded to one width; none when there are no evals. */
export function formatEvalLines(evals: Evals | undefined, format: (v: number | undefined) => string): string[] {
  const names = evalNames(evals);
  const w = Math.max(0, ...names.map((n) => n.length));
  return names.map((n) => `${n.padEnd(w)}  ${formatEvalValue(evals, n, format)}`);
}

/**
 * Compare's evaluation table: a row per method (its last evaluation) with a column per eval metric,
 * then one row per baseline source (`baseline.noisy`) with each baseline under the metric it belongs
 * to (see baselinesFor); a baseline that belongs to no metric gets its own column. Baselines are
 * constants of the problem, so they are taken from the first method that has them. Undefined when
 * no method has evals.
 */
export function evalTable(
  results: readonly { readonly method: string; readonly evals?: Evals | undefined }[],
  format: (v: number | undefined) => string,
): { headers: string[]; rows: string[][] } | undefined {
  if (!results.some((r) => r.evals && Object.keys(r.evals).length > 0)) return undefined;
  const metrics = [...new Set(results.flatMap((r) => Object.keys(r.evals ?? {}).filter(isEvalMetric)))].sort();
  const baselines = new Map<string, number>();
  // Each baseline with its `.ci95`, if it has one, from the first method that has it.
  const withCi: Record<string, number> = {};
  for (const r of results) {
    for (const [k, v] of Object.entries(r.evals ?? {})) {
      if (!isBaseline(k) || baselines.has(k)) continue;
      baselines.set(k, v);
      withCi[k] = v;
      const ci = r.evals?.[k + CI95_SUFFIX];
      if (ci !== undefined) withCi[k + CI95_SUFFIX] = ci;
    }
  }
  const placed = new Set(metrics.flatMap((m) => baselinesFor(m, baselines.keys())));
  const ownColumns = [...baselines.keys()].filter((b) => !placed.has(b)).sort();
  const headers = ['method', ...metrics, ...ownColumns];
  const rows = results.map((r) => [r.method, ...metrics.map((m) => formatEvalValue(r.evals, m, format)), ...ownColumns.map(() => '')]);
  const sources = [...new Set([...baselines.keys()].map(sourceOf))].sort();
  for (const source of sources) {
    const cell = (metric: string): string => {
      const b = baselinesFor(metric, baselines.keys()).find((n) => sourceOf(n) === source);
      return b !== undefined ? formatEvalValue(withCi, b, format) : '';
    };
    rows.push([source, ...metrics.map(cell), ...ownColumns.map((b) => (sourceOf(b) === source ? formatEvalValue(withCi, b, format) : ''))]);
  }
  return { headers, rows };
}

/** `baseline.noisy.accuracy` → `baseline.noisy` (everything but the last dotted part). */
function sourceOf(baseline: string): string {
  const i = baseline.lastIndexOf('.');
  return i > BASELINE_PREFIX.length ? baseline.slice(0, i) : baseline;
}
