// The run panel's host side (src/extension/views/runPanel.ts) with a stand-in webview: a stored run's
// snapshot carries its settings and its stored check (so the check survives a reload), Cancel all and
// a click on the check reach the controller and the check details command, the messages are checked
// (parseWebviewMessage), one panel per problem file is reused by the next single run, and overlapping
// runs are marked concurrent; the backend a run ran on reaches the webview, from the worker's ready
// for a live run and from run.json for a stored one.
import '../vscodeStub';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import * as vscode from 'vscode';
import { DEFAULT_CONFIG, type BilevelConfig } from '../../../../src/extension/config';
import { RunController, type RunManagerLike } from '../../../../src/extension/runs/runController';
import { RunStores } from '../../../../src/extension/runs/runStores';
import { liveView, markOverlapping, panelTitleWithTime, problemPanelKey, RunPanel, RunPanels, SHOW_CHECK_DETAILS_COMMAND, specSettings, type PanelDeps } from '../../../../src/extension/views/runPanel';
import { parseWebviewMessage } from '../../../../src/extension/views/parseWebviewMessage';
import { runSettings } from '../../../../src/protocol/runSettings';
import type { RunConfig } from '../../../../src/protocol/runRecord';
import type { HostToWebview, RunView, SnapshotMessage } from '../../../../src/protocol/webview';
import { writeCheck } from '../../../../src/store/checkStore';
import { RunStore } from '../../../../src/store/runStore';
import { fakeWebviewPanel, Uri, vscodeStub } from '../vscodeStub';
import { FakeManager } from '../../helpers/fakeRunManager';

const CONFIG: RunConfig = { problem: 'toy-quadratic', problemParams: { n: 4 }, method: 'rhg', methodOptions: { lowerSteps: 10, lowerLr: 0.1 }, iterations: 3, seed: 0, backend: 'auto' };
const CHECK = { verdict: 'pass' as const, maxRelativeError: 2e-6, relativeErrorVsRhg: 1e-7, rtol: 1e-3 };
const WASM = {
  name: 'wasm',
  detail: 'tfjs-backend-wasm 4.22.0, simd, 2 threads, binaries: /ext/dist',
  skipped: [{ name: 'tensorflow', reason: 'needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, and neither is installed (npm install @tensorflow/tfjs-node)' }],
};


const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

let workspace = '';
let runId = '';
let plainId = '';
let stores: RunStores;
const cancelAllCalls: string[][] = [];
let config: BilevelConfig = DEFAULT_CONFIG;

function deps(log: string[] = []): PanelDeps {
  const controller = {
    onDidChange: () => ({ dispose: () => undefined }),
    get: () => undefined,
    cancel: () => false,
    cancelAll: (ids: readonly string[]) => (cancelAllCalls.push([...ids]), ids.length),
  };
  return { extensionUri: Uri.file(workspace) as never, controller: controller as never, stores, config: () => config, output: { appendLine: (line: string) => void log.push(line) } as never };
}

function snapshotOf(posted: readonly HostToWebview[]): SnapshotMessage {
  const s = posted.filter((m): m is SnapshotMessage => m.type === 'snapshot').at(-1);
  assert.ok(s, 'a snapshot was sent');
  return s;
}

