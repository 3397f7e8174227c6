// The run panel's browser script: draws what state.ts computes with Chart.js (tree-shaken and
// bundled by esbuild, no remote content), and talks to the host through the typed messages of
// src/protocol/webview.ts. Handlers are registered per message type (vscode-hexeditor's
// registerHandler); the panel's choices persist with getState/setState (webview-view-sample).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type Scale,
  type TooltipItem,
} from 'chart.js';
import type { BandStat } from '../src/common/bands';
import { formatBytes, formatNumber } from '../src/common/format';
import { isFinished } from '../src/protocol/metrics';
import { isXAxisKey, X_AXES, type XAxisKey } from '../src/protocol/xAxis';
import type { ChartDefaults, CheckView, HostToWebview, WebviewToHost } from '../src/protocol/webview';
import { backendBadge, emptyNoteText, finalValues, settingsRows, showsProgressBar, statusLine, toleranceCondition, toleranceHeader, type BackendBadge } from './runDetails';
import {
  type BarChartData,
  type ChartData,
  type ChartView,
  defaultLogY,
  evalColumns,
  formatChartValue,
  formatEval,
  formatCheck,
  type LineChartData,
  PanelModel,
  type PersistedState,
  progressOf,
  readPersistedState,
  statusWord,
} from './state';
import { measureName, parseTarget, targetCells } from './targetTable';
import { formatLogTicks, formatTick, tickStep } from './tickFormat';
import { renderSvg, TITLE_BAND, type SvgArea, type SvgBar, type SvgLine, type SvgTick } from './svgExport';

// Filler fills a group's band between its lower and upper edge (`fill: '-1'`).
Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, Legend, Decimation, Filler);

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const model = new PanelModel();
const restored = readPersistedState(vscode.getState());
const chartViews = new Map<string, ChartView>(Object.entries(restored?.charts ?? {}));
let smoothing: number | undefined = restored?.smoothing;
/** Check results seen by this panel, kept across reloads for runs whose check the store lacks (a stored check.json comes in the snapshot). */
const checks = new Map<string, CheckView>(Object.entries(restored?.checks ?? {}));
let snapshotSeen = false;
let xAxis: XAxisKey = restored?.xAxis ?? 'iteration';
/** The panel's "log x": every line chart's x axis, and the default of charts drawn later. */
let logXAll = restored?.logX ?? false;
let bandStat: BandStat = restored?.bandStat ?? 'median';
let showSeeds = restored?.showSeeds ?? false;
/** The target the user typed; until then the runs' tolerance (PanelModel.defaultTarget). */
let target: number | undefined = restored?.target;
/** Opacity of a band's fill: the centre line and the seeds stay readable through it. */
const BAND_ALPHA = 0.25;
let hideConstant = restored?.hideConstant ?? true;
let onlyDifferingSettings = restored?.onlyDifferingSettings ?? false;
/** Sections (ChartSection ids, `settings`) the user collapsed. */
const collapsed = new Set<string>(restored?.collapsed ?? []);
/** Runs whose Cancel was pressed, so a redraw keeps the button disabled. */
const cancelling = new Set<string>();

/** One chart card: its canvas, Chart.js instance and the kind it was made for. */
interface Card {
  readonly id: string;
  readonly kind: ChartData['kind'];
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly title: HTMLElement;
  readonly zoomBox: HTMLElement;
  readonly buttons: Record<'logY' | 'logX' | 'reset', HTMLButtonElement>;
  chart: Chart;
  /** Points drawn at the last render. */
  points: number;
}
const cards = new Map<string, Card>();

// ---- page skeleton ------------------------------------------------------------------------------

const app = document.getElementById('app')!;
app.removeAttribute('aria-busy');
app.textContent = '';
const header = el('header', 'panel-header');
const titleEl = el('h1', 'panel-title');
const controls = el('div', 'panel-controls');
const smoothingLabel = el('label', 'smoothing');
smoothingLabel.append('Smoothing ');
const smoothingInput = document.createElement('input');
smoothingInput.type = 'range';
smoothingInput.min = '0';
smoothingInput.max = '0.99';
smoothingInput.step = '0.01';
smoothingInput.id = 'smoothing';
const smoothingValue = el('span', 'smoothing-value');
smoothingLabel.append(smoothingInput, smoothingValue);
const xAxisLabel = el('label', 'x-axis');
xAxisLabel.append('x axis ');
const xAxisSelect = document.createElement('select');
xAxisSelect.id = 'x-axis';
for (const axis of X_AXES) {
  const option = document.createElement('option');
  option.value = axis.key;
  option.textContent = axis.label;
  xAxisSelect.append(option);
}
xAxisSelect.value = xAxis;
xAxisLabel.append(xAxisSelect);
const [logXLabel, logXInput] = checkboxLabel('log-x', logXAll, 'log x', 'Logarithmic x axis on every chart (with a chart\u2019s log y: log–log); points at x ≤ 0 are left out');
// Shown only when some group has two or more seeds (PanelModel.groups).
const bandStatLabel = el('label', 'band-stat');
bandStatLabel.append('band ');
const bandStatSelect = document.createElement('select');
bandStatSelect.id = 'band-stat';
for (const [value, text] of [['median', 'median, 20–80%'], ['mean', 'mean ± 95% CI']] as const) {
  const option = document.createElement('option');
  option.value = value;
  option.textContent = text;
  bandStatSelect.append(option);
}
bandStatSelect.value = bandStat;
bandStatLabel.append(bandStatSelect);
bandStatLabel.title = 'What a group of seeds draws: its median with the 20–80% quantile band, or its mean with the 95% confidence interval';
const [showSeedsLabel, showSeedsInput] = checkboxLabel('show-seeds', showSeeds, 'show seeds', 'Also draw each seed of a group, thin and faint');
const [hideConstantLabel, hideConstantInput] = checkboxLabel('hide-constant', hideConstant, 'hide constant', 'Fold charts whose every line is flat into one line each, under their section');
const cancelAllButton = document.createElement('button');
cancelAllButton.id = 'cancel-all';
cancelAllButton.className = 'cancel';
cancelAllButton.textContent = 'Cancel all';
cancelAllButton.title = 'Cancel every unfinished run of this panel; queued runs never start';
cancelAllButton.hidden = true;
cancelAllButton.addEventListener('click', () => {
  for (const run of model.runs) if (!isFinished(run.status)) cancelling.add(run.runId);
  cancelAllButton.disabled = true;
  cancelAllButton.textContent = 'Cancelling all…';
  post({ type: 'cancelAll' });
  renderRuns();
});
controls.append(xAxisLabel, logXLabel, bandStatLabel, showSeedsLabel, smoothingLabel, hideConstantLabel, cancelAllButton);
header.append(titleEl, controls);
const runsSection = el('section', 'runs');
runsSection.id = 'runs';
const summarySection = el('section', 'summary');
summarySection.id = 'summary';
const targetSection = el('section', 'targets');
targetSection.id = 'targets';
const targetHead = el('div', 'target-head');
const targetLabel = el('label', 'target-label');
const targetMeasureText = el('span', 'target-measure');
const targetInput = document.createElement('input');
targetInput.type = 'text';
targetInput.inputMode = 'decimal';
targetInput.id = 'target';
targetInput.size = 8;
targetInput.spellcheck = false;
targetLabel.append('To reach target: ', targetMeasureText, ' ≤ ', targetInput);
targetLabel.title = 'Per group of seeds: wall time and oracle calls (gradients + HVPs) until the measure first fell to the target, median over the seeds that reached it';
const targetError = el('span', 'target-error');
targetHead.append(targetLabel, targetError);
const targetTable = el('table', 'target-table');
targetTable.id = 'target-table';
targetSection.append(targetHead, targetTable);
const settingsSection = el('details', 'settings');
settingsSection.id = 'settings';
settingsSection.open = !collapsed.has('settings');
const settingsSummary = el('summary', 'section-title');
settingsSummary.textContent = 'Settings and final values';
const settingsBody = el('div', 'settings-body');
settingsSection.append(settingsSummary, settingsBody);
settingsSection.addEventListener('toggle', () => setCollapsed('settings', !settingsSection.open));
const chartsSection = el('section', 'charts');
chartsSection.id = 'charts';
const emptyNote = el('p', 'empty-note');
emptyNote.textContent = 'Waiting for the first metrics…';
app.append(header, runsSection, summarySection, targetSection, settingsSection, emptyNote, chartsSection);

