// What every command factory gets (rust-analyzer's `Ctx`): the extension's parts, and the small
// helpers several commands share (trust gate, starting a run with its panel, finding a run).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentSpec, ProblemSource } from '../../protocol/experiment';
import type { BilevelConfig } from '../config';
import type { CompileDiagnostics } from '../views/compileDiagnostics';
import type { HistoryTreeProvider } from '../views/historyTree';
import { RunNode } from '../views/historyTree';
import type { LiveRun, RunController } from '../runs/runController';
import type { RunPanels } from '../views/runPanel';
import type { FoundRun, RunStores } from '../runs/runStores';
import { problemLabel } from '../../store/problemPaths';

/** The extension's parts, as the commands see them. */
export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly controller: RunController;
  readonly stores: RunStores;
  readonly panels: RunPanels;
  readonly history: HistoryTreeProvider;
  readonly diagnostics: CompileDiagnostics;
  readonly output: vscode.OutputChannel;
  readonly config: () => BilevelConfig;
}

/** A command handler made from the context. */
export type CommandFactory = (ctx: CommandContext) => (...args: unknown[]) => unknown;

/** False (after telling the user why) when the workspace is not trusted: runs execute problem code. */
export async function requireTrust(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const answer = await vscode.window.showWarningMessage('Bilevel Lab runs problem files only in trusted workspaces, because a run executes the file\u2019s code.', manage);
  if (answer === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** The runs folder for a problem: its file's workspace folder, else the first folder. */
export function storeDirForProblem(ctx: CommandContext, problem: ProblemSource): string | undefined {
  const folder =
    (problem.kind === 'file' ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(problem.path)) : undefined) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder) return ctx.stores.storeDirFor(folder.uri.fsPath);
  // A problem file opened without a folder: keep its runs next to it.
  return problem.kind === 'file' ? ctx.stores.storeDirFor(path.dirname(problem.path)) : undefined;
}

/** Queues the runs and opens one panel showing them all; undefined if there is nowhere to store runs. */
export function startRuns(ctx: CommandContext, specs: readonly ExperimentSpec[], title?: string): LiveRun[] | undefined {
  const first = specs[0];
  if (!first) return [];
  const storeDir = storeDirForProblem(ctx, first.problem);
  if (!storeDir) {
    void vscode.window.showErrorMessage('Open a folder first: Bilevel Lab keeps runs in the workspace folder (.bilevel/runs).');
    return undefined;
  }
  if (first.problem.kind === 'file') ctx.diagnostics.clear(first.problem.path);
  const runs = specs.map((spec) => ctx.controller.start(spec, storeDir));
  const label = problemLabel(first.problem);
  ctx.panels.open(
    runs.map((r) => r.runId),
    title ?? (specs.length === 1 ? `${first.method} · ${label}` : `Compare ${specs.map((s) => s.method).join(', ')} · ${label}`),
    vscode.ViewColumn.Beside,
  );
  ctx.history.refresh(0);
  return runs;
}

/** The id a command argument names: a history row or a run id string, else undefined. */
export function idOf(arg: unknown): string | undefined {
  if (arg instanceof RunNode) return arg.runOrHandle;
  if (typeof arg === 'string' && arg !== '') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { runId?: unknown }).runId === 'string') return (arg as { runId: string }).runId;
  return undefined;
}

/** The ids of a tree command's (clicked, selected[]) arguments; the selection wins when it has the clicked row. */
export function idsOf(clicked: unknown, selected: unknown): string[] {
  const list = Array.isArray(selected) && selected.length > 0 ? selected : [clicked];
  return list.map(idOf).filter((id): id is string => id !== undefined);
}

/** Resolves a stored run by id, or tells the user it is gone. */
export function findStoredRun(ctx: CommandContext, id: string): FoundRun | undefined {
  const runId = ctx.controller.get(id)?.runId ?? id;
  const found = ctx.stores.find(runId, ctx.controller.get(id)?.storeDir);
  if (!found) void vscode.window.showErrorMessage(`Run '${runId}' is not in the run store (it may have been deleted, or has not started yet).`);
  return found;
}

/** Asks for one run of the history when a command was run from the palette. */
export async function pickRunId(ctx: CommandContext, placeHolder: string, filter: (node: RunNode) => boolean = () => true): Promise<string | undefined> {
  const nodes = ctx.history.allRuns().filter(filter);
  if (nodes.length === 0) {
    void vscode.window.showInformationMessage('No runs to choose from yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    nodes.map((n) => ({ label: String(n.label), description: `${n.parent.group.label} · ${String(n.description ?? '')}`, id: n.runOrHandle })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.id;
}

/** Asks for several finished runs (Compare Selected from the palette). */
export async function pickRunIds(ctx: CommandContext, placeHolder: string): Promise<string[] | undefined> {
  const nodes = ctx.history.allRuns().filter((n) => n.item.runId !== undefined && n.item.status !== 'running' && n.item.status !== 'queued');
  const picked = await vscode.window.showQuickPick(
    nodes.map((n) => ({ label: String(n.label), description: `${n.parent.group.label} · ${String(n.description ?? '')}`, id: n.item.runId! })),
    { placeHolder, canPickMany: true, matchOnDescription: true },
  );
  return picked?.map((p) => p.id);
}

