// The page of the check details view (checkDetailsPanel.ts): one hypergradient check with its pass
// rule and a row per direction. Static HTML under a CSP that allows no script and only the nonced
// style, so it is a pure function of the check (unit-tested without vscode). Hooks for UI tests:
// `h1.check-headline[data-verdict]`, `table.check-directions tr[data-direction][data-pass]`.
import { formatNumber } from '../../common/format';
import { absoluteError, checkRuleText, directionPasses, directionTolerance } from '../../protocol/checkRule';
import type { CheckRecord } from '../../protocol/checkRecord';
import { CHECK_RTOL } from './checkReport';
import { escapeHtml } from '../../common/escapeHtml';

/** What the page shows of a check: a stored CheckRecord, or the same built from a live run. */
export type CheckDetails = Pick<CheckRecord, 'id' | 'runId' | 'problem' | 'method' | 'check'>;

/** The page of `details`; `nonce` marks its one style element. */
export function checkDetailsHtml(details: CheckDetails, nonce: string): string {
  const { check } = details;
  const rtol = check.rtol ?? CHECK_RTOL;
  const mark = check.verdict === 'pass' ? '✓ PASS' : check.verdict === 'fail' ? '✗ FAIL' : '≈ APPROXIMATE';
  const directions = check.directions ?? [];
  const rows = directions
    .map((d, i) => {
      const pass = directionPasses(d, rtol);
      return (
        `<tr data-direction="${i + 1}" data-pass="${pass}">` +
        `<td>${i + 1}</td><td>${formatNumber(d.analytic)}</td><td>${formatNumber(d.finiteDifference)}</td><td>${formatNumber(d.epsilon)}</td>` +
        `<td>${d.fdError !== undefined ? formatNumber(d.fdError) : '—'}</td><td>${formatNumber(absoluteError(d))}</td><td>${formatNumber(directionTolerance(d, rtol))}</td>` +
        `<td>${formatNumber(d.relativeError)}</td><td class="${pass ? 'pass' : 'fail'}">${pass ? '✓' : '✗'}</td></tr>`
      );
    })
    .join('\n');
  const judged =
    check.verdict === 'approximate'
      ? `<p>This method is approximate by design (it does not compute the exact hypergradient of the unrolled problem), so its errors are shown, not judged; the ✓/✗ column says how each direction would fare under the rule.</p>`
      : `<p>The check passes when every direction passes.</p>`;
  const facts = [
    `Method <b>${escapeHtml(details.method)}</b> on <b>${escapeHtml(details.problem)}</b>`,
    details.runId !== undefined ? `run <code>${escapeHtml(details.runId)}</code>` : `check <code>${escapeHtml(details.id)}</code>`,
    check.checkedAt !== undefined ? `checked ${escapeHtml(check.checkedAt)}` : undefined,
    `max relative error vs finite differences ${formatNumber(check.maxRelativeError)}, vs RHG ${formatNumber(check.relativeErrorVsRhg)}`,
  ].filter((f): f is string => f !== undefined);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Check ${escapeHtml(details.method)}</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em 1.5em; }
  h1 { font-size: 1.3em; }
  table { border-collapse: collapse; margin-top: 0.8em; }
  /* A narrow column scrolls the table sideways rather than breaking numbers over lines. */
  .table-wrap { overflow-x: auto; }
  th, td { white-space: nowrap; padding: 0.25em 0.8em; text-align: right; border-bottom: 1px solid var(--vscode-panel-border, #8884); font-variant-numeric: tabular-nums; }
  th { font-weight: 600; }
  td.pass { color: var(--vscode-testing-iconPassed, #3c3); }
  td.fail { color: var(--vscode-testing-iconFailed, #e44); font-weight: 600; }
  code.rule { font-size: 1.05em; }
</style>
</head>
<body>
<h1 class="check-headline" data-verdict="${check.verdict}">${mark} · hypergradient check of ${escapeHtml(details.method)}</h1>
<p>${facts.join(' · ')}</p>
<p>Each direction d compares the method's directional derivative g·d with a central finite difference FD of the upper objective along d. A direction passes when</p>
<p><code class="rule">${escapeHtml(checkRuleText(rtol))}</code></p>
<p>where fdError is the finite difference's own estimated error (the gap to the neighbouring step size plus float32 round-off), so a tiny derivative measured through float32 noise is not failed for its relative error alone (docs/methods.md §13).</p>
${judged}
${
  directions.length === 0
    ? '<p><i>This check kept no per-direction details.</i></p>'
    : `<div class="table-wrap"><table class="check-directions">
<thead><tr><th>direction</th><th>g·d</th><th>FD</th><th>ε</th><th>fdError</th><th>|g·d − FD|</th><th>tolerance</th><th>rel. error</th><th>pass</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`
}
</body>
</html>`;
}
