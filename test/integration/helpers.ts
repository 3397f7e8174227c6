// Helpers shared by the extension-host suites (bundled into each suite by esbuild.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The extension under test, found by its manifest name (the id depends on the publisher). */
export function bilevelExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.all.find((e) => (e.packageJSON as { name?: string }).name === 'bilevel-lab');
  if (!ext) throw new Error(`extension 'bilevel-lab' is not loaded; loaded: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
  return ext;
}

/** The fixture workspace folder (a temp copy in code-server, the fixture itself on a desktop). */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/** A file of the fixture workspace. */
export function fixtureUri(name: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), name));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value other than undefined/false; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await sleep(intervalMs);
  }
}

/** The subset of run.json (docs/run-store.md) the tests read. */
export interface StoredRun {
  readonly id: string;
  readonly status: string;
  readonly message?: string;
  readonly config?: { readonly problem?: string; readonly method?: string; readonly iterations?: number; readonly preset?: string };
  readonly summary?: { readonly iterations?: number; readonly evals?: Readonly<Record<string, number>> };
}

/** Every run in `<workspace>/.bilevel/runs`, read straight from the files the extension writes. */
export function storedRuns(): StoredRun[] {
  const dir = path.join(workspaceDir(), '.bilevel', 'runs');
  if (!fs.existsSync(dir)) return [];
  const out: StoredRun[] = [];
  for (const id of fs.readdirSync(dir)) {
    const file = path.join(dir, id, 'run.json');
    try {
      out.push({ ...(JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRun), id });
    } catch {
      // Not written yet, or caught mid-write: the next poll reads it.
    }
  }
  return out;
}

/** The code lenses VS Code itself computes for `uri` (all providers; resolved). */
export async function codeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

/** Waits until the extension's lenses are on `uri` and returns the one whose title contains `title`. */
export async function lens(uri: vscode.Uri, title: string, timeoutMs = 30_000): Promise<vscode.CodeLens & { command: vscode.Command }> {
  return waitFor(`a '${title}' code lens on ${path.basename(uri.fsPath)}`, async () => {
    const found = (await codeLenses(uri)).find((l) => l.command?.title.includes(title));
    return found?.command ? (found as vscode.CodeLens & { command: vscode.Command }) : undefined;
  }, timeoutMs);
}

/** Executes a lens's command exactly as a click on it would. */
export async function clickLens(l: vscode.CodeLens & { command: vscode.Command }): Promise<unknown> {
  return vscode.commands.executeCommand(l.command.command, ...(l.command.arguments ?? []));
}
