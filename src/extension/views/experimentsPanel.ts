// The experiments table (`bilevel.experiments`): one webview panel per window, one row per run of
// the workspace's run stores and of this window's queue. Set up like the run panel (runPanel.ts:
// CSP with a per-load nonce, localResourceRoots, asWebviewUri); the webview says `ready` and gets a
// full snapshot, and a new snapshot whenever runs change (the history's refreshes, which follow the
// store watcher and every edit, and the run controller). The rows are computed by experimentRows.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { messageOf } from '../../common/messageOf';
import type { ExperimentsToHost, HostToExperiments } from '../../protocol/experimentsTable';
import { DisposableStore } from '../emitter';
import { Commands, EXPERIMENTS_VIEW_TYPE } from '../ids';
import type { RunController } from '../runs/runController';
import type { RunStores } from '../runs/runStores';
import { experimentRows, overlappingStoredRuns, readCheckVerdicts, type ExperimentTable } from './experimentRows';
import { experimentsCsv } from './experimentsCsv';
import { makeNonce, renderPanelHtml } from './panelHtml';
import { parseExperimentsMessage } from './parseExperimentsMessage';

/** What the table needs from the rest of the extension (CommandContext has it all). */
export interface ExperimentsDeps {
  readonly extension: Pick<vscode.ExtensionContext, 'extensionUri'>;
  readonly controller: RunController;
  readonly stores: RunStores;
  /** Fires after every re-read of the stores (the watcher, renames, notes, deletes, run changes). */
  readonly history: { readonly onDidChangeTreeData: vscode.Event<unknown> };
  readonly output: vscode.OutputChannel;
}

/** Several changes in a row (a comparison starting, a watcher burst) make one snapshot (ms). */
const REFRESH_MS = 250;

/** The table's panel; at most one per window. */
export class ExperimentsPanel {
  private static current: ExperimentsPanel | undefined;
  private readonly disposables = new DisposableStore();
  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last snapshot sent, which the CSV export writes from. */
  private table: ExperimentTable = { columns: [], rows: [] };
  /** check.json files already reported as unreadable, so the output channel says each once. */
  private readonly reported = new Set<string>();

