// The experiments table's host side (experimentsPanel.ts) against the vscode stub: one panel per
// window, a snapshot on `ready` and after runs change, Compare and Open through the existing
// commands, Export CSV of the chosen runs and columns, and refused messages said in the output.
import '../vscodeStub';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeWebviewPanel, Uri, vscodeStub } from '../vscodeStub';
import { Emitter } from '../../../../src/extension/emitter';
import { Commands, EXPERIMENTS_VIEW_TYPE } from '../../../../src/extension/ids';
import { ExperimentsPanel, type ExperimentsDeps } from '../../../../src/extension/views/experimentsPanel';
import type { StoredRun } from '../../../../src/extension/views/historyModel';
import type { ExperimentsSnapshotMessage } from '../../../../src/protocol/experimentsTable';
import { RunStore } from '../../../../src/store/runStore';

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ExperimentsPanel', () => {
  let tmp: string;
  let stored: StoredRun[];
  const history = new Emitter<unknown>();
  const runs = new Emitter<{ kind: string }>();
  const output: string[] = [];
  let deps: ExperimentsDeps;

  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-experiments-panel-'));
    const store = new RunStore(path.join(tmp, '.bilevel', 'runs'));
    for (const [id, K] of [
      ['rhg-1', 20],
      ['rhg-2', 40],
    ] as const) {
      store.create({ problem: 'toy-quadratic', problemParams: {}, method: 'rhg', methodOptions: { K }, iterations: 3, seed: 0, backend: 'cpu' }, { id, versions: {}, note: `K is ${K}, see "notes"` }).finish('completed');
    }
    stored = store.scan().runs.map((record) => ({ record, storeDir: store.root }));
    deps = {
      extension: { extensionUri: Uri.file(tmp) } as unknown as ExperimentsDeps['extension'],
      controller: { onDidChange: runs.event, liveInfo: () => [], get: () => undefined } as unknown as ExperimentsDeps['controller'],
      stores: { list: () => stored, dirs: () => [{ folder: tmp, storeDir: store.root }] } as unknown as ExperimentsDeps['stores'],
      history: { onDidChangeTreeData: history.event },
      output: { appendLine: (line: string) => output.push(line) } as unknown as ExperimentsDeps['output'],
    };
    vscodeStub.reset();
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  let panel: FakeWebviewPanel;
  const snapshots = (): ExperimentsSnapshotMessage[] => panel.posted.filter((m): m is ExperimentsSnapshotMessage => (m as { type?: string }).type === 'snapshot');

  it('opens one panel per window, with the table bundle under a nonce CSP', () => {
    ExperimentsPanel.show(deps);
    ExperimentsPanel.show(deps);
    assert.equal(vscodeStub.webviewPanels.length, 1, 'a second show reveals the open table');
    panel = vscodeStub.webviewPanels[0]!;
    assert.equal(panel.viewType, EXPERIMENTS_VIEW_TYPE);
    assert.match(panel.webview.html, /<script nonce="[^"]+" src="[^"]*dist\/experiments\.js">/);
    assert.match(panel.webview.html, /media\/experiments\.css/);
    assert.match(panel.webview.html, /script-src &#39;nonce-/);
  });

  it('sends the rows on ready, and again (once) after a burst of changes', async () => {
    panel.receive({ type: 'ready' });
    assert.equal(snapshots().length, 1);
    assert.deepEqual(snapshots()[0]!.rows.map((r) => r.runId).sort(), ['rhg-1', 'rhg-2']);
    assert.ok(snapshots()[0]!.columns.some((c) => c.key === 'K'));
    history.fire(undefined);
    runs.fire({ kind: 'finished' });
    runs.fire({ kind: 'metrics' });
    await tick(400);
    assert.equal(snapshots().length, 2);
    runs.fire({ kind: 'metrics' });
    await tick(400);
    assert.equal(snapshots().length, 2, 'metrics alone change no row');
  });

  it('compares and opens runs through the existing commands', () => {
    panel.receive({ type: 'compare', runIds: ['rhg-2', 'rhg-1'] });
    panel.receive({ type: 'openRun', runId: 'rhg-1' });
    assert.deepEqual(vscodeStub.executed.slice(-2), [Commands.compareSelected, Commands.openRun]);
    assert.deepEqual(vscodeStub.executedArgs.at(-2), ['rhg-2', ['rhg-2', 'rhg-1']]);
    assert.deepEqual(vscodeStub.executedArgs.at(-1), ['rhg-1']);
  });

  it('exports the chosen runs with the chosen columns as CSV where the user says', async () => {
    const target = path.join(tmp, 'out', 'experiments.csv');
    vscodeStub.saveDialogAnswer = Uri.file(target);
    panel.receive({ type: 'exportCsv', runIds: ['rhg-2'], columns: ['name', 'K', 'note', 'nonsense'] });
    for (let i = 0; i < 20 && !vscodeStub.written.includes(target); i++) await tick(5);
    assert.equal(readFileSync(target, 'utf8'), 'name,K,note\r\nrhg,40,"K is 40, see ""notes"""\r\n');
  });

  it('refuses a malformed message and says so in the output', () => {
    const before = vscodeStub.executed.length;
    panel.receive({ type: 'compare', runIds: ['../../etc', 'x'] });
    assert.equal(vscodeStub.executed.length, before);
    assert.match(output.at(-1)!, /^\[experiments\] refused a message from the webview: compare/);
  });

  it('makes a new panel once the old one is closed', () => {
    panel.dispose();
    ExperimentsPanel.show(deps);
    assert.equal(vscodeStub.webviewPanels.length, 2);
    vscodeStub.webviewPanels[1]!.dispose();
  });
});
