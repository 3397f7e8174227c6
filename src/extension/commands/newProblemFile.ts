// `Bilevel: New Problem File`: writes a working example problem and opens it.
import * as vscode from 'vscode';
import { PROBLEM_TEMPLATE, problemFileName } from './problemTemplate';
import type { CommandContext } from './context';

/** `bilevel.newProblemFile(folderUri?)`: `example.bilevel.ts` (or `example-2…`) in the folder; resolves with its uri. */
export const newProblemFile =
  (_ctx: CommandContext) =>
  async (folderArg?: unknown): Promise<vscode.Uri | undefined> => {
    let folder = folderArg instanceof vscode.Uri ? folderArg : vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) {
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Create the problem file here' });
      folder = picked?.[0];
    }
    if (!folder) return undefined;
    const taken = new Set<string>();
    try {
      for (const [name] of await vscode.workspace.fs.readDirectory(folder)) taken.add(name);
    } catch {
      await vscode.workspace.fs.createDirectory(folder);
    }
    const uri = vscode.Uri.joinPath(folder, problemFileName(taken));
    await vscode.workspace.fs.writeFile(uri, Buffer.from(PROBLEM_TEMPLATE, 'utf8'));
    await vscode.window.showTextDocument(uri);
    return uri;
  };
