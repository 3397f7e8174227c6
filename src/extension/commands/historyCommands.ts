// Commands of the history view (also in the palette, where they ask which run): open, compare
// selected, rename, add a note, delete, reveal the run folder, refresh.
import * as vscode from 'vscode';
import { runLabel } from '../runs/runStores';
import { problemDisplayName } from '../../common/problemId';
import type { CommandContext } from './context';
import { messageOf } from '../../common/messageOf';
import { findStoredRun, idOf, idsOf, pickRunId, pickRunIds } from './context';

/** `bilevel.openRun(run?)`: the run's panel (live while it runs, from the store once finished). */
export const openRun =
  (ctx: CommandContext) =>
  async (arg?: unknown): Promise<boolean> => {
    const id = idOf(arg) ?? (await pickRunId(ctx, 'Run to open'));
    if (!id) return false;
    const live = ctx.controller.get(id);
    const found = live?.runId === undefined && live ? undefined : ctx.stores.find(live?.runId ?? id, live?.storeDir);
    const title = found ? `${runLabel(found.record)} · ${problemDisplayName(found.record.config.problem)}` : live ? `${live.spec.method} · ${live.problem}` : id;
    ctx.panels.open([live?.runId ?? id], title);
    return true;
  };

/** `bilevel.compareSelected(run, selected[])`: overlays finished runs of the history in one panel. */
export const compareSelected =
  (ctx: CommandContext) =>
  async (clicked?: unknown, selected?: unknown): Promise<boolean> => {
    let ids = idsOf(clicked, selected);
    if (ids.length < 2) {
      const picked = await pickRunIds(ctx, 'Runs to compare (select two or more)');
      if (!picked) return false;
      ids = [...new Set([...ids, ...picked])];
    }
    if (ids.length < 2) {
      void vscode.window.showInformationMessage('Select two or more runs to compare (ctrl/cmd-click in the history).');
      return false;
    }
    const records = ids.map((id) => ctx.stores.find(ctx.controller.get(id)?.runId ?? id)?.record);
    const methods = records.map((r, i) => (r ? runLabel(r) : ids[i]!));
    const problems = [...new Set(records.map((r) => (r ? problemDisplayName(r.config.problem) : '?')))];
    ctx.panels.open(ids.map((id) => ctx.controller.get(id)?.runId ?? id), `Compare ${methods.join(', ')} · ${problems.join(', ')}`);
    return true;
  };

/** `bilevel.renameRun(run?, name?)`: sets the run's label (empty clears it). */
export const renameRun =
  (ctx: CommandContext) =>
  async (arg?: unknown, nameArg?: unknown): Promise<boolean> => {
    const id = idOf(arg) ?? (await pickRunId(ctx, 'Run to rename'));
    if (!id) return false;
    const found = findStoredRun(ctx, id);
    if (!found) return false;
    const name =
      typeof nameArg === 'string'
        ? nameArg
        : await vscode.window.showInputBox({ prompt: `Name of run ${found.record.id} (empty to clear)`, value: found.record.name ?? '', valueSelection: undefined });
    if (name === undefined) return false;
    try {
      found.store.update(found.record.id, { name: name.trim() === '' ? null : name.trim() });
    } catch (err) {
      void vscode.window.showErrorMessage(`Cannot rename run ${found.record.id}: ${messageOf(err)}`);
      return false;
    }
    ctx.history.reload();
    return true;
  };

/** `bilevel.addNote(run?, note?)`: a free-text note on the run (empty clears it). */
export const addNote =
  (ctx: CommandContext) =>
  async (arg?: unknown, noteArg?: unknown): Promise<boolean> => {
    const id = idOf(arg) ?? (await pickRunId(ctx, 'Run to annotate'));
    if (!id) return false;
    const found = findStoredRun(ctx, id);
    if (!found) return false;
    const note =
      typeof noteArg === 'string'
        ? noteArg
        : await vscode.window.showInputBox({ prompt: `Note on run ${found.record.id} (empty to clear)`, value: found.record.note ?? '', placeHolder: 'e.g. lr too high, diverges after 40 iterations' });
    if (note === undefined) return false;
    try {
      found.store.update(found.record.id, { note: note.trim() === '' ? null : note.trim() });
    } catch (err) {
      void vscode.window.showErrorMessage(`Cannot save the note of run ${found.record.id}: ${messageOf(err)}`);
      return false;
    }
    ctx.history.reload();
    return true;
  };

/**
 * `bilevel.deleteRun(run?, selected[]?)`: removes the runs' folders after a modal confirmation.
 * Tests pass `{ confirmed: true }` as the second argument to skip the dialog.
 */
export const deleteRun =
  (ctx: CommandContext) =>
  async (clicked?: unknown, second?: unknown): Promise<number> => {
    const confirmed = typeof second === 'object' && second !== null && !Array.isArray(second) && (second as { confirmed?: unknown }).confirmed === true;
    let ids = idsOf(clicked, Array.isArray(second) ? second : undefined);
    if (ids.length === 0) {
      const id = await pickRunId(ctx, 'Run to delete');
      if (!id) return 0;
      ids = [id];
    }
    const found = ids.map((id) => findStoredRun(ctx, id)).filter((f) => f !== undefined);
    const running = found.filter((f) => f.record.status === 'running');
    if (running.length > 0) {
      void vscode.window.showWarningMessage(`Cancel ${running.map((f) => f.record.id).join(', ')} first: a running run cannot be deleted.`);
      return 0;
    }
    if (found.length === 0) return 0;
    if (!confirmed) {
      const what = found.length === 1 ? `run ${runLabel(found[0]!.record)} (${found[0]!.record.id})` : `${found.length} runs`;
      const answer = await vscode.window.showWarningMessage(
        `Delete ${what}? Its folder with run.json and metrics.jsonl is removed from disk.`,
        { modal: true },
        'Delete',
      );
      if (answer !== 'Delete') return 0;
    }
    let deleted = 0;
    for (const f of found) {
      try {
        f.store.delete(f.record.id);
        deleted++;
      } catch (err) {
        void vscode.window.showErrorMessage(`Cannot delete run ${f.record.id}: ${messageOf(err)}`);
      }
    }
    ctx.history.reload();
    return deleted;
  };

/** `bilevel.revealRunFolder(run?)`: the run's folder in the Explorer (or the OS file manager outside the workspace). */
export const revealRunFolder =
  (ctx: CommandContext) =>
  async (arg?: unknown): Promise<boolean> => {
    const id = idOf(arg) ?? (await pickRunId(ctx, 'Run whose folder to reveal'));
    if (!id) return false;
    const found = findStoredRun(ctx, id);
    if (!found) return false;
    const uri = vscode.Uri.file(found.store.dirOf(found.record.id));
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    // The OS file manager is unavailable in a browser (code-server, vscode.dev); the Explorer always works.
    if (inWorkspace || vscode.env.uiKind === vscode.UIKind.Web) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
    return true;
  };

/** `bilevel.refreshHistory`: re-reads the run stores. */
export const refreshHistory = (ctx: CommandContext) => (): void => {
  ctx.history.reload();
};