smoothingInput.addEventListener('input', () => {
  smoothing = Number(smoothingInput.value);
  persist();
  scheduleRender(0);
});
xAxisSelect.addEventListener('change', () => {
  xAxis = isXAxisKey(xAxisSelect.value) ? xAxisSelect.value : 'iteration';
  // A zoom in iterations means nothing in seconds (and back): every chart shows its whole range again.
  for (const [id, view] of chartViews) chartViews.set(id, { logY: view.logY, logX: view.logX });
  persist();
  scheduleRender(0);
});
logXInput.addEventListener('change', () => {
  logXAll = logXInput.checked;
  // Every chart follows the panel's toggle (its own button can change it again); a zoom in linear x is dropped.
  for (const [id, view] of chartViews) chartViews.set(id, { logY: view.logY, logX: logXAll });
  persist();
  scheduleRender(0);
});
bandStatSelect.addEventListener('change', () => {
  bandStat = bandStatSelect.value === 'mean' ? 'mean' : 'median';
  persist();
  scheduleRender(0);
});
showSeedsInput.addEventListener('change', () => {
  showSeeds = showSeedsInput.checked;
  persist();
  scheduleRender(0);
});
targetInput.addEventListener('change', () => {
  const value = parseTarget(targetInput.value);
  targetError.textContent = value === undefined ? `"${targetInput.value}" is not a number; the target stays ${formatNumber(currentTarget())}` : '';
  if (value === undefined) return;
  target = value;
  persist();
  renderTargets();
});
hideConstantInput.addEventListener('change', () => {
  hideConstant = hideConstantInput.checked;
  persist();
  scheduleRender(0);
});

function setCollapsed(section: string, isCollapsed: boolean): void {
  if (isCollapsed === collapsed.has(section)) return;
  if (isCollapsed) collapsed.add(section);
  else collapsed.delete(section);
  persist();
  // A section opened again draws its charts, which were skipped while it was closed.
  scheduleRender(0);
}

// ---- messages -----------------------------------------------------------------------------------

type Handlers = { [K in HostToWebview['type']]: (message: Extract<HostToWebview, { type: K }>) => void };

const handlers: Handlers = {
  snapshot(m) {
    model.applySnapshot(m);
    for (const run of model.runs) {
      if (run.check) checks.set(run.runId, run.check);
      else if (checks.has(run.runId)) run.check = checks.get(run.runId);
    }
    snapshotSeen = true;
    applyDefaults(m.chartDefaults);
    titleEl.textContent = m.title;
    document.title = m.title;
    persist();
    scheduleRender(0);
  },
  append(m) {
    if (model.append(m.runId, m.records)) scheduleRender();
  },
  status(m) {
    if (model.applyStatus(m)) scheduleRender(0);
  },
  exportRequest(m) {
    // Charts of a snapshot that has not been drawn yet are drawn first, so they can be exported.
    if (renderTimer !== undefined) {
      clearTimeout(renderTimer);
      renderTimer = undefined;
      render();
    }
    const ids = [...cards.keys()].filter((id) => chartsSection.contains(cards.get(id)!.root));
    for (const id of ids) exportChart(id, m.format, m.requestId, ids.length);
  },
};

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  if (typeof message !== 'object' || message === null || !(message.type in handlers)) return;
  (handlers[message.type] as (m: HostToWebview) => void)(message);
});

function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

function persist(): void {
  vscode.setState({
    title: model.title,
    runIds: model.runs.map((r) => r.runId),
    charts: Object.fromEntries(chartViews),
    ...(smoothing !== undefined ? { smoothing } : {}),
    // Only the checks of the runs shown, so the state does not grow without bound.
    checks: Object.fromEntries([...checks].filter(([id]) => model.run(id) !== undefined)),
    xAxis,
    logX: logXAll,
    bandStat,
    showSeeds,
    ...(target !== undefined ? { target } : {}),
    hideConstant,
    onlyDifferingSettings,
    collapsed: [...collapsed],
  });
}

