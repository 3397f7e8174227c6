// The extension's entry: wires the parts together and registers every disposable; no logic lives
// here (rust-analyzer's main.ts). Activation: a workspace with a problem file, the history view, a
// restored run panel, or one of the commands (package.json activationEvents; never `*`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunStatus } from '../protocol/metrics';
import { ProblemCodeLensProvider } from './views/codeLensProvider';
import { COMMAND_FACTORIES, createCommands } from './commands';
import type { CommandContext } from './commands/context';
import { CompileDiagnostics } from './views/compileDiagnostics';
import { affectsBilevel, getConfig, type BilevelConfig } from './config';
import { HistoryTreeProvider, RunStoreWatcher } from './views/historyTree';
import { ContextKeys, HISTORY_VIEW_ID, OUTPUT_CHANNEL_NAME, PROBLEM_FILE_GLOB, RUN_PANEL_VIEW_TYPE } from './ids';
import { RunController, type RunChange } from './runs/runController';
import { RunManager } from './runs/runManager';
import { ExperimentsPanel } from './views/experimentsPanel';
import { RunPanels } from './views/runPanel';
import { RunStores } from './runs/runStores';
import { problemLabel } from '../store/problemPaths';
import { isExecutable } from './commands/runCli';
import { findOnPath } from './commands/slurmArgs';

/** What `activate` returns (`vscode.extensions.getExtension(...).exports`), for integration tests. */
export interface BilevelApi {
  /** Resolves when a run of this window has finished. */
  waitForRun(id: string): Promise<{ readonly runId: string; readonly status: RunStatus; readonly message?: string }>;
  /** The last `drawn` report of any run panel. */
  lastDrawn(): { readonly charts: number; readonly points: number } | undefined;
  /** Called after every draw of any run panel. */
  onDidDraw(listener: (e: { readonly charts: number; readonly points: number }) => void): vscode.Disposable;
  /** Run ids (or handles of queued runs) the history view shows now, newest first per problem. */
  historyRunIds(): string[];
  /** The sweep rows of the history view: id, label, description (`running · 3 of 12 done ███░░░░░░░`), context value and run ids. */
  historySweeps(): { readonly id: string; readonly label: string; readonly description: string; readonly contextValue: string; readonly runIds: readonly string[] }[];
  /** Command ids the extension registered. */
  readonly commands: readonly string[];
}

let manager: RunManager | undefined;