  /** Shows the table, creating its panel the first time. */
  static show(deps: ExperimentsDeps): ExperimentsPanel {
    if (ExperimentsPanel.current) {
      ExperimentsPanel.current.panel.reveal();
      return ExperimentsPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(EXPERIMENTS_VIEW_TYPE, 'Experiments', vscode.ViewColumn.Active, panelOptions(deps.extension.extensionUri));
    return ExperimentsPanel.adopt(panel, deps);
  }

  /**
   * Registers the serializer that brings the table back after a reload (its choices come back from
   * the webview's state); disposing the result also closes the table.
   */
  static register(deps: ExperimentsDeps): vscode.Disposable {
    const serializer = vscode.window.registerWebviewPanelSerializer(EXPERIMENTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        ExperimentsPanel.current?.panel.dispose();
        ExperimentsPanel.adopt(panel, deps);
      },
    });
    return {
      dispose: () => {
        serializer.dispose();
        ExperimentsPanel.current?.panel.dispose();
      },
    };
  }

  private static adopt(panel: vscode.WebviewPanel, deps: ExperimentsDeps): ExperimentsPanel {
    const table = new ExperimentsPanel(panel, deps);
    ExperimentsPanel.current = table;
    return table;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: ExperimentsDeps,
  ) {
    panel.iconPath = vscode.Uri.joinPath(deps.extension.extensionUri, 'media', 'bilevel.svg');
    panel.webview.options = panelOptions(deps.extension.extensionUri);
    panel.webview.html = this.html();
    this.disposables.add(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    this.disposables.add(deps.history.onDidChangeTreeData(() => this.refresh()));
    // Metrics arrive every ~100 ms and change no row the table shows until the run ends.
    this.disposables.add(deps.controller.onDidChange((c) => (c.kind === 'metrics' ? undefined : this.refresh())));
    this.disposables.add(
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down; it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
    );
    panel.onDidDispose(() => this.dispose());
  }

  private html(): string {
    const webview = this.panel.webview;
    const asUri = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extension.extensionUri, ...segments)).toString();
    return renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'experiments.js'),
      styleUri: asUri('media', 'experiments.css'),
      title: 'Experiments',
    });
  }

  private refresh(): void {
    if (!this.ready || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendSnapshot();
    }, REFRESH_MS);
  }

  private sendSnapshot(): void {
    if (!this.ready) return;
    const stored = this.deps.stores.list();
    const live = this.deps.controller.liveInfo();
    const checks = readCheckVerdicts(stored, (runId, error) => {
      if (this.reported.has(runId)) return;
      this.reported.add(runId);
      this.deps.output.appendLine(`[experiments] ${runId}: cannot read its check: ${error}`);
    });
    const ids = [...stored.map((s) => s.record.id), ...live.map((l) => l.runId)];
    // This window's own mark (it sees every worker), plus stored runs of one host whose times overlap.
    const concurrent = new Set([...ids.filter((id) => this.deps.controller.get(id)?.concurrent === true), ...overlappingStoredRuns(stored)]);
    this.table = experimentRows({ stored, live, checks, concurrent });
    this.post({ type: 'snapshot', columns: this.table.columns, rows: this.table.rows });
  }

  private post(message: HostToExperiments): void {
    void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const parsed = parseExperimentsMessage(raw);
    if (!parsed.ok) {
      this.deps.output.appendLine(`[experiments] refused a message from the webview: ${parsed.error}`);
      return;
    }
    const m: ExperimentsToHost = parsed.message;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendSnapshot();
        return;
      case 'openRun':
        void vscode.commands.executeCommand(Commands.openRun, m.runId);
        return;
      case 'compare':
        // compareSelected(clicked, selected[]) takes the selection when it is given.
        void vscode.commands.executeCommand(Commands.compareSelected, m.runIds[0], m.runIds);
        return;
      case 'exportCsv':
        void this.exportCsv(m.runIds, m.columns).catch((err: unknown) => void vscode.window.showErrorMessage(`Export failed: ${messageOf(err)}`));
        return;
      default:
        return;
    }
  }

  private async exportCsv(runIds: readonly string[], keys: readonly string[]): Promise<void> {
    const byKey = new Map(this.table.columns.map((c) => [c.key, c]));
    const byId = new Map(this.table.rows.map((r) => [r.runId, r]));
    const columns = keys.flatMap((k) => byKey.get(k) ?? []);
    const rows = runIds.flatMap((id) => byId.get(id) ?? []);
    if (rows.length === 0) {
      void vscode.window.showInformationMessage('The selected runs are no longer in the run store.');
      return;
    }
    const folder = this.deps.stores.dirs()[0]?.folder;
    const target = await vscode.window.showSaveDialog({
      ...(folder !== undefined ? { defaultUri: vscode.Uri.file(path.join(folder, 'experiments.csv')) } : {}),
      filters: { CSV: ['csv'] },
      title: `Export ${rows.length} run${rows.length === 1 ? '' : 's'} of the experiments table as CSV`,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(experimentsCsv(columns, rows), 'utf8'));
    const open = 'Open';
    void vscode.window.showInformationMessage(`Exported ${path.basename(target.fsPath)}`, open).then((a) => {
      if (a === open) void vscode.window.showTextDocument(target);
    });
  }

  private dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.disposables.dispose();
    if (ExperimentsPanel.current === this) ExperimentsPanel.current = undefined;
  }
}

/** Webview options: scripts on, and only the extension's dist/ and media/ may be loaded. */
function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    // Hidden, the table is rebuilt from a snapshot when shown again; its choices persist with setState.
    retainContextWhenHidden: false,
  };
}