function applyDefaults(defaults: ChartDefaults): void {
  if (smoothing === undefined) smoothing = defaults.smoothing;
  smoothingInput.value = String(smoothing);
}

function viewOf(id: string): ChartView {
  let view = chartViews.get(id);
  if (!view) {
    view = { logY: defaultLogY(id, model.chartDefaults), logX: logXAll };
    chartViews.set(id, view);
  }
  return view;
}

function setView(id: string, patch: Partial<ChartView> & { xRange?: readonly [number, number] | undefined }): void {
  const next = { ...viewOf(id), ...patch };
  if (patch.xRange === undefined && 'xRange' in patch) delete (next as { xRange?: unknown }).xRange;
  chartViews.set(id, next);
  persist();
  scheduleRender(0);
}

// ---- rendering ----------------------------------------------------------------------------------

let renderTimer: ReturnType<typeof setTimeout> | undefined;
let lastRender = 0;
/** Streaming appends redraw at most this often (ms); more rarely when a draw itself takes long. */
const RENDER_INTERVAL = 120;
let renderCost = 0;

/** Draws soon: at once for user actions (`delay` 0), throttled for streaming metrics. */
function scheduleRender(delay?: number): void {
  if (renderTimer !== undefined) {
    if (delay !== 0) return;
    clearTimeout(renderTimer);
  }
  // Long series make a draw cost tens of ms; keep at least twice that idle, so input stays responsive.
  const interval = Math.max(RENDER_INTERVAL, 3 * renderCost);
  const wait = delay ?? Math.max(0, interval - (performance.now() - lastRender));
  renderTimer = setTimeout(() => {
    renderTimer = undefined;
    render();
  }, wait);
}

/** One collapsible section of charts: its grid of cards and its list of folded constant charts. */
interface SectionView {
  readonly root: HTMLDetailsElement;
  readonly grid: HTMLElement;
  readonly constants: HTMLElement;
}
const sections = new Map<string, SectionView>();

function sectionFor(id: string, title: string): SectionView {
  let view = sections.get(id);
  if (!view) {
    const root = el('details', 'chart-section');
    root.dataset.section = id;
    root.open = !collapsed.has(id);
    const summary = el('summary', 'section-title');
    summary.textContent = title;
    const grid = el('div', 'chart-grid');
    const constants = el('ul', 'constant-list');
    root.append(summary, grid, constants);
    root.addEventListener('toggle', () => setCollapsed(id, !root.open));
    view = { root, grid, constants };
    sections.set(id, view);
  }
  return view;
}

function render(): void {
  lastRender = performance.now();
  renderRuns();
  renderSummary();
  renderTargets();
  renderSettings();
  const grouped = model.groups().some((g) => g.runIds.length > 1);
  bandStatLabel.hidden = !grouped;
  showSeedsLabel.hidden = !grouped;
  const ids = model.chartIds();
  emptyNote.hidden = ids.length > 0 || !snapshotSeen;
  emptyNote.textContent = emptyNoteText(model.runs);
  smoothingValue.textContent = (smoothing ?? 0).toFixed(2);
  let points = 0;
  const shown = new Set<string>();
  const groups = model.chartGroups(ids);
  for (const group of groups) {
    const section = sectionFor(group.section, group.title);
    chartsSection.append(section.root);
    section.constants.textContent = '';
    for (const id of group.ids) {
      const constant = hideConstant ? model.constantChart(id) : undefined;
      if (constant) {
        const item = el('li', 'constant-chart');
        item.dataset.chart = id;
        item.title = id;
        item.textContent = `constant: ${constant.title} = ${constant.values.map((v) => (constant.values.length > 1 ? `${formatChartValue(id, v.value)} (${v.labels.join(', ')})` : formatChartValue(id, v.value))).join(', ')}`;
        section.constants.append(item);
        continue;
      }
      shown.add(id);
      // A closed section keeps its cards as they were; they are drawn when it opens.
      if (!section.root.open && cards.has(id)) continue;
      const data = model.chart(id, viewOf(id), smoothing ?? 0, model.chartDefaults.maxPointsPerSeries, xAxis, { stat: bandStat, showSeeds });
      if (!data) continue;
      const card = cardFor(id, data.kind, section.grid);
      section.grid.append(card.root);
      drawCard(card, data);
      points += card.points;
    }
    section.constants.hidden = section.constants.childElementCount === 0;
  }
  // Cards of charts that have no data any more (a new snapshot) or are folded are removed; the rest keep page order.
  for (const [id, card] of cards) {
    if (!shown.has(id)) {
      card.chart.destroy();
      card.root.remove();
      cards.delete(id);
    }
  }
  for (const [id, section] of sections) {
    if (!groups.some((g) => g.section === id)) {
      section.root.remove();
      sections.delete(id);
    }
  }
  const drawn = [...cards.values()].filter((c) => c.points > 0 && canvasHasInk(c.canvas)).length;
  document.body.dataset.chartsDrawn = String(drawn);
  document.body.dataset.points = String(points);
  document.body.dataset.records = String(model.recordCount);
  post({ type: 'drawn', charts: drawn, points });
  renderCost = performance.now() - lastRender;
}

/** True when the canvas has non-transparent pixels (sampled; the plot's lines are several pixels long). */
function canvasHasInk(canvas: HTMLCanvasElement): boolean {
  const ctx = canvas.getContext('2d');
  if (!ctx || canvas.width === 0 || canvas.height === 0) return false;
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4 * 7) if (data[i]! > 0) return true;
  return false;
}

