// Export runs' metrics as CSV (one run or several in one table), and a panel's charts as PNG or SVG.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runsToCsv } from '../views/metricsCsv';
import { exportFileName, fileNameRun } from '../views/exportFileName';
import { runSettings } from '../../protocol/runSettings';
import { problemDisplayName } from '../../common/problemId';
import { runLabel } from '../runs/runStores';
import type { CommandContext } from './context';
import { messageOf } from '../../common/messageOf';
import { CHART_EXPORT_FORMATS, type ChartExportFormat } from '../../protocol/webview';
import { findStoredRun, idOf, idsOf, pickRunId, whyNoRecord } from './context';

/**
 * `bilevel.exportCsv(run?, selected[]? | targetUri?, targetUri?)`: the metrics of one run or of several
 * (a history multi-selection, or an array of run ids as the first argument) as one CSV, one row per
 * run × outer iteration with each run's settings (views/metricsCsv.ts); resolves with the file.
 */
export const exportCsv =
  (ctx: CommandContext) =>
  async (arg?: unknown, second?: unknown, third?: unknown): Promise<vscode.Uri | undefined> => {
    let ids = idsOf(arg, Array.isArray(second) ? second : undefined);
    if (ids.length === 0) {
      const id = await pickRunId(ctx, 'Run whose metrics to export');
      if (!id) return undefined;
      ids = [id];
    }
    const target = second instanceof vscode.Uri ? second : third instanceof vscode.Uri ? third : undefined;
    const found = [...new Set(ids)].map((id) => findStoredRun(ctx, id));
    const runs = found.filter((f) => f !== undefined);
    // A run that is gone was already named by findStoredRun; exporting the others would hide that.
    if (runs.length === 0 || runs.length < found.length) return undefined;
    let csv: string;
    try {
      csv = runsToCsv(runs.map((f) => ({ runId: f.record.id, ...(f.record.name ? { name: f.record.name } : {}), settings: runSettings(f.record.config), records: f.store.readMetrics(f.record.id) })));
    } catch (err) {
      void vscode.window.showErrorMessage(`Cannot read the metrics of ${runs.map((f) => f.record.id).join(', ')}: ${messageOf(err)}`);
      return undefined;
    }
    const first = runs[0]!;
    const what = runs.length === 1 ? runLabel(first.record) : `${runs.length} runs`;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(first.folder, exportFileName(runs.map((f) => fileNameRun(f.record)), 'csv'))),
        filters: { CSV: ['csv'] },
        title: `Export the metrics of ${what} as CSV`,
      }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(csv, 'utf8'));
    if (!target) {
      const open = 'Open';
      void vscode.window.showInformationMessage(`Exported ${path.basename(uri.fsPath)}`, open).then((a) => {
        if (a === open) void vscode.window.showTextDocument(uri);
      });
    }
    return uri;
  };

/**
 * `bilevel.exportChart(run?, format?, folderUri?)`: every chart of the run's panel (opened if needed)
 * or of the focused panel, as PNG or SVG files in `<run folder>/charts/` unless a folder is given.
 */
export const exportChart =
  (ctx: CommandContext) =>
  async (arg?: unknown, formatArg?: unknown, folderArg?: unknown): Promise<vscode.Uri[]> => {
    // Only the formats the panel offers: the format becomes the files' extension.
    if (formatArg !== undefined && !isChartFormat(formatArg)) {
      const why = `Cannot export charts as ${JSON.stringify(formatArg)}: the formats are ${CHART_EXPORT_FORMATS.join(', ')}.`;
      ctx.output.appendLine(`[export] ${why}`);
      void vscode.window.showErrorMessage(why);
      return [];
    }
    let panel = ctx.panels.active();
    const id = idOf(arg);
    if (id !== undefined || !panel) {
      const runId = id ?? (await pickRunId(ctx, 'Run whose charts to export'));
      if (!runId) return [];
      const live = ctx.controller.get(runId);
      const found = ctx.stores.find(live?.runId ?? runId, live?.storeDir);
      if (!live && !found) {
        void vscode.window.showErrorMessage(whyNoRecord(ctx, runId));
        return [];
      }
      const title = found ? `${runLabel(found.record)} · ${problemDisplayName(found.record.config.problem)}` : runId;
      panel = ctx.panels.open([live?.runId ?? runId], title);
    }
    const format = isChartFormat(formatArg)
      ? formatArg
      : (await vscode.window.showQuickPick([{ label: 'png', description: 'PNG images (as drawn)' }, { label: 'svg', description: 'SVG (vector)' }], { placeHolder: 'Export the charts as' }))?.label;
    if (!isChartFormat(format)) return [];
    let folder = folderArg instanceof vscode.Uri ? folderArg : undefined;
    if (!folder) {
      const runDir = panel.ids.length === 1 ? panel.firstRunDir() : undefined;
      if (runDir) folder = vscode.Uri.file(path.join(runDir, 'charts'));
      else {
        const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Export charts here', ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}) });
        folder = picked?.[0];
      }
    }
    if (!folder) return [];
    const files = await panel.exportCharts(format, folder);
    if (!(folderArg instanceof vscode.Uri)) {
      if (files.length === 0) void vscode.window.showWarningMessage('No charts were exported (the panel has no data yet).');
      else {
        const reveal = 'Reveal';
        void vscode.window.showInformationMessage(`Exported ${files.length} chart${files.length === 1 ? '' : 's'} as ${format.toUpperCase()} to ${vscode.workspace.asRelativePath(folder)}`, reveal).then((a) => {
          if (a === reveal) void vscode.commands.executeCommand('revealInExplorer', files[0]);
        });
      }
    }
    return files;
  };

function isChartFormat(value: unknown): value is ChartExportFormat {
  return typeof value === 'string' && (CHART_EXPORT_FORMATS as readonly string[]).includes(value);
}
