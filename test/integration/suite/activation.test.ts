// Extension-host suite: the extension loads, activates and registers every command it contributes.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bilevelExtension, waitFor } from '../helpers';

/** The commands issue 4 names; the manifest may contribute more (checked below too). */
const CORE_COMMANDS = [
  'bilevel.runProblem',
  'bilevel.compareMethods',
  'bilevel.checkHypergradient',
  'bilevel.newProblemFile',
  'bilevel.cancelRun',
  'bilevel.openRun',
  'bilevel.refreshHistory',
];

suite('activation', () => {
  test('runs in a real VS Code extension host', () => {
    // One line of context in the log: code-server (uiKind Web, remote Node host) or desktop (Electron).
    console.log(`    host: ${JSON.stringify({ version: vscode.version, appName: vscode.env.appName, appHost: vscode.env.appHost, uiKind: vscode.UIKind[vscode.env.uiKind], remoteName: vscode.env.remoteName ?? null, node: process.version, electron: process.versions.electron ?? null })}`);
    assert.ok(vscode.version.length > 0);
  });

  test('the extension activates (the workspace contains *.bilevel.ts)', async () => {
    const ext = bilevelExtension();
    // workspaceContains:**/*.bilevel.ts activates it on its own; activate() is idempotent if it already did.
    await waitFor('activation', async () => {
      if (!ext.isActive) await ext.activate();
      return ext.isActive;
    }, 60_000);
    assert.equal(ext.isActive, true);
  });

  test('every contributed command is registered', async () => {
    const manifest = bilevelExtension().packageJSON as { contributes?: { commands?: { command: string }[] } };
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    for (const c of CORE_COMMANDS) assert.ok(contributed.includes(c), `package.json does not contribute ${c}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('the history view is contributed in the Bilevel activity-bar container', () => {
    const manifest = bilevelExtension().packageJSON as {
      contributes?: { viewsContainers?: { activitybar?: { id: string }[] }; views?: Record<string, { id: string }[]> };
    };
    assert.ok(manifest.contributes?.viewsContainers?.activitybar?.some((c) => c.id === 'bilevel'), 'no activity-bar container "bilevel"');
    assert.ok(manifest.contributes?.views?.['bilevel']?.some((v) => v.id === 'bilevel.history'), 'no view "bilevel.history" in it');
  });

  // Proves that a failing test fails the whole run (exit code 1): BILEVEL_E2E_INJECT_FAILURE=1 npm run test:exthost
  if (process.env.BILEVEL_E2E_INJECT_FAILURE) {
    test('injected failure (BILEVEL_E2E_INJECT_FAILURE)', () => {
      assert.fail('injected failure: the runner must exit 1');
    });
  }
});