function renderRuns(): void {
  const now = Date.now();
  runsSection.textContent = '';
  const colors = model.colors();
  const unfinished = model.runs.filter((r) => !isFinished(r.status));
  cancelAllButton.hidden = unfinished.length < 2;
  if (unfinished.length === 0 || unfinished.some((r) => !cancelling.has(r.runId))) {
    cancelAllButton.disabled = false;
    cancelAllButton.textContent = 'Cancel all';
  }
  model.runs.forEach((run, index) => {
    const p = progressOf(run, now);
    const row = el('div', `run-row status-${run.status}`);
    row.dataset.runId = run.runId;
    row.dataset.status = run.status;
    const swatch = el('span', 'swatch');
    swatch.style.backgroundColor = colors[index]!;
    const label = el('span', 'run-label');
    label.textContent = model.runLabel(run);
    label.title = `${run.runId} — ${run.method} on ${run.problem}`;
    const status = el('span', 'run-status');
    status.textContent = statusWord(run);
    const text = el('span', 'run-progress');
    text.textContent = statusLine(run.status, p);
    row.append(swatch, label, status);
    // A queued run has not started: no progress bar and no clock, only "queued".
    if (showsProgressBar(run.status, p)) {
      const bar = document.createElement('progress');
      bar.max = 1;
      bar.value = p.fraction;
      row.append(bar);
    }
    row.append(text);
    if (run.concurrent) row.append(concurrentBadge());
    if (run.status === 'running' || run.status === 'queued') {
      const cancel = document.createElement('button');
      cancel.className = 'cancel';
      cancel.title = run.status === 'queued' ? 'Remove from the queue: it will not start' : 'Stop after the current outer iteration';
      const pressed = cancelling.has(run.runId);
      cancel.textContent = pressed ? 'Cancelling…' : 'Cancel';
      cancel.disabled = pressed;
      cancel.addEventListener('click', () => {
        cancelling.add(run.runId);
        cancel.disabled = true;
        cancel.textContent = 'Cancelling…';
        post({ type: 'cancel', runId: run.runId });
      });
      row.append(cancel);
    }
    // After the controls, so a narrow panel wraps the backend to the next line, not the Cancel button.
    const backend = backendBadge(run);
    if (backend) row.append(backendElement(run.runId, backend));
    if (run.message) {
      const msg = el('div', 'run-message');
      msg.textContent = run.message;
      row.append(msg);
    }
    runsSection.append(row);
  });
}

function renderSummary(): void {
  const rows = model.summaryRows();
  summarySection.textContent = '';
  if (rows.length === 0) return;
  const table = el('table', 'summary-table');
  const head = table.createTHead().insertRow();
  // Held-out metrics of the last evaluation (test accuracy, F1, …) get a column each, after the check.
  const evalNames = evalColumns(rows);
  const tolHeader = toleranceHeader(rows.map((r) => r.toleranceMeasure));
  for (const h of ['Run', 'Status', 'Iterations', 'Final F', '‖x − x*‖', tolHeader, 'Time / iter.', 'Peak memory', 'Hypergradient check', ...evalNames]) {
    const th = document.createElement('th');
    th.textContent = h;
    if (h === tolHeader) th.title = 'Outer iterations until ‖x − x*‖ (when the problem knows x*), else the hypergradient norm ‖g‖, first fell to the tolerance (option `tolerance`)';
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    const cells = [
      r.label,
      r.status,
      String(r.iterations),
      formatNumber(r.finalUpper),
      formatNumber(r.upperDistance),
      r.iterationsToTolerance !== undefined ? String(r.iterationsToTolerance) : r.iterations > 0 ? 'not reached' : '—',
      r.msPerIteration !== undefined ? `${formatNumber(r.msPerIteration)} ms` : '—',
      formatBytes(r.peakBytes),
      formatCheck(r.check),
      ...evalNames.map((name) => formatEval(r.evals, name)),
    ];
    tr.dataset.runId = r.runId;
    cells.forEach((text, i) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (i === 0) {
        td.style.borderLeft = `4px solid ${r.color}`;
        if (r.concurrent) td.append(' ', concurrentBadge());
      }
      if (i === 5) td.title = `iterations until ${toleranceCondition(r.toleranceMeasure, r.tolerance)}`;
      if (i === 8) {
        td.className = 'check-cell';
        if (r.check) {
          // The verdict opens the per-direction details (command bilevel.showCheckDetails, through the host).
          td.textContent = '';
          const open = document.createElement('button');
          open.className = `check-link check-${r.check.verdict}`;
          open.dataset.verdict = r.check.verdict;
          open.textContent = text;
          open.title = `Hypergradient check: ${r.check.verdict}, max relative error ${formatNumber(r.check.maxRelativeError)}, vs RHG ${formatNumber(r.check.relativeErrorVsRhg)}. Click for the per-direction details.`;
          open.addEventListener('click', () => post({ type: 'showCheck', runId: r.runId }));
          td.append(open);
        }
      }
    });
  }
  summarySection.append(table);
}

/** The target in force: the one typed, else the runs' tolerance or 1e-2. */
function currentTarget(): number {
  return target ?? model.defaultTarget();
}

/** The "to reach target" table: one row per group of seeds (targetTable.ts), `tr[data-group]`. */
function renderTargets(): void {
  const value = currentTarget();
  // The input shows the target in force, except while the user is typing in it.
  if (document.activeElement !== targetInput) targetInput.value = String(value);
  targetMeasureText.textContent = measureName(model.targetMeasure());
  const rows = model.targetRows(value);
  targetSection.hidden = model.recordCount === 0;
  targetTable.textContent = '';
  const head = targetTable.createTHead().insertRow();
  for (const h of ['Group', 'Runs', 'Time to target', 'Oracle calls to target', 'Reached']) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const body = targetTable.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.group = row.groupId;
    tr.dataset.method = row.method;
    tr.dataset.reached = String(row.reached);
    tr.dataset.runs = String(row.runs);
    const cells = targetCells(row);
    const cell = (text: string, col: string): HTMLTableCellElement => {
      const td = tr.insertCell();
      td.textContent = text;
      td.dataset.col = col;
      return td;
    };
    cell(row.label, 'group').style.borderLeft = `4px solid ${row.color}`;
    cell(String(row.runs), 'runs');
    cell(cells.time, 'time');
    cell(cells.oracleCalls, 'oracleCalls');
    cell(cells.reached, 'reached');
    if (row.reached === 0) tr.classList.add('not-reached');
  }
}

/**
 * A run's backend, `[data-backend-for="<run id>"]` with `data-backend-name` (tests read it): the
 * label, what `auto` skipped in short, and the whole detail and reasons in its tooltip.
 */
