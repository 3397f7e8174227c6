// `bilevel.showCheckDetails(target?)`: the per-direction details of a hypergradient check in a
// read-only view (views/checkDetailsPanel.ts). The panel's check column, the history and the toast
// after a check call it; the check is found with the live run, in its run folder, or among the
// checks of no run (`.checks/`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckRecord } from '../../protocol/checkRecord';
import { messageOf } from '../../common/messageOf';
import { listChecks, readRunCheck } from '../../store/checkStore';
import { showCheckDetailsPanel } from '../views/checkDetailsPanel';
import type { CheckDetails } from '../views/checkDetailsHtml';
import type { CommandContext } from './context';
import { idOf } from './context';

/** `bilevel.showCheckDetails(runIdOrCheckIdOrRecord?)`: opens the details view; false when there is no such check. */
export const showCheckDetails =
  (ctx: CommandContext) =>
  async (arg?: unknown): Promise<boolean> => {
    let details: CheckDetails | undefined;
    if (isCheckRecord(arg)) details = arg;
    else {
      const id = idOf(arg) ?? (await pickCheckId(ctx));
      if (id === undefined) return false;
      try {
        details = findCheck(ctx, id);
      } catch (err) {
        void vscode.window.showErrorMessage(`The check of '${id}' cannot be read: ${messageOf(err)}`);
        return false;
      }
      if (!details) {
        void vscode.window.showInformationMessage(`No hypergradient check is kept for '${id}'.`);
        return false;
      }
    }
    showCheckDetailsPanel(details);
    return true;
  };

/** The check of a live run of this window, of a stored run (its check.json), or a check of no run, by id. */
export function findCheck(ctx: CommandContext, id: string): CheckDetails | undefined {
  const live = ctx.controller.get(id);
  if (live?.check) return { id: live.runId, runId: live.runId, problem: live.problem, method: live.spec.method, check: live.check };
  const found = ctx.stores.find(id, live?.storeDir);
  if (found) return readRunCheck(found.store.dirOf(found.record.id));
  for (const { storeDir } of ctx.stores.dirs()) {
    const check = listChecks(storeDir).find((c) => c.id === id);
    if (check) return check;
  }
  return undefined;
}

/** Asks among the checks of no run of every store (from the palette); a run's check opens from its row or panel. */
async function pickCheckId(ctx: CommandContext): Promise<string | undefined> {
  const checks = ctx.stores.dirs().flatMap(({ storeDir }) => listChecks(storeDir));
  if (checks.length === 0) {
    void vscode.window.showInformationMessage('No hypergradient check of no run is kept yet; a run\u2019s check opens from its panel or history row.');
    return undefined;
  }
  const verdicts = { pass: '✓', fail: '✗', approximate: '≈' } as const;
  const picked = await vscode.window.showQuickPick(
    checks.map((c) => ({ label: `${verdicts[c.check.verdict]} ${c.method}`, description: `${path.basename(c.problem)} · ${c.createdAt}`, id: c.id })),
    { placeHolder: 'Hypergradient check to show' },
  );
  return picked?.id;
}

function isCheckRecord(value: unknown): value is CheckRecord {
  return typeof value === 'object' && value !== null && typeof (value as { schemaVersion?: unknown }).schemaVersion === 'number' && typeof (value as { check?: unknown }).check === 'object';
}
