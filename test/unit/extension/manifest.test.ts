// package.json is the extension manifest: its command, view and panel ids must be those of
// src/extension/ids.ts, it must never activate on `*`, and the .vsix allow-list must ship what runs.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import pkg from '../../../package.json';
import { Commands, HISTORY_VIEW_ID, RUN_PANEL_VIEW_TYPE, TreeItemContext, VIEW_CONTAINER_ID } from '../../../src/extension/ids';

const root = path.resolve(__dirname, '../../..');
const manifest = pkg as unknown as {
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  scripts: Record<string, string>;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string | boolean } };
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string }[]>;
    typescriptServerPlugins: { name: string; enableForWorkspaceTypeScriptVersions?: boolean }[];
  };
};

/** The non-comment lines of an ignore file. */
function ignoreLines(file: string): string[] {
  return readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

describe('extension manifest', () => {
  it('declares exactly the command ids of ids.ts, each in category Bilevel', () => {
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, Object.values(Commands).sort());
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, 'Bilevel', c.command);
      assert.match(c.command, /^bilevel\.[a-z][A-Za-z]*$/);
      assert.ok(c.title.length > 0);
    }
  });

  it('menus only name declared commands, and tree menus match the items\u2019 context values', () => {
    const ids = new Set(Object.values(Commands) as string[]);
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) assert.ok(ids.has(item.command), `${menu}: ${item.command}`);
    }
    for (const item of manifest.contributes.menus['view/item/context'] ?? []) {
      const when = item.when ?? '';
      assert.ok(when.includes(`view == ${HISTORY_VIEW_ID}`), item.command);
      assert.ok(when.includes(TreeItemContext.runPrefix.replace('.', '\\.')) || when.includes(TreeItemContext.queued), when);
    }
  });

  it('activates on problem files, the view or a restored panel, never on *', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(manifest.activationEvents.every((e) => !e.startsWith('onStartupFinished')));
    assert.ok(manifest.activationEvents.includes('workspaceContains:**/*.bilevel.ts'));
    assert.ok(manifest.activationEvents.includes(`onView:${HISTORY_VIEW_ID}`));
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${RUN_PANEL_VIEW_TYPE}`));
  });

  it('has the history view in its own activity-bar container with an icon that exists', () => {
    const container = manifest.contributes.viewsContainers.activitybar.find((c) => c.id === VIEW_CONTAINER_ID);
    assert.ok(container);
    assert.ok(existsSync(path.join(root, container.icon)), container.icon);
    assert.deepEqual(
      manifest.contributes.views[VIEW_CONTAINER_ID]!.map((v) => v.id),
      [HISTORY_VIEW_ID],
    );
  });

  it('points at the bundle, targets the installed @types/vscode and supports limited untrusted workspaces', () => {
    assert.equal(manifest.main, './dist/extension.js');
    const types = JSON.parse(readFileSync(path.join(root, 'node_modules/@types/vscode/package.json'), 'utf8')) as { version: string };
    assert.equal(manifest.engines.vscode, `^${types.version}`);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('.vscodeignore is an allow-list that ships the bundles, wasm files, media, esbuild-wasm, the types and the license', () => {
    const lines = ignoreLines('.vscodeignore');
    assert.equal(lines[0], '**');
    for (const needed of ['!package.json', '!README.md', '!LICENSE', '!dist/extension.js', '!dist/worker.js', '!dist/webview.js', '!dist/*.wasm', '!dist/node_modules/esbuild-wasm/**', '!dist/types/**']) {
      assert.ok(lines.includes(needed), needed);
    }
    assert.ok(!lines.some((l) => l.includes('.map')), 'no source maps are re-included');
    assert.ok(existsSync(path.join(root, 'LICENSE')));
  });

  it('contributes the TypeScript server plugin, and `npm run package` puts it where tsserver loads it', () => {
    // tsserver loads a contributed plugin from <extension>/node_modules/<name> only; vsce --no-dependencies
    // packs nothing under node_modules/, so the package script adds the build to the .vsix afterwards.
    assert.deepEqual(manifest.contributes.typescriptServerPlugins, [{ name: 'bilevel-lab-ts-plugin', enableForWorkspaceTypeScriptVersions: true }]);
    assert.ok(existsSync(path.join(root, 'src/tsPlugin/index.ts')));
    assert.match(manifest.scripts['package']!, /^vsce package --no-dependencies .* -o dist\/bilevel-lab\.vsix && node scripts\/vsixAddTsPlugin\.mjs dist\/bilevel-lab\.vsix$/);
    assert.match(readFileSync(path.join(root, 'scripts/editorTypes.mjs'), 'utf8'), /PLUGIN_NAME = 'bilevel-lab-ts-plugin'/);
  });

  it('types `bilevel-lab` for npm installs through the shipped declarations, with no runtime entry but an explanation', () => {
    // Not a path with a node_modules segment: TypeScript (like Node) refuses such "exports" targets.
    const entry = './dist/types/bilevel-lab.d.ts';
    assert.equal(manifest.types, entry);
    assert.deepEqual(manifest.exports['.'], { types: entry, default: './dist/library.cjs' });
    // The npm package (`npm pack`) is an allow-list too: the CLI, its wasm files and the types; not the extension.
    const npm = ignoreLines('.npmignore');
    assert.equal(npm[0], '*');
    for (const needed of ['!/bin/bilevel.js', '!/dist/cli.js', '!/dist/*.wasm', '!/dist/library.cjs', '!/dist/types/**']) assert.ok(npm.includes(needed), needed);
    assert.ok(!npm.some((l) => /extension|worker|webview|\.map/.test(l)), 'the npm package leaves the extension bundles out');
    if (existsSync(path.join(root, 'dist/types'))) assert.ok(existsSync(path.join(root, entry)), `${entry} is built by npm run build`);
  });
});