function backendElement(runId: string, b: BackendBadge): HTMLElement {
  const box = el('span', 'run-backend');
  box.dataset.backendFor = runId;
  box.dataset.backendName = b.name;
  box.title = b.title;
  const label = el('span', 'backend-label');
  label.textContent = b.label;
  box.append(label);
  if (b.skipped !== '') {
    const skipped = el('span', 'backend-skipped');
    skipped.textContent = b.skipped;
    box.append(skipped);
  }
  return box;
}

/** The badge of a run that ran beside others. */
function concurrentBadge(): HTMLElement {
  const badge = el('span', 'badge concurrent');
  badge.textContent = 'concurrent';
  badge.title = 'ran beside other runs: times not its own';
  return badge;
}

/** The settings of every run (one column per run, differing settings first and marked) and their final x and y. */
let settingsShown = '';

function renderSettings(): void {
  const rows = settingsRows(model.runs, onlyDifferingSettings);
  const all = onlyDifferingSettings ? settingsRows(model.runs) : rows;
  const finals = model.runs.map((r) => finalValues(r.summary));
  // Settings change only with a snapshot or a run's end, not with each batch of metrics: rebuild only then.
  const key = JSON.stringify([rows, all.length, finals, model.runs.map((r) => [r.runId, model.runLabel(r)])]);
  if (key === settingsShown) return;
  settingsShown = key;
  settingsBody.textContent = '';
  settingsSection.hidden = all.length === 0 && finals.every((f) => f.length === 0);
  if (settingsSection.hidden) return;
  const differing = all.filter((r) => r.differs).length;
  if (model.runs.length > 1) {
    const toggle = el('label', 'only-differing');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = 'only-differing';
    box.checked = onlyDifferingSettings;
    box.addEventListener('change', () => {
      onlyDifferingSettings = box.checked;
      persist();
      renderSettings();
      // The rebuilt checkbox keeps the keyboard focus where the user left it.
      document.getElementById('only-differing')?.focus();
    });
    toggle.append(box, ` only the ${differing} setting${differing === 1 ? '' : 's'} that differ`);
    settingsBody.append(toggle);
  }
  const table = el('table', 'settings-table');
  const head = table.createTHead().insertRow();
  const corner = document.createElement('th');
  corner.textContent = 'Setting';
  head.append(corner);
  const colors = model.colors();
  model.runs.forEach((run, i) => {
    const th = document.createElement('th');
    th.textContent = model.runLabel(run);
    th.title = run.runId;
    th.style.borderTop = `3px solid ${colors[i]!}`;
    head.append(th);
  });
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.setting = row.key;
    if (row.differs) {
      tr.className = 'diff';
      tr.title = 'differs between the runs';
    }
    const name = tr.insertCell();
    // The marker says "differs" without colour, for colour-blind readers and high-contrast themes.
    name.textContent = row.differs ? `≠ ${row.key}` : row.key;
    for (const value of row.values) tr.insertCell().textContent = value;
  }
  // Final values: one row per variable name, x first.
  const names: { side: 'x' | 'y'; name: string }[] = [];
  for (const f of finals) for (const v of f) if (!names.some((n) => n.side === v.side && n.name === v.name)) names.push({ side: v.side, name: v.name });
  for (const n of names) {
    const tr = body.insertRow();
    tr.className = 'final';
    tr.dataset.final = `${n.side}.${n.name}`;
    tr.insertCell().textContent = `final ${n.side}: ${n.name}`;
    for (const f of finals) tr.insertCell().textContent = f.find((v) => v.side === n.side && v.name === n.name)?.text ?? '—';
  }
  settingsBody.append(table);
}

// ---- charts -------------------------------------------------------------------------------------

function theme(): { foreground: string; background: string; grid: string } {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    foreground: v('--vscode-foreground', '#333333'),
    background: v('--vscode-editor-background', '#ffffff'),
    grid: v('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'),
  };
}

function cardFor(id: string, kind: ChartData['kind'], parent: HTMLElement): Card {
  const existing = cards.get(id);
  if (existing && existing.kind === kind) return existing;
  if (existing) {
    existing.chart.destroy();
    existing.root.remove();
  }
  const root = el('div', 'card');
  root.dataset.chart = id;
  const head = el('div', 'card-head');
  const title = el('span', 'card-title');
  // The title in words; the raw key (what the CSV and the records call it) on hover.
  title.title = id;
  const tools = el('span', 'card-tools');
  const button = (text: string, tip: string, onClick: () => void): HTMLButtonElement => {
    const b = document.createElement('button');
    b.textContent = text;
    b.title = tip;
    b.addEventListener('click', onClick);
    tools.append(b);
    return b;
  };
  const buttons = {
    logY: button('log y', 'Logarithmic / linear y axis', () => setView(id, { logY: !viewOf(id).logY })),
    logX: button('log x', 'Logarithmic / linear x axis', () => setView(id, { logX: !viewOf(id).logX })),
    reset: button('reset zoom', 'Show every iteration (drag on the chart to zoom, shift-drag to pan)', () => setView(id, { xRange: undefined })),
  };
  button('PNG', 'Save this chart as PNG', () => exportChart(id, 'png'));
  button('SVG', 'Save this chart as SVG', () => exportChart(id, 'svg'));
  if (kind === 'bar') {
    buttons.logX.hidden = true;
    buttons.reset.hidden = true;
  }
  head.append(title, tools);
  const wrap = el('div', 'canvas-wrap');
  const canvas = document.createElement('canvas');
  canvas.id = `chart-${id}`;
  canvas.className = 'chart-canvas';
  canvas.setAttribute('role', 'img');
  const zoomBox = el('div', 'zoom-box');
  zoomBox.hidden = true;
  wrap.append(canvas, zoomBox);
  root.append(head, wrap);
  // In the page before Chart.js measures it, so the first draw has its size.
  parent.append(root);
  // Cards hold either kind; drawLine/drawBar narrow it back.
  const chart = kind === 'line' ? (new Chart(canvas, lineConfig(id)) as unknown as Chart) : (new Chart(canvas, barConfig()) as unknown as Chart);
  const card: Card = { id, kind, root, canvas, title, zoomBox, buttons, chart, points: 0 };
  if (kind === 'line') attachZoom(card);
  cards.set(id, card);
  return card;
}

