// Quick picks and argument resolution shared by the run commands: which problem (a code lens's
// file + export, the active editor's problems, any problem file of the workspace, or a built-in
// toy), which method(s), and the problem's own default method.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProblemSource } from '../../protocol/experiment';
import { findProblemLocations } from '../../problemFiles/findProblemLocations';
import type { BilevelConfig } from '../config';
import { findDefaultMethod } from './findDefaultMethod';
import { PROBLEM_FILE_GLOB } from '../ids';
import { BUILTIN_PROBLEM_CATALOG, METHOD_CATALOG, isKnownMethod } from './methodCatalog';

/** A problem to run, with its own default method when it states one. */
export interface ResolvedProblem {
  readonly source: ProblemSource;
  readonly defaultMethod?: string;
}

/** Problem files searched at most (the picker lists their exports). */
const MAX_PROBLEM_FILES = 200;

/**
 * The problem a command's arguments name: `(uri, exportName)` from a code lens, a built-in id, a
 * ProblemSource, or nothing (the active problem file's problems, else a pick over the workspace).
 */
export async function resolveProblem(arg0: unknown, arg1: unknown, placeHolder: string): Promise<ResolvedProblem | undefined> {
  if (arg0 instanceof vscode.Uri) return problemInFile(arg0, typeof arg1 === 'string' ? arg1 : undefined, placeHolder);
  if (typeof arg0 === 'string') {
    const builtin = BUILTIN_PROBLEM_CATALOG.find((b) => b.id === arg0);
    if (builtin) return { source: { kind: 'builtin', id: builtin.id, params: {} }, defaultMethod: builtin.defaultMethod };
    if (/\.bilevel\.ts$/.test(arg0)) return problemInFile(vscode.Uri.file(arg0), typeof arg1 === 'string' ? arg1 : undefined, placeHolder);
    void vscode.window.showErrorMessage(`Unknown problem '${arg0}': give a built-in id (${BUILTIN_PROBLEM_CATALOG.map((b) => b.id).join(', ')}) or a *.bilevel.ts file.`);
    return undefined;
  }
  if (isProblemSource(arg0)) {
    if (arg0.kind === 'file') return { source: arg0 };
    const builtin = BUILTIN_PROBLEM_CATALOG.find((b) => b.id === arg0.id);
    return { source: { kind: 'builtin', id: arg0.id, params: arg0.params ?? {} }, ...(builtin ? { defaultMethod: builtin.defaultMethod } : {}) };
  }
  const editor = vscode.window.activeTextEditor;
  if (editor && /\.bilevel\.ts$/.test(editor.document.fileName)) return problemInFile(editor.document.uri, undefined, placeHolder);
  return pickProblem(placeHolder);
}

/** A problem of one file: the named export, the only one, or a pick among them. */
async function problemInFile(uri: vscode.Uri, exportName: string | undefined, placeHolder: string): Promise<ResolvedProblem | undefined> {
  const text = await readText(uri);
  const locations = findProblemLocations(text);
  let location = exportName !== undefined ? locations.find((l) => l.exportName === exportName) : locations.length === 1 ? locations[0] : undefined;
  if (!location && exportName === undefined && locations.length > 1) {
    const picked = await vscode.window.showQuickPick(
      locations.map((l) => ({ label: l.exportName, description: `line ${l.line + 1}`, location: l })),
      { placeHolder },
    );
    if (!picked) return undefined;
    location = picked.location;
  }
  if (!location && exportName === undefined) {
    void vscode.window.showErrorMessage(`${path.basename(uri.fsPath)} exports no problem: write \`export default defineProblem({ … })\`.`);
    return undefined;
  }
  const defaultMethod = location ? findDefaultMethod(text, location) : undefined;
  return {
    source: { kind: 'file', path: uri.fsPath, exportName: location?.exportName ?? exportName! },
    ...(defaultMethod !== undefined && isKnownMethod(defaultMethod) ? { defaultMethod } : {}),
  };
}

