// Statistics of one final metric over a group of runs (the seeds of a method at one grid point): the
// median with its 20–80% band, as benchopt plots, and the mean with a 95% Student-t confidence interval.

import { quantileSorted, studentT975 } from '../common/quantiles';
import type { MetricSummary } from '../protocol/sweep';

/**
 * n, median, q20, q80, mean and ci95 of the finite values. NaN and ±Infinity (a diverged run's loss)
 * are dropped and counted in `nonFinite`, so one diverged seed does not turn the group's median into
 * NaN; `n` counts the finite values. With n = 0 only the counts are present; with n = 1 every
 * statistic but ci95 (a spread of one value is undefined, not zero).
 */
export function summarize(values: readonly number[]): MetricSummary {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = finite.length;
  const nonFinite = values.length - n;
  if (n === 0) return { n, nonFinite };
  const mean = finite.reduce((s, v) => s + v, 0) / n;
  const base = { n, nonFinite, median: quantileSorted(finite, 0.5), q20: quantileSorted(finite, 0.2), q80: quantileSorted(finite, 0.8), mean };
  if (n < 2) return base;
  const variance = finite.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { ...base, ci95: studentT975(n - 1) * Math.sqrt(variance / n) };
}