function baseOptions(): NonNullable<ChartConfiguration['options']> {
  const t = theme();
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    color: t.foreground,
    plugins: {
      legend: { position: 'bottom', labels: { color: t.foreground, boxWidth: 12 } },
      tooltip: { enabled: true },
    },
  };
}

function lineConfig(id: string): ChartConfiguration<'line', { x: number; y: number }[]> {
  const t = theme();
  const base = baseOptions();
  return {
    type: 'line',
    data: { datasets: [] },
    options: {
      ...(base as ChartConfiguration<'line'>['options']),
      parsing: false,
      normalized: true,
      spanGaps: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: xAxisTitle(), color: t.foreground }, ticks: { color: t.foreground, callback: tickLabel }, grid: { color: t.grid } },
        y: { type: 'linear', title: { display: true, text: '', color: t.foreground }, ticks: { color: t.foreground, callback: tickLabel }, grid: { color: t.grid } },
      },
      plugins: {
        ...base.plugins,
        // Chart.js's own min/max decimation further thins what state.ts kept down to the canvas width.
        decimation: { enabled: true, algorithm: 'min-max' },
        legend: {
          position: 'bottom',
          labels: {
            color: t.foreground,
            boxWidth: 12,
            // With smoothing on, the faded raw lines share their run's legend entry; a band's edges
            // and its seeds share the group's centre line's.
            filter: (item, data) => {
              const role = (data.datasets[item.datasetIndex ?? 0] as { role?: string } | undefined)?.role;
              return role === 'raw' ? !hasSmoothed(data.datasets) : role !== 'band-lower' && role !== 'band-upper' && role !== 'seed';
            },
          },
        },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => (items[0] ? xTooltip(items[0].parsed.x ?? undefined) : ''),
            label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${formatChartValue(id, item.parsed.y ?? undefined)}`,
          },
        },
      },
    },
  };
}

function hasSmoothed(datasets: readonly unknown[]): boolean {
  return datasets.some((d) => (d as { role?: string }).role === 'smoothed');
}

function barConfig(): ChartConfiguration<'bar', number[], string> {
  const t = theme();
  const base = baseOptions();
  return {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: {
      ...(base as ChartConfiguration<'bar'>['options']),
      scales: {
        x: { type: 'category', title: { display: true, text: 'k*', color: t.foreground }, ticks: { color: t.foreground }, grid: { color: t.grid } },
        y: { type: 'linear', title: { display: true, text: 'iterations', color: t.foreground }, ticks: { color: t.foreground, precision: 0 }, grid: { color: t.grid } },
      },
    },
  };
}

function xAxisTitle(): string {
  return X_AXES.find((a) => a.key === xAxis)?.label ?? xAxis;
}

/** The x of a tooltip: `iteration 12`, `t = 1.5 s`, `oracle calls: 240`. */
function xTooltip(x: number | undefined): string {
  if (xAxis === 'iteration') return `iteration ${x}`;
  if (xAxis === 'time') return `t = ${formatNumber(x)} s`;
  return `${X_AXES.find((a) => a.key === xAxis)?.short ?? xAxis}: ${formatNumber(x)}`;
}

/** Tick labels with the digits the axis step needs (tickFormat.ts): a narrow range must not read "1.5" on every tick. */
function tickLabel(this: Scale, value: number | string, index: number, ticks: { value: number }[]): string {
  const v = typeof value === 'number' ? value : Number(value);
  const values = ticks.map((t) => t.value);
  if (this.type === 'logarithmic') return formatLogTicks(values)[index] ?? '';
  return formatTick(v, tickStep(values));
}

function drawCard(card: Card, data: ChartData): void {
  card.title.textContent = data.title;
  if (data.kind === 'line') drawLine(card, data);
  else drawBar(card, data);
  card.chart.update('none');
  markBandProbe(card);
}

/**
 * After a draw, `data-band-probe="x,yTop,yBottom"` on the canvas of a chart with a band (CSS pixels
 * from the canvas's top left): a column in the middle half of its first band where the band is
 * widest, and the band's top and bottom there, inside the plot area. `data-band-center` is the
 * centre line's y at that x and `data-band-fill` the fill colour, so a test can read pixels strictly
 * inside the band, away from the line. Removed when the chart has no band in view.
 */
function markBandProbe(card: Card): void {
  const probe = card.kind === 'line' ? bandProbe(card.chart as Chart<'line', { x: number; y: number }[]>) : undefined;
  if (!probe) {
    delete card.canvas.dataset.bandProbe;
    delete card.canvas.dataset.bandCenter;
    delete card.canvas.dataset.bandFill;
    return;
  }
  const r1 = (v: number): string => String(Math.round(v * 10) / 10);
  card.canvas.dataset.bandProbe = `${r1(probe.x)},${r1(probe.top)},${r1(probe.bottom)}`;
  if (probe.center !== undefined) card.canvas.dataset.bandCenter = r1(probe.center);
  else delete card.canvas.dataset.bandCenter;
  card.canvas.dataset.bandFill = probe.fill;
}

function bandProbe(chart: Chart<'line', { x: number; y: number }[]>): { x: number; top: number; bottom: number; center?: number; fill: string } | undefined {
  const datasets = chart.data.datasets as (ChartDataset<'line', { x: number; y: number }[]> & { role?: string })[];
  const i = datasets.findIndex((d) => d.role === 'band-lower');
  const lower = datasets[i];
  const upper = datasets[i + 1];
  if (!lower || !upper || upper.role !== 'band-upper' || lower.data.length === 0) return undefined;
  const centre = datasets.find((d, k) => k > i && d.role === 'center');
  const area = chart.chartArea;
  const xs = chart.scales.x!;
  const ys = chart.scales.y!;
  const n = lower.data.length;
  let best: { x: number; top: number; bottom: number; dataX: number } | undefined;
  for (let k = Math.floor(n / 4); k <= Math.min(n - 1, Math.ceil((3 * n) / 4)); k++) {
    const lo = lower.data[k]!;
    const up = upper.data[k];
    if (!up || up.x !== lo.x) continue;
    const x = xs.getPixelForValue(lo.x);
    if (!(x > area.left && x < area.right)) continue;
    const top = Math.max(area.top, ys.getPixelForValue(up.y));
    const bottom = Math.min(area.bottom, ys.getPixelForValue(lo.y));
    if (!Number.isFinite(top) || !Number.isFinite(bottom)) continue;
    if (!best || bottom - top > best.bottom - best.top) best = { x, top, bottom, dataX: lo.x };
  }
  if (!best) return undefined;
  const c = centre?.data.find((p) => p.x === best.dataX);
  return { x: best.x, top: best.top, bottom: best.bottom, ...(c ? { center: ys.getPixelForValue(c.y) } : {}), fill: String(upper.backgroundColor) };
}

function drawLine(card: Card, data: LineChartData): void {
  const view = viewOf(card.id);
  const chart = card.chart as Chart<'line', { x: number; y: number }[]>;
  const smoothed = data.datasets.some((d) => d.role === 'smoothed');
  const datasets: (ChartDataset<'line', { x: number; y: number }[]> & { role: string })[] = data.datasets.map((d, i) => {
    // A baseline is a constant of the problem: a thin dashed line without points.
    if (d.role === 'baseline') {
      return { label: d.label, role: d.role, data: d.points, borderColor: d.color, backgroundColor: d.color, borderWidth: 1.25, borderDash: [6, 4], pointRadius: 0, pointHoverRadius: 0, tension: 0 };
    }
    // A band's edges are not drawn; the upper one fills down to the lower one, the dataset before it.
    if (d.role === 'band-lower' || d.role === 'band-upper') {
      const fill = withAlpha(d.color, BAND_ALPHA);
      return { label: d.label, role: d.role, data: d.points, borderColor: fill, backgroundColor: fill, borderWidth: 0, pointRadius: 0, pointHoverRadius: 0, tension: 0, fill: d.role === 'band-upper' ? '-1' : false };
    }
    if (d.role === 'seed') {
      const faint = withAlpha(d.color, 0.35);
      return { label: d.label, role: d.role, data: d.points, borderColor: faint, backgroundColor: faint, borderWidth: 0.75, pointRadius: 0, pointHoverRadius: 2, tension: 0 };
    }
    if (d.role === 'center') {
      return { label: d.label, role: d.role, data: d.points, borderColor: d.color, backgroundColor: d.color, borderWidth: 2, pointRadius: 0, pointHoverRadius: 3, tension: 0 };
    }
    const faded = smoothed && d.role === 'raw';
    return {
      label: faded ? `${d.label} (raw)` : d.label,
      role: d.role,
      data: d.points,
      borderColor: faded ? withAlpha(d.color, 0.3) : d.color,
      backgroundColor: faded ? withAlpha(d.color, 0.3) : d.color,
      // Later runs are drawn wider, so exact methods with equal curves stay visible.
      borderWidth: faded ? 1 : 1.5 + 0.5 * Math.min(i, 4),
      pointRadius: faded || d.points.length > 80 ? 0 : 2,
      pointHoverRadius: 3,
      tension: 0,
    };
  });
  chart.data.datasets = datasets;
  const x = chart.options.scales!.x!;
  const y = chart.options.scales!.y!;
  x.type = view.logX ? 'logarithmic' : 'linear';
  y.type = view.logY ? 'logarithmic' : 'linear';
  x.min = view.xRange?.[0];
  x.max = view.xRange?.[1];
  (x as { title: { text: string } }).title.text = xAxisTitle();
  (y as { title: { text: string } }).title.text = data.yLabel;
  setPressed(card.buttons.logY, view.logY);
  setPressed(card.buttons.logX, view.logX);
  card.buttons.reset.disabled = view.xRange === undefined;
  card.points = data.datasets.reduce((n, d) => n + d.points.length, 0);
}

function drawBar(card: Card, data: BarChartData): void {
  const view = viewOf(card.id);
  const chart = card.chart as Chart<'bar', number[], string>;
  chart.data.labels = data.labels;
  chart.data.datasets = data.datasets.map((d) => ({ label: d.label, data: view.logY ? d.counts.map((c) => (c > 0 ? c : Number.NaN)) : d.counts, backgroundColor: d.color }));
  chart.options.scales!.y!.type = view.logY ? 'logarithmic' : 'linear';
  setPressed(card.buttons.logY, view.logY);
  card.points = data.datasets.reduce((n, d) => n + d.counts.filter((c) => c > 0).length, 0);
}

/** Drag to zoom the x axis, shift-drag to pan a zoomed chart, double-click to reset. */
function attachZoom(card: Card): void {
  let drag: { startX: number; pan: boolean; range?: readonly [number, number] } | undefined;
  const localX = (e: MouseEvent): number => e.clientX - card.canvas.getBoundingClientRect().left;
  card.canvas.addEventListener('mousedown', (e) => {
    const area = card.chart.chartArea;
    const x = localX(e);
    if (e.button !== 0 || !area || x < area.left || x > area.right) return;
    const range = viewOf(card.id).xRange ?? currentRange(card);
    drag = { startX: x, pan: e.shiftKey && range !== undefined, ...(range ? { range } : {}) };
    e.preventDefault();
  });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    const area = card.chart.chartArea;
    const x = Math.min(Math.max(localX(e), area.left), area.right);
    if (drag.pan && drag.range) {
      const perPixel = (drag.range[1] - drag.range[0]) / Math.max(1, area.width);
      const dx = (x - drag.startX) * perPixel;
      const next: [number, number] = [drag.range[0] - dx, drag.range[1] - dx];
      chartViews.set(card.id, { ...viewOf(card.id), xRange: next });
      scheduleRender();
      return;
    }
    const left = Math.min(drag.startX, x);
    card.zoomBox.hidden = false;
    card.zoomBox.style.left = `${left}px`;
    card.zoomBox.style.width = `${Math.abs(x - drag.startX)}px`;
    card.zoomBox.style.top = `${area.top}px`;
    card.zoomBox.style.height = `${area.height}px`;
  });
  window.addEventListener('mouseup', (e) => {
    if (!drag) return;
    const d = drag;
    drag = undefined;
    card.zoomBox.hidden = true;
    if (d.pan) {
      persist();
      return;
    }
    const area = card.chart.chartArea;
    const x = Math.min(Math.max(localX(e), area.left), area.right);
    if (Math.abs(x - d.startX) < 5) return;
    const scale = card.chart.scales.x!;
    const a = scale.getValueForPixel(Math.min(d.startX, x));
    const b = scale.getValueForPixel(Math.max(d.startX, x));
    if (a === undefined || b === undefined || !(b > a)) return;
    // Iterations and evaluation counts are whole numbers; a wide range snaps to them so the axis ends read cleanly.
    const range: [number, number] = xAxis !== 'time' && b - a >= 10 ? [Math.floor(a), Math.ceil(b)] : [a, b];
    setView(card.id, { xRange: range });
  });
  card.canvas.addEventListener('dblclick', () => setView(card.id, { xRange: undefined }));
}

function currentRange(card: Card): [number, number] | undefined {
  const scale = card.chart.scales.x;
  return scale ? [scale.min, scale.max] : undefined;
}

// ---- export -------------------------------------------------------------------------------------

function exportChart(id: string, format: 'png' | 'svg', requestId?: number, total?: number): void {
  const card = cards.get(id);
  if (!card) return;
  const data = format === 'png' ? pngOf(card) : svgOf(card);
  post({ type: 'export', format, chart: id, data, ...(requestId !== undefined ? { requestId, total: total ?? 1 } : {}) });
}

/**
 * The canvas under a title band, on the theme's background (a transparent PNG is unreadable in the
 * other theme); the same layout as the SVG export.
 */
function pngOf(card: Card): string {
  const t = theme();
  const scale = card.canvas.width / Math.max(1, card.chart.width);
  const band = TITLE_BAND * scale;
  const out = document.createElement('canvas');
  out.width = card.canvas.width;
  out.height = card.canvas.height + band;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = t.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = t.foreground;
  ctx.font = `600 ${13 * scale}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.fillText(card.title.textContent ?? card.id, out.width / 2, 16 * scale);
  ctx.drawImage(card.canvas, 0, band);
  return out.toDataURL('image/png');
}

