// Node side of `compare --report FILE`: renders one self-contained HTML page (Chart.js, the page
// script, the chart specs and the raw records all inline) that opens from file:// with no server
// and no network, and writes it.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { ReportInput } from './reportData';
import { buildCharts, formatOption, methodColor, optionKeys } from './reportData';
import { REPORT_SCRIPT } from './reportScript';
import { escapeHtml } from '../common/escapeHtml';

/** What the error says when Chart.js cannot be found next to the CLI. */
export const CHART_JS_MISSING = '--report needs the chart.js package: npm install chart.js';

/**
 * The source of Chart.js's UMD build (it defines the global `Chart`), from the installed chart.js
 * package. Resolved from this file at run time, which in the bundle is dist/cli.js, so it finds the
 * project's node_modules; throws an Error saying how to install it when it is missing.
 */
export function loadChartJs(from: string = __filename): string {
  let dist: string;
  try {
    // The package's exports map hides dist/*.umd.js, but its main entry lives in the same folder.
    dist = path.dirname(createRequire(from).resolve('chart.js'));
  } catch {
    throw new Error(CHART_JS_MISSING);
  }
  for (const name of ['chart.umd.min.js', 'chart.umd.js']) {
    try {
      return readFileSync(path.join(dist, name), 'utf8');
    } catch {
      // Older or trimmed installs may ship only one of the two files.
    }
  }
  throw new Error(`${CHART_JS_MISSING} (no chart.umd.min.js or chart.umd.js in ${dist})`);
}


/**
 * JSON for a `<script type="application/json">` block. Every `<` becomes `\u003c` (valid JSON, and
 * `<` only occurs inside strings), so neither `</script>` nor `<!--` in a method message or option
 * can end or confuse the block; JSON.parse gives the original text back.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Script source made safe to sit between `<script>` and `</script>`. */