describe('run panel host', () => {
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'bilevel-panel-'));
    const store = new RunStore(path.join(workspace, '.bilevel', 'runs'));
    const writer = store.create(CONFIG, { versions: {}, backend: WASM });
    writer.finish('completed');
    runId = writer.id;
    writeCheck(store.root, { schemaVersion: 1, id: runId, runId, createdAt: new Date().toISOString(), problem: 'toy-quadratic', method: 'rhg', options: {}, exact: true, check: CHECK });
    const plain = store.create({ ...CONFIG, methodOptions: { lowerSteps: 20, lowerLr: 0.1 } }, { versions: {} });
    plain.finish('completed');
    plainId = plain.id;
    stores = new RunStores(() => [workspace], () => DEFAULT_CONFIG);
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => {
    vscodeStub.reset();
    cancelAllCalls.length = 0;
    config = DEFAULT_CONFIG;
  });

  it('sends a stored run with its settings and its stored check, so both survive a reload', () => {
    const web = fakeWebviewPanel<HostToWebview>();
    new RunPanel(web.panel, [runId, plainId], 'compare', deps(), () => undefined);
    web.receive({ type: 'ready' });
    const [withCheck, plain] = snapshotOf(web.posted).runs;
    assert.deepEqual(withCheck!.settings, runSettings(CONFIG));
    assert.equal(withCheck!.settings!.lowerSteps, 10);
    assert.deepEqual(withCheck!.check, CHECK);
    assert.equal(plain!.check, undefined);
    assert.equal(plain!.settings!.lowerSteps, 20);
    web.dispose();
  });

  it("sends a stored run's backend from its run.json, and none for a record without one", () => {
    const web = fakeWebviewPanel<HostToWebview>();
    new RunPanel(web.panel, [runId, plainId], 'compare', deps(), () => undefined);
    web.receive({ type: 'ready' });
    const [withBackend, plain] = snapshotOf(web.posted).runs;
    assert.deepEqual(withBackend!.backend, WASM);
    assert.equal(withBackend!.requestedBackend, 'auto');
    assert.equal(plain!.backend, undefined);
    web.dispose();
  });

  it("sends a new snapshot with a live run's backend as soon as its worker is ready, before the run is recorded", () => {
    const fake = new FakeManager();
    const controller = new RunController(fake as unknown as RunManagerLike, () => 1000, () => 'auto');
    const live = controller.start({ problem: { kind: 'builtin', id: 'toy-quadratic', params: {} }, method: 'rhg', options: { iterations: 3 } }, path.join(workspace, 'elsewhere'));
    fake.activeNow(fake.handles[0]!);
    const web = fakeWebviewPanel<HostToWebview>();
    new RunPanel(web.panel, [live.runId], 'rhg', { ...deps(), controller }, () => undefined);
    web.receive({ type: 'ready' });
    const first = snapshotOf(web.posted).runs[0]!;
    assert.equal(first.backend, undefined, 'not before the worker said ready');
    assert.equal(first.requestedBackend, 'auto');
    (fake.handles[0] as { backend?: unknown }).backend = WASM;
    fake.activeNow(fake.handles[0]!);
    const second = snapshotOf(web.posted).runs[0]!;
    assert.deepEqual(second.backend, WASM);
    assert.deepEqual(liveView(live).backend, WASM);
    web.dispose();
    controller.dispose();
  });

  it('Cancel all cancels every run of the panel through the controller', () => {
    const web = fakeWebviewPanel<HostToWebview>();
    new RunPanel(web.panel, [runId, plainId], 'compare', deps(), () => undefined);
    web.receive({ type: 'cancelAll' });
    assert.deepEqual(cancelAllCalls, [[runId, plainId]]);
    web.dispose();
  });

  it('a click on the check runs bilevel.showCheckDetails with the run id, or says that it is missing', async () => {
    const commands = vscode.commands as unknown as { getCommands?: () => Promise<string[]>; executeCommand: (id: string, ...args: unknown[]) => Promise<unknown> };
    const args: unknown[][] = [];
    const original = commands.executeCommand;
    commands.executeCommand = (id: string, ...rest: unknown[]) => (args.push([id, ...rest]), Promise.resolve(undefined));
    try {
      const web = fakeWebviewPanel<HostToWebview>();
      new RunPanel(web.panel, [runId], 'one', deps(), () => undefined);
      commands.getCommands = () => Promise.resolve(['bilevel.runProblem']);
      web.receive({ type: 'showCheck', runId });
      await settle();
      assert.deepEqual(args, []);
      assert.match(vscodeStub.shown.join('\n'), /warning: .*bilevel\.showCheckDetails is not registered/);
      commands.getCommands = () => Promise.resolve(['bilevel.runProblem', SHOW_CHECK_DETAILS_COMMAND]);
      web.receive({ type: 'showCheck', runId });
      await settle();
      assert.deepEqual(args, [[SHOW_CHECK_DETAILS_COMMAND, runId]]);
      web.dispose();
    } finally {
      commands.executeCommand = original;
      delete commands.getCommands;
    }
  });

  it('reuses the panel of a problem file for its next single run, and opens a timed tab when reuse is off', () => {
    const window = vscode.window as unknown as { createWebviewPanel?: () => never };
    const made: ReturnType<typeof fakeWebviewPanel<HostToWebview>>[] = [];
    window.createWebviewPanel = () => {
      const web = fakeWebviewPanel<HostToWebview>();
      made.push(web);
      return web.panel;
    };
    try {
      const panels = new RunPanels(deps());
      const first = panels.openForProblem('/ws/lake.bilevel.ts#lake', [runId], 'rhg · lake.bilevel.ts');
      const second = panels.openForProblem('/ws/lake.bilevel.ts#lake', [plainId], 'cg · lake.bilevel.ts');
      assert.equal(second, first);
      assert.equal(made.length, 1);
      assert.deepEqual(first.ids, [plainId]);
      assert.equal(first.panel.title, 'cg · lake.bilevel.ts');
      // Another problem, or a comparison, gets a panel of its own; the comparison is not taken over later.
      const other = panels.openForProblem('/ws/other.bilevel.ts#default', [runId], 'rhg · other.bilevel.ts');
      assert.notEqual(other, first);
      const compare = panels.openForProblem('/ws/lake.bilevel.ts#lake', [runId, plainId], 'Compare');
      assert.notEqual(compare, first);
      assert.equal(panels.openForProblem('/ws/lake.bilevel.ts#lake', [runId], 'rhg'), first);
      // A closed panel is not reused.
      made[0]!.dispose();
      assert.notEqual(panels.openForProblem('/ws/lake.bilevel.ts#lake', [runId], 'rhg'), first);
      config = { ...DEFAULT_CONFIG, panel: { reuse: false } };
      const at = new Date(2026, 0, 2, 9, 5, 7);
      const a = panels.openForProblem('/ws/x.bilevel.ts#x', [runId], 'rhg · x.bilevel.ts', undefined, at);
      const b = panels.openForProblem('/ws/x.bilevel.ts#x', [plainId], 'rhg · x.bilevel.ts', undefined, at);
      assert.notEqual(a, b);
      assert.equal(a.panel.title, 'rhg · x.bilevel.ts · 09:05:07');
      panels.dispose();
    } finally {
      delete window.createWebviewPanel;
    }
  });
});