export function activate(context: vscode.ExtensionContext): BilevelApi {
  const activationStart = Date.now();
  const subscriptions = context.subscriptions;
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME);
  subscriptions.push(output);
  let config: BilevelConfig = getConfig(vscode.workspace);
  const folders = (): string[] => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const stores = new RunStores(folders, () => config);

  // Every run names its store; this default only applies to a run that names none.
  const fallbackStore = stores.dirs()[0]?.storeDir ?? path.join(context.globalStorageUri.fsPath, 'runs');
  const runManager = new RunManager({
    storeDir: fallbackStore,
    backend: config.backend,
    maxConcurrent: config.runs.maxConcurrent,
    groupConcurrency: config.runs.comparisonConcurrency,
    workerPath: context.asAbsolutePath(path.join('dist', 'worker.js')),
  });
  manager = runManager;
  subscriptions.push({ dispose: () => void runManager.dispose() });
  subscriptions.push(runManager.onOutput((e) => output.append(prefixLines(`[${e.handle.key}] `, e.text))));

  // bilevel.backend is read as each run is queued, so a changed setting applies to the next run.
  const controller = new RunController(runManager, Date.now, () => config.backend);
  subscriptions.push(controller);
  const diagnostics = new CompileDiagnostics();
  subscriptions.push(diagnostics);

  const history = new HistoryTreeProvider(stores, controller, output);
  subscriptions.push(history);
  subscriptions.push(vscode.window.createTreeView(HISTORY_VIEW_ID, { treeDataProvider: history, canSelectMany: true, showCollapseAll: true }));
  const watcher = new RunStoreWatcher(stores, () => history.refresh());
  subscriptions.push(watcher);

  const panels = new RunPanels({ extensionUri: context.extensionUri, controller, stores, config: () => config, output });
  subscriptions.push(panels);
  subscriptions.push(vscode.window.registerWebviewPanelSerializer(RUN_PANEL_VIEW_TYPE, panels));

  const lenses = new ProblemCodeLensProvider(() => vscode.workspace.isTrusted);
  subscriptions.push(lenses);
  subscriptions.push(vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: PROBLEM_FILE_GLOB }, lenses));
  subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()));

  subscriptions.push(controller.onDidChange(onRunChange));
  let progressTimer: ReturnType<typeof setTimeout> | undefined;
  subscriptions.push({ dispose: () => clearTimeout(progressTimer) });
  function onRunChange(c: RunChange): void {
    if (c.kind === 'compileError') {
      if (c.spec.problem.kind === 'file') diagnostics.set(c.spec.problem.path, c.diagnostics);
      const first = c.diagnostics[0];
      const where = first ? `${path.basename(first.file)}${first.line !== undefined ? `:${first.line}` : ''}` : problemLabel(c.spec.problem);
      void vscode.window.showErrorMessage(`${where}: ${first?.message ?? 'the problem file has errors'}`, 'Show Problems').then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
      return;
    }
    const run = c.run;
    if (c.kind === 'metrics') {
      // Progress percentages in the history: at most one refresh a second.
      progressTimer ??= setTimeout(() => {
        progressTimer = undefined;
        history.refresh(0);
      }, 1000);
      return;
    }
    if (c.kind === 'started' && run.spec.problem.kind === 'file') diagnostics.clear(run.spec.problem.path);
    if (c.kind === 'finished') {
      for (const w of run.warnings) output.appendLine(`[${run.runId}] warning: ${w}`);
      if ((run.status === 'failed' && !run.diagnostics) || run.status === 'diverged') {
        output.appendLine(`[${run.runId}] ${run.status}: ${run.message ?? ''}`);
        void vscode.window.showWarningMessage(`${run.spec.method} on ${run.problem} ${run.status}${run.message ? `: ${run.message}` : ''}`);
      }
    }
    void vscode.commands.executeCommand('setContext', ContextKeys.running, controller.active().length > 0);
    history.refresh(0);
  }

  subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsBilevel(e)) return;
      config = getConfig(vscode.workspace);
      runManager.configure({ backend: config.backend, maxConcurrent: config.runs.maxConcurrent, groupConcurrency: config.runs.comparisonConcurrency });
      watcher.rewatch();
      history.reload();
      lenses.refresh();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      watcher.rewatch();
      history.reload();
    }),
  );

  const ctx: CommandContext = { extension: context, controller, stores, panels, history, diagnostics, output, config: () => config };
  for (const [id, handler] of createCommands(ctx)) subscriptions.push(vscode.commands.registerCommand(id, handler));
  subscriptions.push(ExperimentsPanel.register(ctx));
  void vscode.commands.executeCommand('setContext', ContextKeys.running, false);
  // Submit Sweep to SLURM… is offered only where it can submit (a login node with sbatch on PATH).
  void vscode.commands.executeCommand('setContext', ContextKeys.sbatchAvailable, findOnPath('sbatch', process.env.PATH, isExecutable) !== undefined);
  output.appendLine(`Bilevel Lab ${String((context.extension.packageJSON as { version?: unknown }).version)} activated in ${Date.now() - activationStart} ms`);

  return {
    waitForRun: async (id) => {
      const run = await controller.waitForRun(id);
      return { runId: run.runId, status: run.status, ...(run.message !== undefined ? { message: run.message } : {}) };
    },
    lastDrawn: () => (panels.lastDrawn ? { charts: panels.lastDrawn.charts, points: panels.lastDrawn.points } : undefined),
    onDidDraw: (listener) => panels.onDidDraw((e) => listener({ charts: e.charts, points: e.points })),
    historyRunIds: () => history.allRuns().map((r) => r.runOrHandle),
    historySweeps: () => {
      history.reload();
      return history.allSweeps().map((n) => ({ id: n.sweep.key, label: n.sweep.label, description: n.sweep.description, contextValue: n.sweep.contextValue, runIds: n.sweep.runIds }));
    },
    commands: Object.keys(COMMAND_FACTORIES),
  };
}

/** Stops every worker (graceful cancel, then kill) before the extension host goes away. */
export async function deactivate(): Promise<void> {
  await manager?.dispose();
  manager = undefined;
}

function prefixLines(prefix: string, text: string): string {
  return text
    .split('\n')
    .map((line, i, all) => (i === all.length - 1 && line === '' ? '' : prefix + line))
    .join('\n');
}
