// Code lenses above every `defineProblem(` of a `*.bilevel.ts` file: ▶ Run, ⇄ Compare…, ⋯ Sweep…,
// ✓ Check hypergradient. In an untrusted workspace one lens says why nothing runs (Workspace Trust). After
// codelens-sample's CodelensProvider.ts: a cheap provideCodeLenses and onDidChangeCodeLenses;
// finding the problems is the pure findProblemLocations (shared with the worker).
import * as vscode from 'vscode';
import { findProblemLocations } from '../../problemFiles/findProblemLocations';
import { DisposableStore } from '../emitter';
import { Commands, MANAGE_TRUST_COMMAND } from '../ids';

/** The lenses of problem files; refresh() when trust or settings change. */
export class ProblemCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables = new DisposableStore();

  constructor(private readonly isTrusted: () => boolean) {
    this.disposables.add(this.changed);
  }

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const locations = findProblemLocations(document.getText());
    if (!this.isTrusted()) {
      // One lens, on the first problem (or the first line): runs execute the file's code.
      const at = locations[0];
      const range = new vscode.Range(at?.line ?? 0, at?.character ?? 0, at?.line ?? 0, at?.character ?? 0);
      return [
        new vscode.CodeLens(range, {
          title: '$(shield) Runs are off in Restricted Mode: a run executes this file. Trust the workspace to run problems…',
          tooltip: 'Bilevel Lab runs problem files only in trusted workspaces. Click to manage Workspace Trust; ▶ Run, ⇄ Compare… and ✓ Check hypergradient appear once trusted.',
          command: MANAGE_TRUST_COMMAND,
        }),
      ];
    }
    const lenses: vscode.CodeLens[] = [];
    for (const loc of locations) {
      const range = new vscode.Range(loc.line, loc.character, loc.line, loc.character);
      const args = [document.uri, loc.exportName];
      const which = loc.exportName === 'default' ? 'the default export' : `'${loc.exportName}'`;
      lenses.push(
        new vscode.CodeLens(range, { title: '▶ Run', tooltip: `Run ${which} with its default method and show live charts`, command: Commands.runProblem, arguments: args }),
        new vscode.CodeLens(range, { title: '⇄ Compare…', tooltip: `Run ${which} with several methods on the same seed (or the same seeds)`, command: Commands.compareMethods, arguments: args }),
        new vscode.CodeLens(range, { title: '⋯ Sweep…', tooltip: `Run ${which} over methods × seeds × a grid of options, as one sweep in the history`, command: Commands.newSweep, arguments: args }),
        new vscode.CodeLens(range, {
          title: '✓ Check hypergradient',
          tooltip: `Pick a method (the problem's default first) and compare its hypergradient of ${which} with central finite differences`,
          command: Commands.checkHypergradient,
          arguments: args,
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
