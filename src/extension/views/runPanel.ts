// The live run panel: one webview per run or comparison (bilevel.runPanel). Set up like
// webview-view-sample (CSP with a per-load nonce, localResourceRoots, asWebviewUri); the webview
// says `ready` and gets a full snapshot, then appends and status changes (hexeditor's
// ReadyRequest/ReadyResponse). Panels restore after a reload through the serializer, from the ids
// the webview persisted with setState; finished runs come from the run store.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isFinished } from '../../protocol/metrics';
import type { ExperimentSpec } from '../../protocol/experiment';
import type { RunSettings, SettingValue } from '../../protocol/runSettings';
import { runSettings } from '../../protocol/runSettings';
import { runLabelOf } from '../../protocol/runRecord';
import type { RunView, WebviewExportMessage, WebviewToHost, HostToWebview } from '../../protocol/webview';
import type { BilevelConfig } from '../config';
import { DisposableStore } from '../emitter';
import { Commands, RUN_PANEL_VIEW_TYPE } from '../ids';
import { makeNonce, renderPanelHtml } from './panelHtml';
import type { LiveRun, RunChange, RunController } from '../runs/runController';
import { storedRunView, type RunStores } from '../runs/runStores';
import { messageOf } from '../../common/messageOf';
import { overlapsAnother } from '../../common/overlaps';
import { RUN_ID_PATTERN } from '../../store/runId';
import { exportFileName, fileNameRun, type FileNameRun } from './exportFileName';
import { parseWebviewMessage } from './parseWebviewMessage';

/** What the panels need from the rest of the extension. */
export interface PanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly controller: RunController;
  readonly stores: RunStores;
  readonly config: () => BilevelConfig;
  readonly output: vscode.OutputChannel;
}

/** The webview's `drawn` report, with the panel that sent it. */
export interface DrawnEvent {
  readonly panel: RunPanel;
  readonly charts: number;
  readonly points: number;
}

/** Store-backed runs that are still running (a CLI run) are polled this often (ms). */
const POLL_MS = 1000;
/** How long an export request may take before the files written so far are reported (ms). */
const EXPORT_TIMEOUT_MS = 20000;

/** The command (commands/showCheckDetails.ts) that shows a run's per-direction check details. */
export const SHOW_CHECK_DETAILS_COMMAND = Commands.showCheckDetails;

/** Every open run panel, and the serializer that brings them back after a reload. */
export class RunPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Set<RunPanel>();
  /** The panel of each problem file's single runs (openForProblem), reused by its next ▶ Run. */
  private readonly byProblem = new Map<string, RunPanel>();
  private readonly drawn = new vscode.EventEmitter<DrawnEvent>();
  /** Fires after each draw of any panel (tests wait for it). */
  readonly onDidDraw = this.drawn.event;
  /** The last draw report of any panel. */
  lastDrawn: DrawnEvent | undefined;

  constructor(private readonly deps: PanelDeps) {}

  /** Shows the runs (handles or run ids) in a panel; an open panel with the same runs is revealed. */
  open(ids: readonly string[], title: string, column: vscode.ViewColumn = vscode.ViewColumn.Active): RunPanel {
    const key = [...ids].sort().join('\n');
    for (const p of this.panels) {
      if ([...p.ids].sort().join('\n') === key) {
        p.panel.reveal(column);
        return p;
      }
    }
    return this.openNew(ids, title, column);
  }

  private openNew(ids: readonly string[], title: string, column: vscode.ViewColumn): RunPanel {
    // New panels join the group of the newest open run panel, so runs do not spread over more and more columns.
    const sibling = [...this.panels].reverse().find((p) => p.panel.viewColumn !== undefined);
    const target = column === vscode.ViewColumn.Beside && sibling ? sibling.panel.viewColumn! : column;
    const panel = vscode.window.createWebviewPanel(RUN_PANEL_VIEW_TYPE, title, target, panelOptions(this.deps.extensionUri));
    return this.adopt(panel, ids, title);
  }

  /**
   * Shows the runs started from one problem (`problemKey`: its file path and export, or built-in id).
   * With `bilevel.panel.reuse` (default) a single run replaces the runs of the panel this problem's
   * last single run opened, keeping the tab (comparisons always get their own panel, which later runs
   * leave alone); without it every call opens a new tab titled with `title` and the start time.
   */
  openForProblem(problemKey: string, ids: readonly string[], title: string, column: vscode.ViewColumn = vscode.ViewColumn.Beside, now: Date = new Date()): RunPanel {
    if (!this.deps.config().panel.reuse) return this.openNew(ids, panelTitleWithTime(title, now), column);
    if (ids.length !== 1) return this.open(ids, title, column);
    const existing = this.byProblem.get(problemKey);
    if (existing && this.panels.has(existing)) {
      existing.replace(ids, title);
      existing.panel.reveal(existing.panel.viewColumn ?? column, true);
      return existing;
    }
    const panel = this.open(ids, title, column);
    this.byProblem.set(problemKey, panel);
    return panel;
  }

  /** Restores a panel after a reload or restart from the state its webview saved. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = readSavedState(state);
    this.adopt(panel, saved.runIds, saved.title || panel.title || 'Bilevel run');
  }

  /** The focused panel, if a run panel has focus. */
  active(): RunPanel | undefined {
    return [...this.panels].find((p) => p.panel.active);
  }

  /** Panels showing run `id` (handle or run id). */
  showing(id: string): RunPanel[] {
    return [...this.panels].filter((p) => p.ids.includes(id));
  }

  /** Every open panel. */
  all(): RunPanel[] {
    return [...this.panels];
  }

  dispose(): void {
    for (const p of [...this.panels]) p.panel.dispose();
    this.drawn.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, ids: readonly string[], title: string): RunPanel {
    const runPanel = new RunPanel(panel, ids, title, this.deps, (e) => {
      this.lastDrawn = e;
      this.drawn.fire(e);
    });
    this.panels.add(runPanel);
    panel.onDidDispose(() => {
      this.panels.delete(runPanel);
      for (const [key, p] of this.byProblem) if (p === runPanel) this.byProblem.delete(key);
    });
    return runPanel;
  }
}