export function embedScript(source: string): string {
  // Inside a JS string or regex `<\/script` means the same as `</script`, but cannot close the tag.
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** The report pages' style sheet (compare and sweep reports share it). */
export const REPORT_STYLE = `
  body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px; color: #222; background: #fafafa; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  h2 { font-size: 16px; margin: 28px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  .meta { color: #666; margin: 0 0 16px; }
  table { border-collapse: collapse; background: #fff; font-variant-numeric: tabular-nums; }
  th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; white-space: nowrap; }
  th { background: #f0f0f0; }
  td:first-child, th:first-child { text-align: left; }
  tr.differs td { background: #fff8e1; }
  tr.baseline td { color: #666; font-style: italic; }
  h3 { font-size: 14px; margin: 18px 0 8px; }
  .status-failed, .status-diverged { color: #b00020; font-weight: 600; }
  .status-cancelled { color: #a66400; }
  ul.notes { margin: 8px 0; padding-left: 20px; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
  .chart-card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 10px; margin: 0; }
  .chart-head { display: flex; justify-content: space-between; align-items: center; font-weight: 600; }
  .log-toggle { font-weight: normal; color: #444; cursor: pointer; user-select: none; }
  .chart-note { color: #888; font-size: 12px; }
  .chart-canvas { position: relative; height: 260px; }
  .scroll { overflow-x: auto; max-width: 100%; }
  #log-all { margin: 0 0 12px; cursor: pointer; user-select: none; }
  .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
`;

/** A table of escaped cells in a sideways-scrolling box; `rowClass` marks rows. */
export function tableHtml(headers: readonly string[], rows: readonly (readonly string[])[], rowClass?: (i: number) => string): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((row, i) => {
      const cls = rowClass?.(i);
      return `<tr${cls ? ` class="${cls}"` : ''}>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/** The comparison table, with each status cell marked so failures stand out. */
function comparisonHtml(input: ReportInput): string {
  const statusCol = input.table.headers.indexOf('status');
  const head = `<tr>${input.table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = input.table.rows
    .map((row) => `<tr>${row.map((c, j) => `<td${j === statusCol ? ` class="status-${escapeHtml(c)}"` : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="scroll"><table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/** The final evaluation (methods × eval metrics, value ± ci95, baselines last), when the runs have one. */
function evalTableHtml(input: ReportInput): string {
  const t = input.evalTable;
  if (!t || t.rows.length === 0) return '';
  return `<h3>Final evaluation</h3>\n${tableHtml(t.headers, t.rows, (i) => (t.rows[i]![0]!.startsWith('baseline') ? 'baseline' : ''))}`;
}

/** Rows = option keys, columns = methods; rows where the methods disagree are highlighted. */
function optionsHtml(input: ReportInput): string {
  const keys = optionKeys(input.methods);
  const rows = keys.map((k) => [k, ...input.methods.map((m) => formatOption(m.options[k]))]);
  return tableHtml(['option', ...input.methods.map((m) => m.method)], rows, (i) => (new Set(rows[i]!.slice(1)).size > 1 ? 'differs' : ''));
}

function notesHtml(input: ReportInput): string {
  const items: string[] = [];
  for (const m of input.methods) {
    if (m.message) items.push(`<li><b>${escapeHtml(m.method)}</b>: ${escapeHtml(m.message)}</li>`);
    for (const w of m.warnings) items.push(`<li><b>${escapeHtml(m.method)}</b>: warning: ${escapeHtml(w)}</li>`);
  }
  return items.length > 0 ? `<ul class="notes">\n${items.join('\n')}\n</ul>` : '';
}

/** The whole report page; `chartJs` is Chart.js's UMD source (see {@link loadChartJs}). */
export function renderReportHtml(input: ReportInput, chartJs: string): string {
  const charts = buildCharts(input.methods);
  const params = Object.entries(input.problemParams).map(([k, v]) => `${k}=${formatOption(v)}`).join(', ');
  const title = `${input.problem}${params ? ` (${params})` : ''}`;
  const sections = (['metrics', 'evals', 'stats', 'ptt'] as const).filter((s) => charts.some((c) => c.section === s));
  const sectionTitles = { metrics: 'Metrics per outer iteration', evals: 'Held-out evaluation (dashed: baselines)', stats: 'Method statistics', ptt: 'PTT: distribution of k*' } as const;
  const legend = input.methods
    .map((m, i) => `<span class="swatch" style="background:${methodColor(i)}"></span>${escapeHtml(m.method)}`)
    .join(' &nbsp; ');
  // The raw records are the data of the page: the charts are derived (and possibly decimated) from them.
  const records = input.methods.map((m) => ({ method: m.method, status: m.status, ...(m.runId !== undefined ? { runId: m.runId } : {}), ...(m.evals ? { evals: m.evals } : {}), records: m.records }));
  return reportPage(
    `bilevel compare: ${title}`,
    `<h1>${escapeHtml(title)}</h1>
<p class="meta">${input.preset !== undefined ? `preset ${escapeHtml(input.preset)} · ` : ''}backend ${escapeHtml(input.backend)} · ${escapeHtml(input.date)} · methods: ${legend}</p>
<h2>Comparison</h2>
${comparisonHtml(input)}
${evalTableHtml(input)}
${notesHtml(input)}
<h2>Resolved options</h2>
${optionsHtml(input)}
<p id="no-charts" hidden>The charts need JavaScript, and Chart.js failed to load.</p>
<noscript><p>The charts need JavaScript.</p></noscript>
<label id="log-all" hidden><input type="checkbox"> log y on every chart (points ≤ 0 are hidden in log mode)</label>
${sections.map((s) => `<h2>${sectionTitles[s]}</h2>\n<div class="charts" id="charts-${s}"></div>`).join('\n')}
<script type="application/json" id="report-charts">${embedJson(charts)}</script>
<script type="application/json" id="report-records">${embedJson(records)}</script>
<script>${embedScript(chartJs)}</script>
<script>${embedScript(REPORT_SCRIPT)}</script>`,
  );
}

/** A whole report page: the shared head and style sheet (plus `extraStyle`) around `body` (HTML). `title` is text. */
export function reportPage(title: string, body: string, extraStyle: string = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_STYLE}${extraStyle}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * Writes the report to `file` (parent folders created). The page is written to a temporary file
 * first and renamed, so a failed write never leaves half a report under the requested name.
 */
export function writeReport(file: string, input: ReportInput, chartJs: string = loadChartJs()): void {
  writeHtmlFile(file, renderReportHtml(input, chartJs));
}

/** Writes `html` to `file` (parent folders created) through a temporary file renamed into place, so a failed write leaves no half page. */
export function writeHtmlFile(file: string, html: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
