// Axis tick labels with as many digits as the axis step needs: on a narrow range (1.5000 to 1.5003)
// a 4-significant-digit format prints every tick as "1.5", which is worse than no labels at all.
// Pure, so the unit tests call it; main.ts passes Chart.js's ticks in.
import { formatNumber } from '../src/common/format';

/** Most decimals or significant digits a tick label gets (float64 has about 16). */
const MAX_DIGITS = 15;

/** The spacing of a linear axis's ticks: the smallest positive gap between neighbouring values (0 when none). */
export function tickStep(values: readonly number[]): number {
  let step = 0;
  for (let i = 1; i < values.length; i++) {
    const gap = Math.abs(values[i]! - values[i - 1]!);
    if (gap > 0 && Number.isFinite(gap) && (step === 0 || gap < step)) step = gap;
  }
  return step;
}

/**
 * A linear axis's tick label at `value` with ticks `step` apart: fixed notation with enough decimals
 * to tell neighbouring ticks apart (`1.50005`, `0.25`, `120`), exponent notation with enough
 * significant digits for very large or very small magnitudes (`1.0002e+6`, `2.5e-7`). Without a step
 * it falls back to the panel's 4-significant-digit format.
 */
export function formatTick(value: number, step: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (!(step > 0) || !Number.isFinite(step)) return formatNumber(value);
  // A tick within float noise of zero is zero (0.1 + 0.2 − 0.3 must not read 5.55e-17).
  if (Math.abs(value) < step * 1e-9) return '0';
  const magnitude = Math.max(Math.abs(value), step);
  if (magnitude >= 1e6 || magnitude < 1e-4) {
    const digits = Math.floor(Math.log10(Math.abs(value))) - Math.floor(Math.log10(step)) + (isRound(step / Math.pow(10, Math.floor(Math.log10(step)))) ? 1 : 2);
    const [mantissa, exponent] = value.toExponential(clamp(digits - 1, 0, MAX_DIGITS)).split('e');
    return `${mantissa!.includes('.') ? mantissa!.replace(/\.?0+$/, '') : mantissa}e${exponent}`;
  }
  let decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  // A step like 0.25 or 2.5 needs one decimal more than its order of magnitude.
  while (decimals < MAX_DIGITS && !isRound(step * Math.pow(10, decimals))) decimals++;
  // Every tick of the axis gets the same decimals (1.0, 1.5, 2.0), as plots usually print them.
  return value.toFixed(clamp(decimals, 0, MAX_DIGITS));
}

/**
 * The labels of a logarithmic axis's ticks: over a decade or more only 1, 2 and 5 times a power of ten
 * (Chart.js would label every minor tick); within less than a decade the ticks that stand apart on
 * the log scale, with the digits the gaps between them need.
 */
export function formatLogTicks(values: readonly number[]): string[] {
  const positive = values.filter((v) => v > 0);
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  if (positive.length > 0 && hi / lo < 10) {
    const step = tickStep(values);
    // Log spacing crowds the low end (0.0015, 0.0016, 0.0017 sit a few pixels apart): a label only where
    // it stands at least an eighth of the axis's log span from the last one labelled.
    const gap = Math.log10(hi / lo) / 8;
    let last = -Infinity;
    return values.map((v) => {
      if (!(v > 0) || Math.abs(Math.log10(v) - last) < gap) return '';
      last = Math.log10(v);
      return formatTick(v, step);
    });
  }
  return values.map((v) => {
    if (!(v > 0)) return '';
    const m = Math.round((v / Math.pow(10, Math.floor(Math.log10(v)))) * 1000) / 1000;
    return m === 1 || m === 2 || m === 5 ? formatNumber(v) : '';
  });
}

function isRound(x: number): boolean {
  return Math.abs(x - Math.round(x)) < 1e-6 * Math.max(1, Math.abs(x));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
