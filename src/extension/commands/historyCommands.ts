// Commands of the history view: open, compare selected, rename, add a note, delete, reveal the run
// folder, refresh. All but refresh act on rows and are hidden from the Command Palette (package.json);
// called without a row (a keybinding, a test) they ask which run.
import * as vscode from 'vscode';
import { runLabel } from '../runs/runStores';
import { problemDisplayName } from '../../common/problemId';
import type { CommandContext } from './context';
import { messageOf } from '../../common/messageOf';
import { findStoredRun, idOf, idsOf, pickRunId, pickRunIds, unreadableRows, whyNoRecord } from './context';

/** `bilevel.openRun(run?)`: the run's panel (live while it runs, from the store once finished). */
export const openRun =
  (ctx: CommandContext) =>
  async (arg?: unknown): Promise<boolean> => {
    const id = idOf(arg) ?? (await pickRunId(ctx, 'Run to open'));
    if (!id) return false;
    const live = ctx.controller.get(id);
    const found = ctx.stores.find(live?.runId ?? id, live?.storeDir);
    // A run of no panel: neither live in this window nor in a store (its folder was deleted).
    if (!live && !found) {
      void vscode.window.showErrorMessage(whyNoRecord(ctx, id));
      return false;
    }
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
        : await vscode.window.showInputBox({
            prompt: `Name of run ${found.record.id} (empty to clear)`,
            // The current name, else the label the history shows (the method), selected so typing replaces it.
            value: found.record.name ?? found.record.config.method,
          });
    if (name === undefined) return false;
    // The prefilled method accepted as is: the run keeps no name (its label is the method already).
    if (found.record.name === undefined && name.trim() === found.record.config.method && typeof nameArg !== 'string') return false;
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
    // Folders without a readable run.json have no record to find: they are deleted by their row.
    const broken = unreadableRows(clicked, Array.isArray(second) ? second : undefined);
    const brokenIds = new Set(broken.map((r) => r.item.key));
    let ids = idsOf(clicked, Array.isArray(second) ? second : undefined).filter((id) => !brokenIds.has(id));
    if (ids.length === 0 && broken.length === 0) {
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
    const targets = [
      ...found.map((f) => ({ id: f.record.id, store: f.store, what: `run ${runLabel(f.record)} (${f.record.id})` })),
      ...broken.map((r) => ({ id: r.item.key, store: ctx.stores.store(r.item.storeDir), what: `the unreadable run folder ${r.item.key}` })),
    ];
    if (targets.length === 0) return 0;
    if (!confirmed) {
      const what = targets.length === 1 ? targets[0]!.what : `${targets.length} runs`;
      const answer = await vscode.window.showWarningMessage(`Delete ${what}? Its folder with run.json and metrics.jsonl is removed from disk.`, { modal: true }, 'Delete');
      if (answer !== 'Delete') return 0;
    }
    let deleted = 0;
    for (const t of targets) {
      try {
        t.store.delete(t.id);
        deleted++;
      } catch (err) {
        void vscode.window.showErrorMessage(`Cannot delete run ${t.id}: ${messageOf(err)}`);
      }
    }
    ctx.history.reload();
    return deleted;
  };

/** `bilevel.revealRunFolder(run?)`: the run's folder in the Explorer (or the OS file manager outside the workspace). */
export const revealRunFolder =
  (ctx: CommandContext) =>
  async (arg?: unknown): Promise<boolean> => {
    const [broken] = unreadableRows(arg, undefined);
    let dir: string;
    if (broken) dir = ctx.stores.store(broken.item.storeDir).dirOf(broken.item.key);
    else {
      const id = idOf(arg) ?? (await pickRunId(ctx, 'Run whose folder to reveal'));
      if (!id) return false;
      const found = findStoredRun(ctx, id);
      if (!found) return false;
      dir = found.store.dirOf(found.record.id);
    }
    const uri = vscode.Uri.file(dir);
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
