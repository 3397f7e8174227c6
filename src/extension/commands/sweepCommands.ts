// Commands of a sweep's history node: Open Sweep (its runs in one comparison panel, which follows the
// sweep as more of its runs start) and Cancel Sweep (every queued or running run of it this window
// runs; a SLURM sweep's array job through `bilevel sweep cancel`; a sweep another local process runs
// is said to be out of reach, not pretended to be cancelled). A cancel of this window's runs is
// recorded in the sweep's folder (cancel.json) as `bilevel sweep cancel` records its own: the queued
// runs it removes never write a record, so without it a reload would read them failed, not cancelled.
import * as vscode from 'vscode';
import { messageOf } from '../../common/messageOf';
import { SweepStore } from '../../store/sweepStore';
import { cliCwd, cliPath, lastLine, runCli } from './runCli';
import { slurmCancelArgv } from './slurmArgs';
import type { RunPanel } from '../views/runPanel';
import { SweepNode } from '../views/historyTree';
import type { HistorySweepItem } from '../views/sweepModel';
import type { CommandContext } from './context';

/** `bilevel.openSweep(sweep?)`: a sweep row or id; the panel shows its runs, live while they run. */
export const openSweep =
  (ctx: CommandContext) =>
  async (arg?: unknown): Promise<boolean> => {
    const id = sweepIdOf(arg) ?? (await pickSweepId(ctx, 'Sweep to open', () => true));
    if (!id) return false;
    return openSweepPanel(ctx, id) !== undefined;
  };

/**
 * `bilevel.cancelSweep(sweep?)`: cancels the sweep's queued and running runs of this window, records
 * the cancel (cancel.json) and returns how many; a SLURM sweep's array job is cancelled with `bilevel sweep cancel ID --store DIR`
 * after a confirmation (returns its unfinished runs' count when the CLI succeeded, else 0).
 */
export const cancelSweep =
  (ctx: CommandContext) =>
  async (arg?: unknown): Promise<number> => {
    const id = sweepIdOf(arg) ?? (await pickSweepId(ctx, 'Sweep to cancel', (s) => s.progress.status === 'queued' || s.progress.status === 'running'));
    if (!id) return 0;
    const node = ctx.history.findSweep(id);
    if (!node) {
      void vscode.window.showErrorMessage(`No sweep '${id}' in the runs folders of this workspace.`);
      return 0;
    }
    const sweep = node.sweep;
    const decision = cancelDecision(sweep);
    if (decision.action === 'tell') {
      void vscode.window.showInformationMessage(decision.message);
      return 0;
    }
    if (decision.action === 'slurm') return cancelSlurmSweep(ctx, sweep, decision.jobId, decision.unfinished);
    const cancelled = ctx.controller.cancelAll(decision.runIds);
    if (cancelled > 0) recordCancel(ctx, sweep);
    ctx.history.refresh(0);
    return cancelled;
  };

/**
 * Records in the sweep's folder that this window cancelled it (SweepStore.writeCancel, as `bilevel
 * sweep cancel` does), so every reader, this window after a reload included, counts the runs that
 * never started as cancelled. The runs are cancelled all the same when it cannot write: it says so.
 */
function recordCancel(ctx: CommandContext, sweep: HistorySweepItem): void {
  const sweeps = new SweepStore(sweep.storeDir);
  try {
    sweeps.writeCancel(sweeps.read(sweep.key));
  } catch (err) {
    const why = `the cancel of sweep '${sweep.label}' is not recorded in ${sweeps.dirOf(sweep.key)}: ${messageOf(err)}; after a reload its runs that never started read "not started", not cancelled`;
    ctx.output.appendLine(`[sweep] ${why}`);
    void vscode.window.showWarningMessage(`Sweep cancelled, but ${why}.`);
  }
}

/** What Cancel Sweep does. */
export type CancelDecision =
  | { readonly action: 'cancel'; readonly runIds: readonly string[] }
  | { readonly action: 'slurm'; readonly jobId: string; readonly unfinished: number }
  | { readonly action: 'tell'; readonly message: string };

/**
 * What Cancel Sweep does: cancel this window's unfinished runs of it; cancel the SLURM array job of
 * a queued or running SLURM sweep; or say why there is nothing it can cancel.
 */
export function cancelDecision(sweep: HistorySweepItem): CancelDecision {
  if (sweep.activeRunIds.length > 0) return { action: 'cancel', runIds: sweep.activeRunIds };
  const status = sweep.progress.status;
  if (sweep.slurmJobId !== undefined && (status === 'running' || status === 'queued')) {
    return { action: 'slurm', jobId: sweep.slurmJobId, unfinished: sweep.progress.total - sweep.progress.finished };
  }
  if (!sweep.ownedByWindow && (status === 'running' || status === 'queued')) {
    return {
      action: 'tell',
      message: `Sweep '${sweep.label}' is run by another process (bilevel sweep), not by this window, so it cannot be cancelled from here: press Ctrl-C in its terminal (its runs end cancelled after their current iteration), or stop its job.`,
    };
  }
  return { action: 'tell', message: `Sweep '${sweep.label}' has no queued or running run (${sweep.progress.finished} of ${sweep.progress.total} done, ${status}).` };
}

