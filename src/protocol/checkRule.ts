// The pass rule of the hypergradient check (docs/methods.md §13), over plain numbers so that the CLI
// (`bilevel check`) and the extension (src/extension/views/checkReport.ts) judge a check the same way.
// Core computes the numbers (analytic g·d, the central difference and its error estimate) and judges
// nothing.

/**
 * c in atol = c·fdError. fdError is a one-sample estimate (the gap to the neighbouring ε plus the
 * float32 round-off of the two φ values), so the actual FD error of a correct gradient can exceed it
 * by a small factor; 3 covers that while a wrong gradient (e.g. 10% off on the g/‖g‖ direction, whose
 * derivative is ‖g‖) still misses the tolerance by orders of magnitude on the checked problems.
 */
export const FD_ERROR_FACTOR = 3;

/** Unit round-off of float32, 2^−23: the relative error of one float32 value of φ. */
export const FLOAT32_EPSILON = 2 ** -23;

/** The numbers of one directional comparison that the rule reads. */
export interface DirectionNumbers {
  readonly analytic: number;
  readonly finiteDifference: number;
  /** Estimated error of finiteDifference: |FD(ε) − FD(ε_next)| + eps32·max|φ(x ± εd)|/ε; absent (a message without it) counts as 0. */
  readonly fdError?: number;
}

/** |analytic − fd|. */
export function absoluteError(d: DirectionNumbers): number {
  return Math.abs(d.analytic - d.finiteDifference);
}

/** The tolerance of one direction: c·fdError + rtol·max(|analytic|, |fd|). */
export function directionTolerance(d: DirectionNumbers, rtol: number): number {
  return FD_ERROR_FACTOR * (d.fdError ?? 0) + rtol * Math.max(Math.abs(d.analytic), Math.abs(d.finiteDifference));
}

/** True when |analytic − fd| ≤ c·fdError + rtol·max(|analytic|, |fd|); false for non-finite numbers. */
export function directionPasses(d: DirectionNumbers, rtol: number): boolean {
  const err = absoluteError(d);
  const tol = directionTolerance(d, rtol);
  return Number.isFinite(err) && Number.isFinite(tol) && err <= tol;
}

/** True when every direction passes (vacuously for none). */
export function directionsPass(directions: readonly DirectionNumbers[], rtol: number): boolean {
  return directions.every((d) => directionPasses(d, rtol));
}

/** The rule in words, for reports. */
export function checkRuleText(rtol: number): string {
  return `|g·d − FD| ≤ ${FD_ERROR_FACTOR}·fdError + ${rtol}·max(|g·d|, |FD|)`;
}