/** Webview options: scripts on, and only the extension's dist/ and media/ may be loaded. */
function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    // Hidden panels are rebuilt from a snapshot when shown again; nothing is retained meanwhile.
    retainContextWhenHidden: false,
  };
}

/** The part of the webview's persisted state the host reads (webview/state.ts PersistedState); only run ids reach the store. */
function readSavedState(state: unknown): { title: string; runIds: string[] } {
  if (typeof state !== 'object' || state === null) return { title: '', runIds: [] };
  const s = state as { title?: unknown; runIds?: unknown };
  return {
    title: typeof s.title === 'string' ? s.title : '',
    runIds: Array.isArray(s.runIds) ? s.runIds.filter((id): id is string => typeof id === 'string' && RUN_ID_PATTERN.test(id)) : [],
  };
}

/** The key of a problem's reusable panel (RunPanels.openForProblem): one per problem file, one per built-in problem. */
export function problemPanelKey(problem: ExperimentSpec['problem']): string {
  return problem.kind === 'file' ? `file:${path.resolve(problem.path)}` : `builtin:${problem.id}`;
}

/** A new tab's title when panels are not reused: the run's label and its start time (`rhg · lake.bilevel.ts · 14:03:07`). */
export function panelTitleWithTime(title: string, at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${title} · ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

/** One panel: the runs it shows (handles until the worker names them, then run ids). */
export class RunPanel {
  /** Handles or run ids, in legend order. */
  ids: string[];
  private ready = false;
  /** Run ids (or handles) the webview got in the last snapshot. */
  private sent = new Set<string>();
  /** Live runs whose last snapshot was decimated: the whole run is sent again when they finish. */
  private partial = new Set<string>();
  /** `<run id>:<line>` of metrics lines already reported as skipped. */
  private readonly reportedBadLines = new Set<string>();
  private readonly disposables = new DisposableStore();
  private nextRequest = 1;
  private readonly exports = new Map<number, { folder: vscode.Uri; files: vscode.Uri[]; done: (files: vscode.Uri[]) => void }>();
  private readyWaiters: (() => void)[] = [];
  /** Store-backed runs shown as running: iteration sent last and status, for polling. */
  private readonly polled = new Map<string, { lastIteration: number }>();
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  /** The last `drawn` report of this panel. */
  lastDrawn: { charts: number; points: number } | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    ids: readonly string[],
    private title: string,
    private readonly deps: PanelDeps,
    private readonly onDrawn: (e: DrawnEvent) => void,
  ) {
    this.ids = [...ids];
    panel.title = title;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'bilevel.svg');
    panel.webview.options = panelOptions(deps.extensionUri);
    panel.webview.html = this.html();
    this.disposables.add(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    this.disposables.add(deps.controller.onDidChange((c) => this.onRunChange(c)));
    this.disposables.add(
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down; it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
    );
    panel.onDidDispose(() => this.dispose());
  }

  /** Shows other runs in this panel (a reused panel's next ▶ Run): a new title and a new snapshot. */
  replace(ids: readonly string[], title: string): void {
    this.ids = [...ids];
    this.title = title;
    this.panel.title = title;
    this.polled.clear();
    this.partial.clear();
    if (this.ready) this.sendSnapshot();
  }

  /** Resolves once the webview has asked for (and been sent) its snapshot. */
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Asks the webview for every chart as PNG or SVG and writes them into `folder`; resolves with the files. */
  async exportCharts(format: 'png' | 'svg', folder: vscode.Uri): Promise<vscode.Uri[]> {
    await this.whenReady();
    const requestId = this.nextRequest++;
    await vscode.workspace.fs.createDirectory(folder);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(this.exports.get(requestId)?.files ?? []), EXPORT_TIMEOUT_MS);
      const finish = (files: vscode.Uri[]): void => {
        clearTimeout(timer);
        this.exports.delete(requestId);
        resolve(files);
      };
      this.exports.set(requestId, { folder, files: [], done: finish });
      this.post({ type: 'exportRequest', requestId, format });
    });
  }

  /** The folder of the panel's first stored run (where its charts go by default). */
  /** The panel's runs as export file names read them: stored runs by their record, live ones by method and problem. */
  private fileNameRuns(): FileNameRun[] {
    return this.ids.flatMap((id): FileNameRun[] => {
      const live = this.deps.controller.get(id);
      const found = this.deps.stores.find(id, live?.storeDir);
      if (found) return [fileNameRun(found.record)];
      return live ? [{ label: live.spec.name ?? live.spec.method, problem: live.problem, createdAt: new Date(live.queuedAt).toISOString() }] : [];
    });
  }

  firstRunDir(): string | undefined {
    for (const id of this.ids) {
      const runId = this.deps.controller.get(id)?.runId ?? id;
      const found = this.deps.stores.find(runId);
      if (found) return found.store.dirOf(runId);
    }
    return undefined;
  }

  private html(): string {
    const webview = this.panel.webview;
    const asUri = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, ...segments)).toString();
    return renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview.js'),
      styleUri: asUri('media', 'panel.css'),
      title: this.title,
    });
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    // Fields reach the file system and commands: only what the panel really sends is acted on.
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.deps.output.appendLine(`[panel] refused a message from the webview: ${parsed.error}`);
      return;
    }
    const m: WebviewToHost = parsed.message;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendSnapshot();
        for (const resolve of this.readyWaiters.splice(0)) resolve();
        return;
      case 'cancel':
        if (!this.deps.controller.cancel(m.runId)) {
          void vscode.window.showInformationMessage(`Run ${m.runId} is not running in this window, so it cannot be cancelled from here.`);
        }
        return;
      case 'cancelAll': {
        const runIds = this.ids.map((id) => this.deps.controller.get(id)?.runId ?? id);
        if (this.deps.controller.cancelAll(runIds) === 0) void vscode.window.showInformationMessage('No run of this panel is queued or running in this window, so there is nothing to cancel.');
        return;
      }
      case 'showCheck':
        void this.showCheck(m.runId);
        return;
      case 'export':
        void this.onExport(m).catch((err: unknown) => void vscode.window.showErrorMessage(`Export failed: ${messageOf(err)}`));
        return;
      case 'drawn':
        this.lastDrawn = { charts: m.charts, points: m.points };
        this.onDrawn({ panel: this, charts: m.charts, points: m.points });
        return;
      default:
        return;
    }
  }

  /** Opens the check details view of a run, when the command that shows it is registered. */
  private async showCheck(runId: string): Promise<void> {
    const commands = await vscode.commands.getCommands(true);
    if (!commands.includes(SHOW_CHECK_DETAILS_COMMAND)) {
      void vscode.window.showWarningMessage(`The check details view is not available (command ${SHOW_CHECK_DETAILS_COMMAND} is not registered); the check's verdict and errors are in the panel's table.`);
      return;
    }
    try {
      await vscode.commands.executeCommand(SHOW_CHECK_DETAILS_COMMAND, runId);
    } catch (err) {
      void vscode.window.showErrorMessage(`Cannot show the check of run ${runId}: ${messageOf(err)}`);
    }
  }

  private async onExport(m: WebviewExportMessage): Promise<void> {
    const bytes = m.format === 'png' ? Buffer.from(m.data.replace(/^data:image\/png;base64,/, ''), 'base64') : Buffer.from(m.data, 'utf8');
    const name = `${m.chart.replace(/[^A-Za-z0-9._-]+/g, '-')}.${m.format}`;
    const pending = m.requestId !== undefined ? this.exports.get(m.requestId) : undefined;
    if (pending) {
      const file = vscode.Uri.joinPath(pending.folder, name);
      await vscode.workspace.fs.writeFile(file, bytes);
      pending.files.push(file);
      if (pending.files.length >= (m.total ?? 1)) pending.done(pending.files);
      return;
    }
    // The user pressed PNG/SVG on one chart: ask where to save it, under a name from the runs' labels.
    const dir = this.firstRunDir() ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const target = await vscode.window.showSaveDialog({
      ...(dir ? { defaultUri: vscode.Uri.file(path.join(dir, exportFileName(this.fileNameRuns(), m.format, m.chart))) } : {}),
      filters: m.format === 'png' ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
      title: `Save chart ${m.chart}`,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Saved ${path.basename(target.fsPath)}`);
  }

  private contains(run: LiveRun): boolean {
    return this.ids.includes(run.runId);
  }

  private onRunChange(c: RunChange): void {
    const run = c.run;
    if (!run || !this.contains(run)) return;
    if (!this.ready || c.kind === 'queued') return;
    // A run the last snapshot did not hold (it was still queued) needs a new snapshot.
    if (!this.sent.has(run.runId)) {
      this.sendSnapshot();
      return;
    }
    switch (c.kind) {
      case 'metrics':
        this.post({ type: 'append', runId: run.runId, records: c.records });
        return;
      case 'finished':
        // The webview holds a decimated history of this run: the store has all of it now.
        if (this.partial.has(run.runId)) {
          this.sendSnapshot();
          return;
        }
        this.post({
          type: 'status',
          runId: run.runId,
          status: run.status,
          ...(run.message !== undefined ? { message: run.message } : {}),
          ...(run.summary !== undefined ? { summary: run.summary } : {}),
        });
        return;
      default:
        // started, progress, checked, compileError: the run's identity or extra fields changed.
        this.sendSnapshot();
    }
  }

  private sendSnapshot(): void {
    // The controller knows which live runs shared the machine (LiveRun.concurrent); stored runs are judged by their spans.
    const runs = markOverlapping(
      this.ids.map((id) => this.viewOf(id)),
      Date.now(),
      this.ids.map((id) => this.deps.controller.get(id) !== undefined),
    );
    this.sent = new Set(runs.map((r) => r.runId));
    this.partial = new Set(
      this.ids.flatMap((id) => {
        const live = this.deps.controller.get(id);
        return live && !isFinished(live.status) && !live.kept.complete ? [live.runId] : [];
      }),
    );
    const charts = this.deps.config().charts;
    this.post({ type: 'snapshot', title: this.title, runs, chartDefaults: charts });
    this.polled.clear();
    runs.forEach((view, i) => {
      const live = this.deps.controller.get(this.ids[i]!);
      if (view.status === 'running' && (!live || isFinished(live.status))) this.polled.set(view.runId, { lastIteration: view.records.at(-1)?.iteration ?? -1 });
    });
    this.updatePolling();
  }

  private viewOf(id: string): RunView {
    const live = this.deps.controller.get(id);
    // A finished run is read from the store unless memory still has all of it.
    if (live && (!isFinished(live.status) || !live.recorded || (live.kept.received > 0 && live.kept.complete))) {
      // Once the worker wrote run.json, its config has every resolved option; before, the spec's options are all there is.
      const found = live.recorded ? this.deps.stores.find(live.runId, live.storeDir) : undefined;
      return liveView(live, found ? runSettings(found.record.config) : undefined);
    }
    const runId = live?.runId ?? id;
    const found = this.deps.stores.find(runId, live?.storeDir);
    if (found) {
      try {
        // A line the store skips (torn or corrupt) is said once per panel, not dropped silently.
        const view = storedRunView(
          found,
          live?.check,
          (line, error) => {
            const key = `${runId}:${line}`;
            if (this.reportedBadLines.has(key)) return;
            this.reportedBadLines.add(key);
            this.deps.output.appendLine(`[panel] ${runId}: skipped line ${line} of metrics.jsonl: ${error}`);
          },
          (error) => this.deps.output.appendLine(`[panel] ${runId}: cannot read its check: ${error}`),
        );
        return live?.concurrent ? { ...view, concurrent: true } : view;
      } catch (err) {
        this.deps.output.appendLine(`[panel] cannot read run ${runId}: ${messageOf(err)}`);
      }
    }
    if (live) return liveView(live);
    return {
      runId: id,
      label: `deleted run ${id}`,
      method: '?',
      problem: '?',
      // Ended, as far as anyone can tell; `missing` makes the panel say "deleted", not "failed".
      status: 'failed',
      missing: true,
      message: 'This run is not in the run store any more (deleted, or the store location changed).',
      iterations: 0,
      startedAt: Date.now(),
      records: [],
    };
  }

  /** Runs the CLI (or another window) is writing are followed by reading their files. */
  private updatePolling(): void {
    if (this.polled.size === 0) {
      if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
      this.pollTimer = undefined;
      return;
    }
    this.pollTimer ??= setInterval(() => this.poll(), POLL_MS);
  }

  private poll(): void {
    if (!this.ready) return;
    for (const [runId, state] of [...this.polled]) {
      const found = this.deps.stores.find(runId);
      if (!found) {
        this.polled.delete(runId);
        continue;
      }
      try {
        const records = found.store.readMetrics(runId).filter((r) => r.iteration > state.lastIteration);
        if (records.length > 0) {
          state.lastIteration = records[records.length - 1]!.iteration;
          this.post({ type: 'append', runId, records });
        }
        const r = found.record;
        if (r.status !== 'running') {
          this.polled.delete(runId);
          this.post({ type: 'status', runId, status: r.status, ...(r.message !== undefined ? { message: r.message } : {}), ...(r.summary ? { summary: r.summary } : {}) });
        }
      } catch (err) {
        this.deps.output.appendLine(`[panel] cannot follow run ${runId}: ${messageOf(err)}`);
        this.polled.delete(runId);
      }
    }
    this.updatePolling();
  }

  private dispose(): void {
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    for (const pending of this.exports.values()) pending.done(pending.files);
    this.exports.clear();
    this.disposables.dispose();
  }
}

/**
 * A live run as the panel shows it; `settings` are its record's (every resolved option) once it has
 * one, else the spec's method and options as asked ({@link specSettings}).
 */
export function liveView(live: LiveRun, settings?: RunSettings): RunView {
  return {
    runId: live.runId,
    label: runLabelOf(live.spec.name, live.spec.method),
    method: live.spec.method,
    problem: live.problem,
    status: live.status,
    ...(live.status === 'queued' ? { message: 'queued: waiting for a free worker' } : live.message !== undefined ? { message: live.message } : {}),
    iterations: live.iterations,
    startedAt: live.startedAt ?? live.queuedAt,
    ...(live.endedAt !== undefined ? { endedAt: live.endedAt } : {}),
    records: live.kept.records(),
    ...(live.summary !== undefined ? { summary: live.summary } : {}),
    ...(live.check !== undefined ? { check: live.check } : {}),
    settings: settings ?? specSettings(live.spec),
    queuedAt: live.queuedAt,
    ...(live.concurrent ? { concurrent: true } : {}),
    ...(live.backend !== undefined ? { backend: live.backend } : {}),
    ...(live.requestedBackend !== undefined ? { requestedBackend: live.requestedBackend } : {}),
  };
}

/** The settings of a run that has no record yet: the method, the options as given (unset ones take defaults), the preset. */
export function specSettings(spec: Pick<ExperimentSpec, 'method' | 'options' | 'preset'>): RunSettings {
  const out: Record<string, SettingValue> = { method: spec.method, ...spec.options };
  if (spec.preset !== undefined) out.preset = spec.preset;
  return out;
}

/**
 * Marks the runs whose time spans overlap another's (start to end, or now while running) as
 * concurrent: their times per iteration were measured beside other work. Queued runs, finished runs
 * with no known end and runs with `settled[i]` (live runs: the controller's own mark, which sees every
 * worker of the window, is the truth for them) are left as they are.
 */
export function markOverlapping(views: readonly RunView[], now: number = Date.now(), settled: readonly boolean[] = []): RunView[] {
  const span = (v: RunView): [number, number] | undefined => {
    if (v.status === 'queued' || !Number.isFinite(v.startedAt)) return undefined;
    const end = v.endedAt ?? (v.status === 'running' ? now : undefined);
    return end === undefined ? undefined : [v.startedAt, end];
  };
  const overlaps = overlapsAnother(views.map(span));
  return views.map((v, i) => (v.concurrent || settled[i] || !overlaps[i] ? v : { ...v, concurrent: true }));
}