describe('run panel helpers', () => {
  it('parseWebviewMessage accepts cancelAll and showCheck with a run id, and refuses a bad run id', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'cancelAll', extra: 1 }), { ok: true, message: { type: 'cancelAll' } });
    const id = '20261122-195701-rhg-toy-quadratic-a1b2';
    assert.deepEqual(parseWebviewMessage({ type: 'showCheck', runId: id }), { ok: true, message: { type: 'showCheck', runId: id } });
    for (const runId of ['../x', 42, undefined, '']) {
      const r = parseWebviewMessage({ type: 'showCheck', runId });
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, /showCheck: runId/);
    }
  });

  it('a run not yet recorded shows its method and options as given', () => {
    assert.deepEqual(specSettings({ method: 'cg', options: { lowerSteps: 5, warmStart: true }, preset: 'p1' }), { method: 'cg', lowerSteps: 5, warmStart: true, preset: 'p1' });
  });

  it('marks runs whose time spans overlap as concurrent, and leaves queued and sequential runs alone', () => {
    const v = (runId: string, startedAt: number, endedAt: number | undefined, status: RunView['status'] = 'completed'): RunView => ({
      runId,
      label: runId,
      method: 'rhg',
      problem: 'p',
      status,
      iterations: 1,
      startedAt,
      ...(endedAt !== undefined ? { endedAt } : {}),
      records: [],
    });
    const marked = markOverlapping([v('a', 0, 10), v('b', 10, 20), v('c', 15, undefined, 'running'), v('q', 0, undefined, 'queued')], 100);
    assert.deepEqual(
      marked.map((r) => [r.runId, r.concurrent ?? false]),
      [
        ['a', false],
        ['b', true],
        ['c', true],
        ['q', false],
      ],
    );
    assert.deepEqual(markOverlapping([v('a', 0, 10), v('b', 10, 20)]).map((r) => r.concurrent ?? false), [false, false]);
    assert.equal(markOverlapping([{ ...v('a', 0, 10), concurrent: true }])[0]!.concurrent, true);
    // A live run keeps the controller's verdict (here: not concurrent), whatever the spans say.
    assert.deepEqual(markOverlapping([v('a', 0, 10), v('b', 5, 20)], 100, [true, false]).map((r) => r.concurrent ?? false), [false, true]);
  });

  it('keys the reusable panel by problem file (any export) or built-in id', () => {
    const file = (exportName?: string) => problemPanelKey({ kind: 'file', path: '/ws/lake.bilevel.ts', ...(exportName ? { exportName } : {}) });
    assert.equal(file('a'), file('b'));
    assert.equal(file(), file('a'));
    assert.notEqual(problemPanelKey({ kind: 'file', path: '/ws/other.bilevel.ts' }), file());
    assert.equal(problemPanelKey({ kind: 'builtin', id: 'toy-quadratic', params: {} }), 'builtin:toy-quadratic');
  });

  it('titles a new tab with the run and its start time', () => {
    assert.equal(panelTitleWithTime('rhg · lake.bilevel.ts', new Date(2026, 5, 1, 14, 3, 7)), 'rhg · lake.bilevel.ts · 14:03:07');
  });
});
