// Extension-host suite: the ▶ Run / ⇄ Compare… / ✓ Check hypergradient lenses sit above defineProblem(.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bilevelExtension, codeLenses, fixtureUri, lens } from '../helpers';

suite('code lenses', () => {
  suiteSetup(async () => {
    await bilevelExtension().activate();
  });

  test('sample.bilevel.ts gets Run, Compare and Check hypergradient above defineProblem(', async () => {
    const uri = fixtureUri('sample.bilevel.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('defineProblem({'));
    assert.ok(line >= 0, 'the fixture has a defineProblem({ call');
    const run = await lens(uri, 'Run');
    const all = (await codeLenses(uri)).filter((l) => l.command?.command.startsWith('bilevel.'));
    const titles = all.map((l) => l.command!.title);
    for (const t of ['Run', 'Compare', 'Check hypergradient']) {
      assert.ok(titles.some((x) => x.includes(t)), `no lens with '${t}' in ${JSON.stringify(titles)}`);
    }
    for (const l of all) assert.equal(l.range.start.line, line, `lens '${l.command!.title}' is on line ${l.range.start.line}, defineProblem( on ${line}`);
    assert.ok(run.command.command.startsWith('bilevel.'), `Run lens runs ${run.command.command}`);
  });

  test('a file without defineProblem( gets no Bilevel lens', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'export const x = 1;\n' });
    const lenses = (await codeLenses(doc.uri)).filter((l) => l.command?.command.startsWith('bilevel.'));
    assert.equal(lenses.length, 0);
  });
});
