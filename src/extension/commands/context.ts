// What every command factory gets (rust-analyzer's `Ctx`): the extension's parts, and the small
// helpers several commands share (trust gate, starting a run with its panel, finding a run).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { messageOf } from '../../common/messageOf';
import { RUN_FILE } from '../../store/runStore';
import type { ExperimentSpec, ProblemSource } from '../../protocol/experiment';
import type { BilevelConfig } from '../config';
import type { CompileDiagnostics } from '../views/compileDiagnostics';
import type { HistoryTreeProvider } from '../views/historyTree';
import { GroupNode, RunNode, SweepNode } from '../views/historyTree';
import type { LiveRun, RunController } from '../runs/runController';
import { problemPanelKey, type RunPanels } from '../views/runPanel';
import type { FoundRun, RunStores } from '../runs/runStores';
import { problemLabel } from '../../store/problemPaths';
import { methodsPhrase } from './methodsPhrase';
import type { CliResult } from './runCli';

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
  /** Runs `node <argv…>` in `cwd` instead of a child process (tests); absent: runCli spawns the CLI. */
  readonly runCli?: (argv: readonly string[], cwd: string) => Promise<CliResult>;
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

/** What startRuns does besides queueing: the panel's title, and the comparison group the runs belong to. */
export interface StartRunsOptions {
  readonly title?: string;
  /**
   * Runs of one comparison (Compare Methods, a paper preset) share a group: RunManager starts them
   * bilevel.runs.comparisonConcurrency at a time (one by default), so each method's time per
   * iteration is its own, and they get a panel of their own (never the problem file's reused one).
   */
  readonly group?: boolean;
}

let groups = 0;

/** Queues the runs and opens one panel showing them all; undefined if there is nowhere to store runs. */
export function startRuns(ctx: CommandContext, specs: readonly ExperimentSpec[], options: StartRunsOptions = {}): LiveRun[] | undefined {
  const first = specs[0];
  if (!first) return [];
  const storeDir = storeDirForProblem(ctx, first.problem);
  if (!storeDir) {
    void vscode.window.showErrorMessage('Open a folder first: Bilevel Lab keeps runs in the workspace folder (.bilevel/runs).');
    return undefined;
  }
  if (first.problem.kind === 'file') ctx.diagnostics.clear(first.problem.path);
  const group = options.group ? `group-${Date.now()}-${++groups}` : undefined;
  const runs = specs.map((spec) => ctx.controller.start(spec, storeDir, group !== undefined ? { group } : {}));
  const label = problemLabel(first.problem);
  const ids = runs.map((r) => r.runId);
  const title = options.title ?? (specs.length === 1 ? `${first.method} · ${label}` : `Compare ${methodsPhrase(specs.map((s) => s.method))} · ${label}`);
  // One panel per problem file, reused by its next ▶ Run (bilevel.panel.reuse; else a tab titled with the time).
  if (group !== undefined) ctx.panels.open(ids, title, vscode.ViewColumn.Beside);
  else ctx.panels.openForProblem(problemPanelKey(first.problem), ids, title, vscode.ViewColumn.Beside);
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

/**
 * The ids of a tree command's (clicked, selected[]) arguments; the selection wins when it has the
 * clicked row. A problem group stands for its queued and running runs of this window (Cancel all), a
 * sweep for every run of it (Compare Selected), and an array as the first argument is a list of runs
 * (rows or ids, from a panel or a test).
 */
export function idsOf(clicked: unknown, selected: unknown): string[] {
  const list = Array.isArray(selected) && selected.length > 0 ? selected : Array.isArray(clicked) ? (clicked as unknown[]) : [clicked];
  const ids = list.flatMap((item): (string | undefined)[] => (item instanceof GroupNode || item instanceof SweepNode ? [...item.runIds] : [idOf(item)]));
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** The history rows among a tree command's (clicked, selected[]) arguments that are unreadable run folders. */
export function unreadableRows(clicked: unknown, selected: unknown): RunNode[] {
  const list = Array.isArray(selected) && selected.length > 0 ? selected : [clicked];
  return list.filter((item): item is RunNode => item instanceof RunNode && item.item.kind === 'unreadable');
}

/** Resolves a stored run by id, or tells the user why there is none (deleted, not started, unreadable). */
export function findStoredRun(ctx: CommandContext, id: string): FoundRun | undefined {
  const runId = ctx.controller.get(id)?.runId ?? id;
  const found = ctx.stores.find(runId, ctx.controller.get(id)?.storeDir);
  if (!found) void vscode.window.showErrorMessage(whyNoRecord(ctx, runId));
  return found;
}

/** Why run `runId` has no readable record: still queued, its folder deleted, or its run.json missing or unreadable. */
export function whyNoRecord(ctx: CommandContext, runId: string): string {
  const live = ctx.controller.get(runId);
  if (live && !live.recorded && (live.status === 'queued' || live.status === 'running')) return `Run ${runId} has not started yet: it is ${live.status === 'queued' ? 'queued' : 'starting'}.`;
  const dirs = [...new Set([...(live ? [live.storeDir] : []), ...ctx.stores.dirs().map((d) => d.storeDir)])];
  for (const storeDir of dirs) {
    let runDir: string;
    try {
      runDir = ctx.stores.store(storeDir).dirOf(runId);
    } catch {
      return `'${runId}' is not a run id.`;
    }
    if (!existsSync(runDir)) continue;
    if (!existsSync(path.join(runDir, RUN_FILE))) return `Run ${runId} has no ${RUN_FILE} in ${runDir}: its record was deleted or never written.`;
    try {
      ctx.stores.store(storeDir).read(runId);
    } catch (err) {
      return `Run ${runId} cannot be read: ${messageOf(err)}`;
    }
  }
  return `Run ${runId} was deleted: its folder is no longer in ${dirs.length === 1 ? dirs[0] : 'the runs folders of this workspace'}.`;
}

/** Asks for one run of the history when a command was run from the palette. */
export async function pickRunId(ctx: CommandContext, placeHolder: string, filter: (node: RunNode) => boolean = () => true): Promise<string | undefined> {
  const nodes = ctx.history.allRuns().filter((n) => n.item.kind !== 'unreadable' && filter(n));
  if (nodes.length === 0) {
    void vscode.window.showInformationMessage('No runs to choose from yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    nodes.map((n) => ({ label: String(n.label), description: `${n.place} · ${String(n.description ?? '')}`, id: n.runOrHandle })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.id;
}

/** Asks for several finished runs (Compare Selected from the palette). */
export async function pickRunIds(ctx: CommandContext, placeHolder: string): Promise<string[] | undefined> {
  const nodes = ctx.history.allRuns().filter((n) => n.item.runId !== undefined && n.item.status !== 'running' && n.item.status !== 'queued');
  const picked = await vscode.window.showQuickPick(
    nodes.map((n) => ({ label: String(n.label), description: `${n.place} · ${String(n.description ?? '')}`, id: n.item.runId! })),
    { placeHolder, canPickMany: true, matchOnDescription: true },
  );
  return picked?.map((p) => p.id);
}

