// Node side of a sweep's report (`bilevel sweep --report FILE`): one self-contained page (Chart.js,
// the page script and the data inline; opens from file:// with no network) with the sweep's facts,
// the group table (the CLI's numbers), banded curves on any x axis, the "to reach the target" table,
// sensitivity and parallel coordinates. The page shell and style are the compare report's.
import { escapeHtml } from '../common/escapeHtml';
import { formatNumber } from '../common/format';
import type { MetricSummary } from '../protocol/sweep';
import { X_AXES } from '../protocol/xAxis';
import type { ReachCell, SweepReportData, SweepReportInput } from './sweepReportData';
import { buildSweepReportData, reachText, targetCells } from './sweepReportData';
import { SWEEP_REPORT_SCRIPT } from './sweepReportScript';
import { embedJson, embedScript, loadChartJs, reportPage, writeHtmlFile } from './writeReport';

/** The x axis the curves start on: oracle calls, the fair axis between methods of different cost per iteration. */
export const DEFAULT_X_AXIS = 'oracleCalls';

const SWEEP_STYLE = `
  .facts th { text-align: left; background: #f6f6f6; }
  .facts td { text-align: left; white-space: normal; }
  .cell-mean { color: #777; font-size: 12px; }
  .controls { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 0 0 12px; }
  .controls label { cursor: pointer; user-select: none; }
  .chart-canvas.tall { height: 300px; }
  #target.invalid { outline: 2px solid #b00020; }
  td.not-reached { color: #b00020; }
  .parallel-box { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 10px; overflow-x: auto; }
  .parallel-box svg text { font: 11px system-ui, sans-serif; fill: #333; }
  .legend span, .legend label { margin-right: 14px; white-space: nowrap; }
  #group-legend { margin: 0 0 10px; line-height: 1.9; }
  #group-legend input { vertical-align: middle; margin: 0 4px 0 0; }
`;

/** A final metric's summary as the CLI's table prints it: `median [q20, q80]`, and `mean ± ci95` (— when absent). */
export function summaryText(s: MetricSummary): { median: string; mean: string } {
  return {
    median: s.median !== undefined ? `${formatNumber(s.median)} [${formatNumber(s.q20)}, ${formatNumber(s.q80)}]` : '—',
    mean: s.mean !== undefined ? `${formatNumber(s.mean)} ± ${s.ci95 !== undefined ? formatNumber(s.ci95) : '—'}` : '—',
  };
}

function swatch(color: string): string {
  return `<span class="swatch" style="background:${escapeHtml(color)}"></span>`;
}

