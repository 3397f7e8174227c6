// Condenses the method statistics of a run (docs/methods.md §8) for the CLI's final summary: the last value
// and the mean of each numeric statistic, and a histogram of integer-valued traces such as PTT's k*.
import { KSTAR_STAT } from '../protocol/metricCatalog';
import type { IterationRecord } from '../protocol/metrics';

/** One statistic over a run. */
export interface StatSummary {
  readonly key: string;
  readonly last: number | boolean | string;
  /** Mean over the iterations that reported a finite number (booleans count as 0/1). */
  readonly mean?: number;
  /** value → count, for statistics whose values are all small integers (k*, M, CG iterations). */
  readonly histogram?: ReadonlyMap<number, number>;
}

/** Keys whose histogram is worth printing (docs/methods.md §8: PTT's k* histogram). */
const HISTOGRAM_KEYS = new Set([KSTAR_STAT]);

/** Accumulates statistics record by record, so a long run needs no record list in memory. */
export class StatsAccumulator {
  private readonly sums = new Map<string, { sum: number; count: number }>();
  private readonly histograms = new Map<string, Map<number, number>>();
  private readonly lastValues = new Map<string, number | boolean | string>();

  /** Adds one iteration's statistics (array-valued traces are skipped: they are per-step, not per-run). */
  add(record: IterationRecord): void {
    for (const [key, value] of Object.entries(record.stats)) {
      // Traces are per inner step, not per run; warnings are reported on their own.
      if (Array.isArray(value) || key === 'warning') continue;
      const v = value as number | boolean | string;
      this.lastValues.set(key, v);
      const n = typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : NaN;
      if (!Number.isFinite(n)) continue;
      const s = this.sums.get(key) ?? { sum: 0, count: 0 };
      s.sum += n;
      s.count++;
      this.sums.set(key, s);
      if (HISTOGRAM_KEYS.has(key)) {
        const h = this.histograms.get(key) ?? new Map<number, number>();
        h.set(n, (h.get(n) ?? 0) + 1);
        this.histograms.set(key, h);
      }
    }
  }

  /** The summaries, sorted by key. */
  summaries(): StatSummary[] {
    return [...this.lastValues.keys()].sort().map((key) => {
      const s = this.sums.get(key);
      const h = this.histograms.get(key);
      return {
        key,
        last: this.lastValues.get(key)!,
        ...(s && s.count > 0 ? { mean: s.sum / s.count } : {}),
        ...(h ? { histogram: new Map([...h.entries()].sort((a, b) => a[0] - b[0])) } : {}),
      };
    });
  }
}

/** Text lines for the summaries: `key  last … mean …` and, for histograms, `k: count` pairs. */
export function formatStatSummaries(summaries: readonly StatSummary[], format: (n: number | undefined) => string): string[] {
  const width = Math.max(0, ...summaries.map((s) => s.key.length));
  return summaries.map((s) => {
    const last = typeof s.last === 'number' ? format(s.last) : String(s.last) || '—';
    const mean = s.mean !== undefined && typeof s.last !== 'string' ? `  mean ${format(s.mean)}` : '';
    const hist = s.histogram ? `  histogram ${[...s.histogram.entries()].map(([k, c]) => `${k}:${c}`).join(' ')}` : '';
    return `${s.key.padEnd(width)}  last ${last}${mean}${hist}`;
  });
}

/** JSON form of the summaries (histograms as `{ "k": count }` objects). */
export function statSummariesToJson(summaries: readonly StatSummary[]): Record<string, unknown>[] {
  return summaries.map((s) => ({
    key: s.key,
    last: s.last,
    ...(s.mean !== undefined ? { mean: s.mean } : {}),
    ...(s.histogram ? { histogram: Object.fromEntries([...s.histogram.entries()].map(([k, c]) => [String(k), c])) } : {}),
  }));
}