/** Picks among every problem-file export of the workspace and the built-in toys. */
export async function pickProblem(placeHolder: string): Promise<ResolvedProblem | undefined> {
  type Item = vscode.QuickPickItem & { problem?: ResolvedProblem };
  const items: Item[] = [];
  const files = await vscode.workspace.findFiles(PROBLEM_FILE_GLOB, '**/node_modules/**', MAX_PROBLEM_FILES);
  files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (files.length > 0) items.push({ label: 'Problem files', kind: vscode.QuickPickItemKind.Separator });
  for (const uri of files) {
    let text: string;
    try {
      text = await readText(uri);
    } catch {
      continue;
    }
    for (const loc of findProblemLocations(text)) {
      const defaultMethod = findDefaultMethod(text, loc);
      items.push({
        label: `$(file-code) ${path.basename(uri.fsPath)}#${loc.exportName}`,
        description: vscode.workspace.asRelativePath(uri),
        problem: { source: { kind: 'file', path: uri.fsPath, exportName: loc.exportName }, ...(defaultMethod && isKnownMethod(defaultMethod) ? { defaultMethod } : {}) },
      });
    }
  }
  items.push({ label: 'Built-in problems', kind: vscode.QuickPickItemKind.Separator });
  for (const b of BUILTIN_PROBLEM_CATALOG) {
    items.push({ label: `$(beaker) ${b.id}`, description: b.title, problem: { source: { kind: 'builtin', id: b.id, params: {} }, defaultMethod: b.defaultMethod } });
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return picked?.problem;
}

/**
 * Picks several methods (preselecting `preselected`), plus whether to check their hypergradients (an
 * extra row, unless `withCheck` is false); undefined when dismissed.
 */
export async function pickMethods(preselected: readonly string[], placeHolder: string, { withCheck = true }: { withCheck?: boolean } = {}): Promise<{ methods: string[]; check: boolean } | undefined> {
  type Item = vscode.QuickPickItem & { method?: string };
  const items: Item[] = METHOD_CATALOG.map((m) => ({ label: m.id, description: m.title, detail: m.summary, picked: preselected.includes(m.id), method: m.id }));
  if (withCheck) items.push(
    { label: 'With the runs', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(beaker) Check each hypergradient', description: 'finite differences at the start point, once the runs have ended (so no check shares their timing); adds a column to the summary table' },
  );
  // A step of a multi-step flow: a click elsewhere (the live panel, the editor) must not drop the picks.
  const picked = await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true, matchOnDescription: true, ignoreFocusOut: true });
  if (!picked) return undefined;
  return { methods: picked.flatMap((p) => (p.method !== undefined ? [p.method] : [])), check: picked.some((p) => p.method === undefined) };
}

/** Picks one method. */
export async function pickMethod(preselected: string, placeHolder: string): Promise<string | undefined> {
  const items = METHOD_CATALOG.map((m) => ({ label: m.id, description: m.title, detail: m.summary }));
  items.sort((a, b) => (a.label === preselected ? -1 : b.label === preselected ? 1 : 0));
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return picked?.label;
}

/** The method ▶ Run uses: the explicit one, the problem's own default, else the setting. */
export function methodFor(problem: ResolvedProblem, explicit: unknown, config: BilevelConfig): string {
  if (typeof explicit === 'string' && isKnownMethod(explicit)) return explicit;
  return problem.defaultMethod ?? config.runs.defaultMethod;
}

/** Saves an open, modified problem file first: the worker compiles what is on disk. */
export async function saveIfDirty(source: ProblemSource): Promise<void> {
  if (source.kind !== 'file') return;
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === source.path);
  if (doc?.isDirty) await doc.save();
}

function isProblemSource(value: unknown): value is ProblemSource {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ProblemSource> & { kind?: unknown };
  if (v.kind === 'builtin') return typeof (v as { id?: unknown }).id === 'string';
  if (v.kind === 'file') return typeof (v as { path?: unknown }).path === 'string' && typeof (v as { exportName?: unknown }).exportName === 'string';
  return false;
}

async function readText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}