/** Problem, methods, seeds, grid and runs by status. */
function factsHtml(input: SweepReportInput, data: SweepReportData): string {
  const methodColors = new Map<string, string>();
  for (const g of data.groups) if (!methodColors.has(g.method)) methodColors.set(g.method, g.color);
  const counts = Object.entries(input.counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state === 'notStarted' ? 'not started' : state}`)
    .join(', ');
  const rows: [string, string][] = [
    ['problem', escapeHtml(input.problem)],
    ['methods', input.methods.map((m) => `${swatch(methodColors.get(m) ?? '#888')}${escapeHtml(m)}`).join(' &nbsp; ')],
    ['seeds', escapeHtml(input.seeds)],
    ['grid', input.grid.length > 0 ? input.grid.map((a) => `--${escapeHtml(a.flag)} = ${a.values.map((v) => escapeHtml(String(v))).join(', ')}`).join('<br>') : 'none'],
    ['runs', `${input.runs.length}: ${escapeHtml(counts || 'none')}`],
    ['status', `<span class="status-${escapeHtml(input.status)}">${escapeHtml(input.status)}</span>`],
  ];
  return `<div class="scroll"><table class="facts" id="facts">\n${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}\n</table></div>`;
}

/** Rows = final metrics, columns = groups; each cell `median [q20, q80]` over `mean ± ci95`, with n when it differs from the group's. */
function groupTableHtml(input: SweepReportInput, data: SweepReportData): string {
  const head = `<tr><th>metric</th>${data.groups.map((g) => `<th data-group="${escapeHtml(g.key)}">${swatch(g.color)}${escapeHtml(g.key)} <span class="cell-mean">(${g.n} runs)</span></th>`).join('')}</tr>`;
  const body = data.finalMetrics
    .map((name) => {
      const cells = input.groups.map((g) => {
        const s = g.metrics[name];
        if (!s) return '<td>—</td>';
        const t = summaryText(s);
        const n = s.n !== g.n || s.nonFinite > 0 ? ` <span class="cell-mean">n=${s.n}${s.nonFinite > 0 ? ` (+${s.nonFinite} non-finite)` : ''}</span>` : '';
        return `<td>${escapeHtml(t.median)}${n}<br><span class="cell-mean">${escapeHtml(t.mean)}</span></td>`;
      });
      return `<tr data-metric="${escapeHtml(name)}"><td>${escapeHtml(name)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table id="groups-table">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table></div>
<p class="meta">Each cell: median [q20, q80] over the group's seeds, and below it mean ± 95% CI (Student t), as <code>bilevel sweep</code> prints them.</p>`;
}

/** The target table as first rendered (the page recomputes it when the target changes). */
function targetTableHtml(data: SweepReportData): string {
  const cells = targetCells(data.target, data.target.defaultTarget);
  const cell = (c: ReachCell, axis: string): string => `<td data-axis="${axis}"${c.k === 0 ? ' class="not-reached"' : ''}>${escapeHtml(reachText(c, formatNumber))}</td>`;
  const rows = data.groups
    .map((g, i) => `<tr data-group="${escapeHtml(g.key)}"><td>${swatch(g.color)}${escapeHtml(g.key)}</td>${cell(cells[i]!.time, 'time')}${cell(cells[i]!.oracleCalls, 'oracleCalls')}</tr>`)
    .join('\n');
  return `<p class="controls"><label>target: ${escapeHtml(data.target.label)} ≤ <input id="target" type="text" inputmode="decimal" size="10" value="${escapeHtml(String(data.target.defaultTarget))}"></label>
<span class="meta">median over the seeds that reach it (k of n), first reach interpolated between records</span></p>
<div class="scroll"><table id="target-table">
<thead><tr><th>group</th><th>time to target (s)</th><th>oracle calls to target</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

/** Runs that did not complete (diverged ones too: their message says where), with their message. */
function failuresHtml(input: SweepReportInput): string {
  const items = input.runs
    .filter((r) => r.status !== 'completed')
    .map((r) => `<li><b>${escapeHtml(r.group)} seed ${r.seed}</b> (${escapeHtml(r.runId)}): <span class="status-${escapeHtml(r.status)}">${escapeHtml(r.status)}</span>${r.message ? ` — ${escapeHtml(r.message)}` : ''}</li>`);
  return items.length > 0 ? `<h3>Runs that did not complete</h3>\n<ul class="notes">\n${items.join('\n')}\n</ul>` : '';
}

function option(value: string, label: string, selected: boolean): string {
  return `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
}

function curvesHtml(data: SweepReportData): string {
  const axes = X_AXES.map((a) => option(a.key, a.label, a.key === DEFAULT_X_AXIS)).join('');
  const cards = data.curves.metrics
    .map((m) => `<figure class="chart-card" data-metric="${escapeHtml(m.key)}"><figcaption class="chart-head"><span class="chart-title">${escapeHtml(m.title)}</span></figcaption><div class="chart-note"></div><div class="chart-canvas tall"><canvas role="img" aria-label="${escapeHtml(m.title)}"></canvas></div></figure>`)
    .join('\n');
  return `<div class="controls" id="curve-controls">
<label>x axis <select id="x-axis">${axes}</select></label>
<label><input type="checkbox" id="log-x"> log x</label>
<label><input type="checkbox" id="log-y" checked> log y</label>
<label>band <select id="band-stat">${option('median', 'median, 20–80% band', true)}${option('mean', 'mean ± 95% CI', false)}</select></label>
<label><input type="checkbox" id="show-seeds"> show seeds</label>
</div>
<div class="legend" id="group-legend">${data.groups.map((g) => `<label><input type="checkbox" checked data-group="${escapeHtml(g.key)}">${swatch(g.color)}${escapeHtml(g.key)}</label>`).join('\n')}</div>
<div class="charts" id="curves">
${cards}
</div>
<p class="meta">Per group of seeds, on a common grid of the x axis; a finished run keeps its last value past its end. Log axes leave out points ≤ 0.</p>`;
}

function sensitivityHtml(data: SweepReportData): string {
  const s = data.sensitivity;
  if (!s) return '';
  const metrics = data.finalMetrics.map((m) => option(m, m, m === s.defaultMetric)).join('');
  const cards = s.charts
    .map((c) => `<figure class="chart-card" data-option="${escapeHtml(c.flag)}"><figcaption class="chart-head"><span class="chart-title">final metric against --${escapeHtml(c.flag)}</span></figcaption><div class="chart-note"></div><div class="chart-canvas"><canvas role="img" aria-label="sensitivity to ${escapeHtml(c.flag)}"></canvas></div></figure>`)
    .join('\n');
  return `<section id="sensitivity">
<h2>Sensitivity</h2>
<div class="controls"><label>final metric <select id="sensitivity-metric">${metrics}</select></label><span class="meta">per method, over the seeds and the other swept options at each value; the band follows the band setting above, the y scale the log y box</span></div>
<div class="charts">
${cards}
</div>
</section>`;
}

function parallelHtml(data: SweepReportData): string {
  const p = data.parallel;
  if (!p) return '';
  const colorBy = [option('method', 'method', true), ...p.axes.filter((a) => a.kind === 'metric').map((a) => option(a.key, a.label, false))].join('');
  return `<section id="parallel">
<h2>Parallel coordinates</h2>
<div class="controls"><label>colour by <select id="parallel-color">${colorBy}</select></label><span class="meta">one line per run; axes of metrics spanning two decades are logarithmic</span></div>
<div class="parallel-box"><div id="parallel-chart"></div><div class="legend" id="parallel-legend"></div></div>
</section>`;
}

/** The whole page; `chartJs` is Chart.js's UMD source (loadChartJs). */
export function renderSweepReportHtml(input: SweepReportInput, chartJs: string): string {
  const data = buildSweepReportData(input);
  const title = input.name ?? input.id;
  const body = `<h1>Sweep ${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(input.id)} · created ${escapeHtml(input.createdAt)}</p>
${factsHtml(input, data)}
${failuresHtml(input)}
<h2>Groups: final metrics</h2>
${groupTableHtml(input, data)}
<p id="no-charts" hidden>The charts need JavaScript, and Chart.js failed to load.</p>
<noscript><p>The charts need JavaScript.</p></noscript>
<h2>Curves over seeds: a band per group</h2>
${curvesHtml(data)}
<h2>To reach the target</h2>
${targetTableHtml(data)}
${sensitivityHtml(data)}
${parallelHtml(data)}
<script type="application/json" id="sweep-data">${embedJson(data)}</script>
<script>${embedScript(chartJs)}</script>
<script>${embedScript(SWEEP_REPORT_SCRIPT)}</script>`;
  return reportPage(`bilevel sweep: ${title}`, body, SWEEP_STYLE);
}

/** Writes the sweep's report to `file` (parent folders made; written whole or not at all). */
export function writeSweepReport(file: string, input: SweepReportInput, chartJs: string = loadChartJs()): void {
  writeHtmlFile(file, renderSweepReportHtml(input, chartJs));
}
