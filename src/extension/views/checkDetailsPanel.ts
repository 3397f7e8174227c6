// The check details view: one read-only webview panel (no scripts) showing a hypergradient check's
// rule and directions (checkDetailsHtml.ts). One panel, reused: a second check replaces the first.
import * as vscode from 'vscode';
import { CHECK_DETAILS_VIEW_TYPE } from '../ids';
import { checkDetailsHtml, type CheckDetails } from './checkDetailsHtml';
import { makeNonce } from './panelHtml';

let current: vscode.WebviewPanel | undefined;

/** Shows `details` in the check details panel, opening it beside the editor when none is open. */
export function showCheckDetailsPanel(details: CheckDetails): vscode.WebviewPanel {
  const title = `Check: ${details.method} · ${details.problem}`;
  if (current) {
    current.title = title;
    current.reveal(vscode.ViewColumn.Beside, true);
  } else {
    current = vscode.window.createWebviewPanel(CHECK_DETAILS_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false, localResourceRoots: [] });
    current.onDidDispose(() => (current = undefined));
  }
  current.webview.html = checkDetailsHtml(details, makeNonce());
  return current;
}
