// Compile errors of problem files as VS Code diagnostics, at the line and column the worker reports.
// Cleared when the same problem file next compiles (its run starts).
import * as vscode from 'vscode';
import type { SourceDiagnostic } from '../../protocol/experiment';
import { diagnosticsByFile } from './sourceDiagnostics';

/** One DiagnosticCollection for every problem file's compile errors. */
export class CompileDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('bilevel');
  /** Files that carry diagnostics because of each problem file (an import may be the culprit). */
  private readonly byProblem = new Map<string, vscode.Uri[]>();

  /** Replaces the diagnostics caused by compiling `problemFile`. */
  set(problemFile: string, diagnostics: readonly SourceDiagnostic[]): void {
    this.clear(problemFile);
    const uris: vscode.Uri[] = [];
    for (const [file, list] of diagnosticsByFile(diagnostics, problemFile)) {
      const uri = vscode.Uri.file(file);
      uris.push(uri);
      const previous = this.collection.get(uri) ?? [];
      const added = list.map((d) => {
        // An empty range: the editor underlines the word at the position.
        const position = new vscode.Position(d.line, d.character);
        const diagnostic = new vscode.Diagnostic(new vscode.Range(position, position), d.message, vscode.DiagnosticSeverity.Error);
        diagnostic.source = 'bilevel';
        return diagnostic;
      });
      this.collection.set(uri, [...previous, ...added]);
    }
    this.byProblem.set(problemFile, uris);
  }

  /** Removes the diagnostics of `problemFile`'s last compile. */
  clear(problemFile: string): void {
    for (const uri of this.byProblem.get(problemFile) ?? []) this.collection.delete(uri);
    this.byProblem.delete(problemFile);
  }

  /** The diagnostics currently shown for `file` (for tests). */
  get(file: string): readonly vscode.Diagnostic[] {
    return this.collection.get(vscode.Uri.file(file)) ?? [];
  }

  dispose(): void {
    this.collection.dispose();
  }
}
