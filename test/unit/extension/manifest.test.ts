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

/**
 * Whether a history menu's `when` clause shows the item on a row with `contextValue`: the clause's
 * `viewItem == x` and `viewItem =~ /re/` alternatives (the only forms these menus use).
 */
function viewItemMatches(when: string, contextValue: string): boolean {
  const equal = [...when.matchAll(/viewItem == ([\w.]+)/g)].map((m) => m[1]);
  const patterns = [...when.matchAll(/viewItem =~ \/((?:[^/\\]|\\.)+)\//g)].map((m) => new RegExp(m[1]!));
  return equal.includes(contextValue) || patterns.some((re) => re.test(contextValue));
}

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
      assert.ok(
        when.includes(TreeItemContext.runPrefix.replace('.', '\\.')) ||
          when.includes(TreeItemContext.sweepPrefix.replace('.', '\\.')) ||
          when.includes(TreeItemContext.queued) ||
          when.includes(TreeItemContext.groupActive) ||
          when.includes(TreeItemContext.unreadable),
        when,
      );
    }
  });

  it('shows each history menu item on the rows it applies to (a stored check adds to a run\u2019s context value)', () => {
    const shownOn = (command: string, contextValue: string): boolean =>
      (manifest.contributes.menus['view/item/context'] ?? []).some((item) => item.command === command && viewItemMatches(item.when ?? '', contextValue));
    const check = TreeItemContext.checkSuffix;
    const run = (status: string): string => `${TreeItemContext.runPrefix}${status}`;
    assert.ok(shownOn(Commands.showCheckDetails, run('completed') + check));
    assert.ok(shownOn(Commands.showCheckDetails, run('failed') + check));
    assert.ok(!shownOn(Commands.showCheckDetails, run('completed')));
    for (const command of [Commands.deleteRun, Commands.compareSelected, Commands.rerun, Commands.openRun, Commands.exportCsv]) {
      assert.ok(shownOn(command, run('completed')) && shownOn(command, run('diverged') + check), command);
    }
    assert.ok(!shownOn(Commands.deleteRun, run('running')) && !shownOn(Commands.deleteRun, run('running') + check));
    assert.ok(shownOn(Commands.cancelRun, run('running')) && shownOn(Commands.cancelRun, run('running') + check) && shownOn(Commands.cancelRun, TreeItemContext.queued));
    assert.ok(!shownOn(Commands.cancelRun, run('completed') + check));
    assert.ok(shownOn(Commands.cancelAll, TreeItemContext.groupActive) && !shownOn(Commands.cancelAll, TreeItemContext.group));
    // An unreadable run folder can be looked at and removed, nothing else.
    // A sweep opens and compares its runs in any state; Cancel only while it is queued or running.
    const sweep = (status: string): string => `${TreeItemContext.sweepPrefix}${status}`;
    for (const status of ['queued', 'running', 'completed', 'partial', 'failed', 'cancelled']) {
      assert.ok(shownOn(Commands.openSweep, sweep(status)) && shownOn(Commands.compareSelected, sweep(status)), status);
      assert.equal(shownOn(Commands.cancelSweep, sweep(status)), status === 'queued' || status === 'running', status);
    }
    assert.ok(!shownOn(Commands.cancelSweep, run('running')) && !shownOn(Commands.cancelRun, sweep('running')));
    const onUnreadable = (manifest.contributes.menus['view/item/context'] ?? []).filter((i) => viewItemMatches(i.when ?? '', TreeItemContext.unreadable)).map((i) => i.command);
    assert.deepEqual(onUnreadable.sort(), [Commands.deleteRun, Commands.revealRunFolder].sort());
  });

  it('hides from the Command Palette every command that needs a history row, and only those', () => {
    // Tree commands that also work from the palette, each because it asks for what it needs or has a default.
    const paletteToo: Readonly<Record<string, string>> = {
      [Commands.cancelRun]: 'asks which queued or running run',
      [Commands.cancelAll]: 'cancels every run of this window',
      [Commands.rerun]: 'asks which run to repeat',
      [Commands.exportCsv]: 'asks which run to export',
      [Commands.exportChart]: 'exports the focused panel\u2019s charts',
      [Commands.showCheckDetails]: 'asks which check to show',
    };
    const palette = manifest.contributes.menus['commandPalette'] ?? [];
    const hidden = new Set(palette.filter((i) => i.when === 'false').map((i) => i.command));
    const elsewhere = new Set(Object.entries(manifest.contributes.menus).filter(([menu]) => menu !== 'view/item/context' && menu !== 'commandPalette').flatMap(([, items]) => items.map((i) => i.command)));
    const treeOnly = [...new Set((manifest.contributes.menus['view/item/context'] ?? []).map((i) => i.command))].filter((c) => !elsewhere.has(c) && !(c in paletteToo));
    assert.ok(treeOnly.length >= 6, treeOnly.join(', '));
    assert.deepEqual([...hidden].sort(), treeOnly.sort());
  });

  it('writes the welcome view in plain text and links (it renders no code spans)', () => {
    const welcome = (pkg as unknown as { contributes: { viewsWelcome: { view: string; contents: string }[] } }).contributes.viewsWelcome;
    assert.ok(welcome.length > 0);
    for (const w of welcome) assert.ok(!w.contents.includes('`'), w.contents);
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