function svgOf(card: Card): string {
  const chart = card.chart;
  const t = theme();
  const area = chart.chartArea;
  const xScale = chart.scales.x!;
  const yScale = chart.scales.y!;
  const ticks = (scale: Scale, horizontal: boolean): SvgTick[] =>
    scale.ticks
      .map((tick, i) => ({ pos: horizontal ? scale.getPixelForTick(i) : scale.getPixelForTick(i), label: Array.isArray(tick.label) ? tick.label.join(' ') : String(tick.label ?? '') }))
      .filter((tick) => tick.label !== '');
  const lines: SvgLine[] = [];
  const areas: SvgArea[] = [];
  const bars: SvgBar[] = [];
  const legend: { label: string; color: string }[] = [];
  chart.data.datasets.forEach((ds, i) => {
    const meta = chart.getDatasetMeta(i);
    const color = String(ds.borderColor ?? ds.backgroundColor ?? t.foreground);
    const role = (ds as { role?: string }).role;
    if (card.kind === 'line') {
      const pixels = (data: unknown): [number, number][] =>
        (data as { x: number; y: number }[]).map((p): [number, number] => [xScale.getPixelForValue(p.x), yScale.getPixelForValue(p.y)]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
      // A band is one polygon between its edges (the upper edge's dataset follows the lower's).
      if (role === 'band-lower') return;
      if (role === 'band-upper') {
        areas.push({ label: String(ds.label ?? ''), color: String(ds.backgroundColor), opacity: 1, upper: pixels(ds.data), lower: pixels(chart.data.datasets[i - 1]?.data ?? []) });
        return;
      }
      const pts = pixels(ds.data);
      const dash = (ds as { borderDash?: number[] }).borderDash;
      lines.push({ label: String(ds.label ?? ''), color, width: Number(ds.borderWidth ?? 1.5), opacity: 1, points: pts, ...(dash && dash.length > 0 ? { dash } : {}) });
      if (role === 'raw' ? !hasSmoothed(chart.data.datasets) : role !== 'seed') legend.push({ label: String(ds.label ?? ''), color });
    } else {
      for (const element of meta.data) {
        const e = element as unknown as { x: number; y: number; base: number; width: number };
        if (!Number.isFinite(e.y) || !Number.isFinite(e.base)) continue;
        bars.push({ color: String(ds.backgroundColor), x: e.x - e.width / 2, y: Math.min(e.y, e.base), width: e.width, height: Math.abs(e.base - e.y) });
      }
      legend.push({ label: String(ds.label ?? ''), color: String(ds.backgroundColor) });
    }
  });
  const xTitle = (xScale.options as { title?: { text?: string } }).title?.text ?? '';
  const yTitle = (yScale.options as { title?: { text?: string } }).title?.text ?? '';
  return renderSvg({
    width: chart.width,
    height: chart.height,
    title: card.title.textContent ?? card.id,
    area,
    xTicks: ticks(xScale, true),
    yTicks: ticks(yScale, false),
    xLabel: String(xTitle),
    yLabel: String(yTitle),
    lines,
    areas,
    bars,
    legend,
    foreground: t.foreground,
    background: t.background,
    gridColor: t.grid,
  });
}

// ---- helpers ------------------------------------------------------------------------------------

/** A toggle button's state, for the eye (class `on`) and for screen readers (`aria-pressed`). */
function setPressed(button: HTMLButtonElement, on: boolean): void {
  button.classList.toggle('on', on);
  button.setAttribute('aria-pressed', String(on));
}

/** A toolbar checkbox `input#id` inside a `label.id` reading `text`, with `title` as its tooltip. */
function checkboxLabel(id: string, checked: boolean, text: string, title: string): [HTMLLabelElement, HTMLInputElement] {
  const label = el('label', id);
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.id = id;
  input.checked = checked;
  label.append(input, ` ${text}`);
  label.title = title;
  return [label, input];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}

/** `#rrggbb` with an alpha, as `rgba(...)`. */
function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})`;
}

// Elapsed time and ETA move on even when no metrics arrive.
setInterval(() => {
  if (model.runs.some((r) => r.status === 'running')) renderRuns();
}, 1000);

post({ type: 'ready' });
