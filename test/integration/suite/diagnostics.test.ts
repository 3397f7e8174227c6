// Extension-host suite: a problem file that does not compile gets a diagnostic at the error's line.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bilevelExtension, clickLens, fixtureUri, lens, storedRuns, waitFor } from '../helpers';

/** broken.bilevel.ts has `… +,` on line 9 (1-based): esbuild's "Unexpected ','" is reported there. */
const ERROR_LINE = 8;

/** The extension's own diagnostics (not the TypeScript server's, which also sees the error). */
function bilevelDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === undefined || /bilevel|esbuild/i.test(d.source));
}

suite('diagnostics', () => {
  suiteSetup(async () => {
    await bilevelExtension().activate();
  });

  test('broken.bilevel.ts gets a compile-error diagnostic on its line', async () => {
    const uri = fixtureUri('broken.bilevel.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // Opening or saving may compile the file; if it does not, a click on ▶ Run surely does.
    let diags = await waitFor('diagnostics on open', () => {
      const d = bilevelDiagnostics(uri);
      return d.length > 0 ? d : undefined;
    }, 5_000).catch(() => [] as vscode.Diagnostic[]);
    if (diags.length === 0) {
      void Promise.resolve(clickLens(await lens(uri, 'Run'))).catch(() => undefined);
      diags = await waitFor('diagnostics after ▶ Run', () => {
        const d = bilevelDiagnostics(uri);
        return d.length > 0 ? d : undefined;
      }, 60_000);
    }
    const summary = diags.map((d) => `${d.source ?? '?'}@${d.range.start.line}: ${d.message}`).join(' | ');
    const atLine = diags.find((d) => d.range.start.line === ERROR_LINE && d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(atLine, `no error diagnostic on line ${ERROR_LINE + 1}; got ${summary}`);
    // A broken file never becomes a completed run.
    assert.ok(!storedRuns().some((r) => r.config?.problem?.includes('broken') && r.status === 'completed'));
  });
});
