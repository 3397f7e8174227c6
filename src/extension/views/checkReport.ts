// The hypergradient check's verdict and text, as `bilevel check` prints them (src/cli/commands/
// checkCommand.ts): an exact method passes when every direction passes the rule of
// src/protocol/checkRule.ts, |g·d − FD| ≤ 3·fdError + rtol·max(|g·d|, |FD|); an approximate one is
// reported, not judged.
import { formatNumber } from '../../common/format';
import { FD_ERROR_FACTOR, absoluteError, directionPasses, directionsPass, directionTolerance } from '../../protocol/checkRule';
import type { CheckResultMessage } from '../../protocol/worker';
import type { CheckView } from '../../protocol/webview';

/** Relative tolerance of the check, the CLI's default `--rtol`. */
export const CHECK_RTOL = 1e-3;

/** pass / fail for exact methods, approximate otherwise. */
export function checkVerdict(result: CheckResultMessage, rtol: number = CHECK_RTOL): CheckView['verdict'] {
  if (!result.exact) return 'approximate';
  return directionsPass(result.directions, rtol) ? 'pass' : 'fail';
}

/** The check as the panel, the store (check.json) and the details view keep it: verdict, tolerance, every direction, when. */
export function toCheckView(result: CheckResultMessage, rtol: number = CHECK_RTOL, checkedAt: string = new Date().toISOString()): CheckView {
  return {
    verdict: checkVerdict(result, rtol),
    maxRelativeError: result.maxRelativeError,
    relativeErrorVsRhg: result.relativeErrorVsRhg,
    rtol,
    directions: result.directions.map((d) => ({
      analytic: d.analytic,
      finiteDifference: d.finiteDifference,
      epsilon: d.epsilon,
      relativeError: d.relativeError,
      ...(d.fdError !== undefined ? { fdError: d.fdError } : {}),
    })),
    checkedAt,
  };
}

/** One line for the notification, e.g. `✓ PASS rhg on toy#default: max relative error vs finite differences 2.1e-6, vs RHG 0 (rtol 0.001, atol 3·fdError)`. */
export function checkHeadline(result: CheckResultMessage, problem: string, rtol: number = CHECK_RTOL): string {
  const verdict = checkVerdict(result, rtol);
  const mark = verdict === 'pass' ? '✓ PASS' : verdict === 'fail' ? '✗ FAIL' : '≈ APPROXIMATE';
  return (
    `${mark} ${result.method} on ${problem}: max relative error vs finite differences ${formatNumber(result.maxRelativeError)}, ` +
    `vs RHG ${formatNumber(result.relativeErrorVsRhg)}` +
    (verdict === 'approximate' ? ' (approximate by design; not judged)' : ` (rtol ${formatNumber(rtol)}, atol ${FD_ERROR_FACTOR}·fdError)`)
  );
}

/** The full report for the output channel: headline plus one line per direction. */
export function checkReportLines(result: CheckResultMessage, problem: string, rtol: number = CHECK_RTOL): string[] {
  const lines = [checkHeadline(result, problem, rtol)];
  result.directions.forEach((d, i) => {
    lines.push(
      `  direction ${i + 1}: analytic ${formatNumber(d.analytic)}  finite diff. ${formatNumber(d.finiteDifference)}  ` +
        `ε ${formatNumber(d.epsilon)}  abs. error ${formatNumber(absoluteError(d))}  tolerance ${formatNumber(directionTolerance(d, rtol))}  ` +
        `rel. error ${formatNumber(d.relativeError)}  ${directionPasses(d, rtol) ? '✓' : '✗'}`,
    );
  });
  return lines;
}