/** Asks, then runs `bilevel sweep cancel ID --store DIR` (scancel of the array job; its runs end cancelled). */
async function cancelSlurmSweep(ctx: CommandContext, sweep: HistorySweepItem, jobId: string, unfinished: number): Promise<number> {
  const confirm = 'Cancel SLURM Job';
  const answer = await vscode.window.showWarningMessage(
    `Cancel SLURM job ${jobId} of sweep '${sweep.label}'? Its ${unfinished} unfinished run${unfinished === 1 ? '' : 's'} end cancelled (running tasks get SIGTERM; pending ones never start).`,
    { modal: true },
    confirm,
  );
  if (answer !== confirm) return 0;
  const result = await runCli(ctx, slurmCancelArgv(cliPath(ctx), sweep.key, sweep.storeDir), cliCwd(sweep.storeDir));
  ctx.history.refresh(0);
  if (result.code !== 0) {
    const why = lastLine(result.stderr) || lastLine(result.stdout) || `exit ${result.code ?? 'killed'}`;
    void vscode.window.showErrorMessage(`Cancel of SLURM job ${jobId} failed: ${why}`);
    return 0;
  }
  // The CLI says what it did (scancel of the live tasks, or that the job had ended).
  const said = result.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '')[0];
  void vscode.window.showInformationMessage(said !== undefined ? `Sweep '${sweep.label}': ${said}` : `SLURM job ${jobId} of sweep '${sweep.label}' cancelled.`);
  return unfinished;
}

/** The runs a sweep's panel shows: its current runs that have a row (a record, or live here), in index order. */
export function sweepPanelIds(sweep: Pick<HistorySweepItem, 'runIds' | 'runs'>): string[] {
  const shown = new Set(sweep.runs.map((r) => r.key));
  return sweep.runIds.filter((id) => shown.has(id));
}

/** Open sweep panels by context: each follows its sweep as the history reloads (new runs start). */
const followers = new WeakMap<CommandContext, Map<string, RunPanel>>();

/**
 * Opens (or reveals) the panel of sweep `id` and keeps its runs in step with the sweep; undefined when
 * none of its runs started yet. A sweep the history does not list (its runs folder is outside the
 * workspace) opens `fallback` (a new sweep's runs), else is an error.
 */
export function openSweepPanel(ctx: CommandContext, id: string, fallback?: { readonly ids: readonly string[]; readonly title: string }): RunPanel | undefined {
  const node = ctx.history.findSweep(id);
  if (!node) {
    if (fallback) return ctx.panels.open(fallback.ids, fallback.title, vscode.ViewColumn.Beside);
    void vscode.window.showErrorMessage(`No sweep '${id}' in the runs folders of this workspace.`);
    return undefined;
  }
  const ids = sweepPanelIds(node.sweep);
  if (ids.length === 0) {
    void vscode.window.showInformationMessage(`None of the ${node.sweep.runIds.length} runs of sweep '${node.sweep.label}' has started yet; open it again once one has.`);
    return undefined;
  }
  const panel = ctx.panels.open(ids, sweepTitle(node), vscode.ViewColumn.Beside);
  follow(ctx).set(id, panel);
  return panel;
}

function sweepTitle(node: SweepNode): string {
  return `${node.sweep.label} · ${node.sweep.problem}`;
}

/** The sweep panels of `ctx`, made once with the listener that updates them when the history reloads. */
function follow(ctx: CommandContext): Map<string, RunPanel> {
  let open = followers.get(ctx);
  if (open) return open;
  const map = new Map<string, RunPanel>();
  open = map;
  followers.set(ctx, map);
  ctx.history.onDidChangeTreeData(() => {
    const alive = new Set(ctx.panels.all());
    for (const [id, panel] of [...map]) {
      const node = ctx.history.findSweep(id);
      if (!alive.has(panel) || !node) {
        map.delete(id);
        continue;
      }
      // A run of a `bilevel sweep` that just started (its run.json appeared) joins the open panel.
      const ids = sweepPanelIds(node.sweep);
      if (ids.join('\n') !== panel.ids.join('\n')) panel.replace(ids, sweepTitle(node));
    }
  });
  return map;
}

/** The sweep id a command argument names: a sweep row, a sweep id, or `{ sweepId }`. */
export function sweepIdOf(arg: unknown): string | undefined {
  if (arg instanceof SweepNode) return arg.sweep.key;
  if (typeof arg === 'string' && arg !== '') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { sweepId?: unknown }).sweepId === 'string') return (arg as { sweepId: string }).sweepId;
  return undefined;
}

/** Asks for a sweep of the history (the palette). */
async function pickSweepId(ctx: CommandContext, placeHolder: string, filter: (s: HistorySweepItem) => boolean): Promise<string | undefined> {
  const nodes = ctx.history.allSweeps().filter((n) => filter(n.sweep));
  if (nodes.length === 0) {
    void vscode.window.showInformationMessage('No sweep to choose from.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    nodes.map((n) => ({ label: n.sweep.label, description: `${n.sweep.problem} · ${n.sweep.description}`, id: n.sweep.key })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.id;
}
