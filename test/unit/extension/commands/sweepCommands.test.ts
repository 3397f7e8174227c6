// New Sweep, Open Sweep, Cancel Sweep and ⇄ Compare… over seeds, wired as in the extension (vscode
// stub, a fake RunManager under the real RunController, the real stores and history tree on a
// temporary workspace): the sweep's record and runs.jsonl, the runs started under its ids and tags,
// one node in the history with its progress, what Cancel reaches, and the prompts in their order.
import { vscodeStub } from '../vscodeStub';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import * as vscode from 'vscode';
import type { CommandContext } from '../../../../src/extension/commands/context';
import { idsOf } from '../../../../src/extension/commands/context';
import { compareSelected } from '../../../../src/extension/commands/historyCommands';
import { newSweep, type StartedSweep } from '../../../../src/extension/commands/newSweep';
import { compareMethods } from '../../../../src/extension/commands/runCommands';
import { cancelSweep, openSweep } from '../../../../src/extension/commands/sweepCommands';
import { DEFAULT_CONFIG, type BilevelConfig } from '../../../../src/extension/config';
import { RunController, type RunManagerLike } from '../../../../src/extension/runs/runController';
import type { RunHandle } from '../../../../src/extension/runs/runManager';
import { RunStores, runByThisProcess } from '../../../../src/extension/runs/runStores';
import { GroupNode, HistoryTreeProvider, RunNode, SweepNode } from '../../../../src/extension/views/historyTree';
import type { SweepRecord } from '../../../../src/protocol/sweep';
import { RunStore } from '../../../../src/store/runStore';
import { CANCEL_FILE, RUNS_JSONL, SweepStore } from '../../../../src/store/sweepStore';
import { FakeManager } from '../../helpers/fakeRunManager';

/** A panel as the commands see it: its runs, and what replaced them. */
interface FakePanel {
  ids: string[];
  title: string;
  replace(ids: readonly string[], title: string): void;
}

const CONFIG: BilevelConfig = { ...DEFAULT_CONFIG, runs: { ...DEFAULT_CONFIG.runs, confirmAboveSeconds: 0 } };

let workspace = '';
let storeDir = '';

/** A fresh extension: manager, controller, history, panels, on the workspace. */
function extension(config: BilevelConfig = CONFIG): { ctx: CommandContext; manager: FakeManager; history: HistoryTreeProvider; opened: FakePanel[] } {
  const manager = new FakeManager((n) => `L${n}`);
  const controller = new RunController(manager as unknown as RunManagerLike);
  const stores = new RunStores(() => [workspace], () => config);
  const output = { appendLine: () => undefined, append: () => undefined, show: () => undefined };
  const history = new HistoryTreeProvider(stores, controller, output as never);
  const opened: FakePanel[] = [];
  const open = (ids: readonly string[], title: string): FakePanel => {
    const panel: FakePanel = {
      ids: [...ids],
      title,
      replace(next, t) {
        panel.ids = [...next];
        panel.title = t;
      },
    };
    opened.push(panel);
    return panel;
  };
  const panels = { open, openForProblem: (_key: string, ids: readonly string[], title: string) => open(ids, title), all: () => opened };
  const ctx = { extension: {}, controller, stores, panels, history, diagnostics: { clear: () => undefined, set: () => undefined }, output, config: () => config };
  return { ctx: ctx as unknown as CommandContext, manager, history, opened };
}

/** The one sweep node of the history, refreshed. */
function sweepNode(history: HistoryTreeProvider): SweepNode {
  history.reload();
  const groups = history.getChildren() as GroupNode[];
  const nodes = groups.flatMap((g) => history.getChildren(g)).filter((n): n is SweepNode => n instanceof SweepNode);
  assert.equal(nodes.length, 1, 'one sweep node');
  return nodes[0]!;
}

/** The manager's run `handle` ran to `status`. */
function finish(manager: FakeManager, handle: RunHandle, status: 'completed' | 'failed'): void {
  manager.activeNow(handle);
  manager.finished.fire({ handle, result: { status, warnings: [] } });
}

describe('New Sweep', () => {
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'bilevel-sweep-cmd-'));
    storeDir = path.join(workspace, '.bilevel', 'runs');
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => {
    vscodeStub.reset();
    vscodeStub.folder = workspace;
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('records the sweep as `bilevel sweep` does and starts each run under its id and sweep tag, in one group', async () => {
    const { ctx, manager, opened } = extension();
    const started = (await newSweep(ctx)('toy-ufom', undefined, { methods: ['fom', 'ufom'], seeds: '0-1', grid: 'q=0.1,0.5' })) as StartedSweep;
    assert.equal(started.handles.length, 6);
    const sweeps = new SweepStore(storeDir);
    const record = sweeps.read(started.sweepId);
    assert.deepEqual(
      record.runs.map((r) => r.runId),
      started.handles,
    );
    assert.deepEqual(record.spec.grid, [{ flag: 'q', values: [0.1, 0.5] }]);
    assert.equal(runByThisProcess(record), true, 'this process is its execution');
    assert.deepEqual(record.executions?.[0]?.indices, [0, 1, 2, 3, 4, 5]);
    const lines = readFileSync(sweeps.runsJsonlOf(started.sweepId), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(path.basename(sweeps.runsJsonlOf(started.sweepId)), RUNS_JSONL);
    manager.handles.forEach((handle, i) => {
      assert.equal(handle.runId, lines[i]!.runId);
      assert.deepEqual(manager.sweeps[i], { id: started.sweepId, index: i });
      assert.deepEqual(handle.spec, { problem: lines[i]!.problem, method: lines[i]!.method, options: lines[i]!.options, name: lines[i]!.name });
    });
    assert.deepEqual(
      manager.handles.map((h) => [h.spec.method, h.spec.options.seed, h.spec.options.q]),
      [
        ['fom', 0, undefined],
        ['fom', 1, undefined],
        ['ufom', 0, 0.1],
        ['ufom', 1, 0.1],
        ['ufom', 0, 0.5],
        ['ufom', 1, 0.5],
      ],
    );
    assert.equal(new Set(manager.groups).size, 1, 'one comparison group');
    assert.equal(manager.groups[0], `sweep-${started.sweepId}`);
    assert.equal(opened.length, 1);
    assert.deepEqual(opened[0]!.ids, started.handles);
  });

  it('shows one history node with n of N done and its runs as children; Cancel stops every unfinished run of it', async () => {
    const { ctx, manager, history } = extension();
    const started = (await newSweep(ctx)('toy-ufom', undefined, { methods: ['fom'], seeds: '0-3' })) as StartedSweep;
    let node = sweepNode(history);
    assert.equal(node.label, 'Sweep fom × seeds 0-3');
    assert.equal(node.description, 'queued · 0 of 4 done ░░░░░░░░░░');
    assert.equal(node.contextValue, 'bilevelSweep.queued');
    assert.deepEqual(
      (history.getChildren(node) as RunNode[]).map((r) => r.runOrHandle),
      started.handles,
    );
    // No loose row of the problem for its runs.
    assert.deepEqual(
      history.getChildren(node.parent).filter((n) => n instanceof RunNode),
      [],
    );
    finish(manager, manager.handles[0]!, 'completed');
    manager.activeNow(manager.handles[1]!);
    node = sweepNode(history);
    assert.equal(node.description, 'running · 1 of 4 done ██░░░░░░░░');
    assert.equal(node.contextValue, 'bilevelSweep.running');
    const cancelled = await cancelSweep(ctx)(node);
    assert.equal(cancelled, 3);
    // Queued runs first, so the slot the running one frees never starts them.
    assert.deepEqual(manager.cancelled, [started.handles[2], started.handles[3], started.handles[1]]);
  });

  it('records a cancel of its queued runs (cancel.json), so after a reload the history reads it cancelled, not partial', async () => {
    const { ctx, manager, history } = extension();
    const started = (await newSweep(ctx)('toy-ufom', undefined, { methods: ['fom'], seeds: '0-3' })) as StartedSweep;
    const sweeps = new SweepStore(storeDir);
    // Run 0 ran to the end (its worker wrote its record); runs 1-3 wait in the queue and have none.
    new RunStore(storeDir)
      .create({ problem: 'toy-ufom', problemParams: {}, method: 'fom', methodOptions: { seed: 0 }, iterations: 2, seed: 0, backend: 'cpu', sweep: { id: started.sweepId, index: 0 } }, { versions: {}, id: started.handles[0]! })
      .finish('completed');
    finish(manager, manager.handles[0]!, 'completed');
    assert.equal(sweeps.readCancel(started.sweepId), undefined, 'nothing recorded before the cancel');
    const before = Date.now();
    assert.equal(await cancelSweep(ctx)(sweepNode(history)), 3);
    const cancel = sweeps.readCancel(started.sweepId);
    assert.ok(cancel !== undefined, 'the cancel is recorded');
    assert.equal(cancel.executions, 1, 'it covers the one execution, this window');
    assert.ok(Date.parse(cancel.cancelledAt) >= before - 1000 && Date.parse(cancel.cancelledAt) <= Date.now() + 1000, cancel.cancelledAt);
    // A reload: the window's extension host is another process now (its execution's pid is gone) and
    // no run of it is live; the queued runs never wrote a record.
    const record = sweeps.read(started.sweepId);
    sweeps.writeRecord({ ...record, executions: record.executions!.map((e) => ({ ...e, pid: 4_194_303 })) });
    const reloaded = sweepNode(extension().history);
    assert.equal(reloaded.description, 'cancelled · 4 of 4 done ██████████');
    assert.equal(reloaded.contextValue, 'bilevelSweep.cancelled');
    assert.match(String(reloaded.tooltip), /completed 1, cancelled 3/);
    // Without the record the same store reads partial (one completed, three never started).
    rmSync(path.join(sweeps.dirOf(started.sweepId), CANCEL_FILE));
    assert.equal(sweepNode(extension().history).description, 'partial · 1 of 4 done ██░░░░░░░░');
  });

  it('records no cancel when Cancel found nothing of the window to stop', async () => {
    const { ctx, manager, history } = extension();
    const started = (await newSweep(ctx)('toy-ufom', undefined, { methods: ['fom'], seeds: '0-1' })) as StartedSweep;
    for (const handle of manager.handles) finish(manager, handle, 'completed');
    assert.equal(await cancelSweep(ctx)(sweepNode(history)), 0);
    assert.equal(new SweepStore(storeDir).readCancel(started.sweepId), undefined);
  });

  it('opens the comparison of all its runs from its node, and Compare Selected on the node does the same', async () => {
    const { ctx, history, opened } = extension();
    const started = (await newSweep(ctx)('toy-ufom', undefined, { methods: ['fom', 'ufom'], seeds: [3, 5] })) as StartedSweep;
    const node = sweepNode(history);
    assert.equal(await openSweep(ctx)(node), true);
    assert.deepEqual(opened.at(-1)!.ids, started.handles);
    assert.deepEqual(idsOf(node, [node]), started.handles);
    assert.equal(await compareSelected(ctx)(node, [node]), true);
    assert.deepEqual(opened.at(-1)!.ids, started.handles);
  });

  it('compares runs of several seeds selected in the history in one panel', async () => {
    const { ctx, history, opened } = extension();
    const started = (await newSweep(ctx)('toy-ufom', undefined, { methods: ['fom'], seeds: '0-2' })) as StartedSweep;
    const rows = history.getChildren(sweepNode(history)) as RunNode[];
    assert.equal(await compareSelected(ctx)(rows[0], [rows[0], rows[2]]), true);
    assert.deepEqual(opened.at(-1)!.ids, [started.handles[0], started.handles[2]]);
  });

  it('refuses bad answers given as arguments with a message naming what is wrong, and starts nothing', async () => {
    const { ctx, manager } = extension();
    assert.equal(await newSweep(ctx)('toy-ufom', undefined, { methods: ['rhg'], seeds: '0-1', grid: 'q=0.1' }), undefined);
    assert.equal(manager.handles.length, 0);
    assert.match(vscodeStub.shown.at(-1)!, /^error: New Sweep: q=0\.1: none of the methods \(rhg\) takes --q/);
  });

  it('asks methods, seeds and grid in that order, checking each as typed', async () => {
    const { ctx, manager } = extension();
    const window = vscode.window as unknown as Record<string, unknown>;
    const original = { pick: window.showQuickPick, input: window.showInputBox };
    const asked: string[] = [];
    const validation: Record<string, unknown> = {};
    window.showQuickPick = (items: readonly { label: string; method?: string; problem?: unknown }[], options: { placeHolder: string; canPickMany?: boolean }) => {
      asked.push(`pick: ${options.placeHolder}`);
      if (options.canPickMany) {
        assert.ok(!items.some((i) => /Check each hypergradient/.test(i.label)), 'a sweep offers no check row');
        return Promise.resolve(items.filter((i) => i.method === 'fom' || i.method === 'ufom'));
      }
      return Promise.resolve(items.find((i) => i.label.includes('toy-ufom')));
    };
    window.showInputBox = (options: { title: string; placeHolder: string; value: string; validateInput: (v: string) => unknown }) => {
      asked.push(`input: ${options.title} (${options.placeHolder}) [${options.value}]`);
      if (options.title === 'New Sweep: seeds') {
        validation.seedsBad = options.validateInput('4-2');
        validation.seedsGood = options.validateInput('0-1');
        return Promise.resolve('0-1');
      }
      validation.gridBad = options.validateInput('K=0');
      validation.gridGood = options.validateInput('q=0.1,0.5');
      return Promise.resolve('q=0.1,0.5');
    };
    try {
      const started = (await newSweep(ctx)()) as StartedSweep;
      assert.equal(started.handles.length, 6);
    } finally {
      window.showQuickPick = original.pick;
      window.showInputBox = original.input;
    }
    assert.deepEqual(asked, [
      'pick: Problem to sweep',
      'pick: New Sweep: methods to run (select one or more)',
      'input: New Sweep: seeds (e.g. 0-4 or 1,3,5) [0-4]',
      'input: New Sweep: grid (e.g. K=10,20 inner-lr=0.1,0.3 (empty: no grid)) []',
    ]);
    assert.match(String(validation.seedsBad), /the range 4-2 descends/);
    assert.equal(validation.seedsGood, undefined);
    assert.match(String(validation.gridBad), /--K \(lowerSteps\) must be ≥ 1, got 0/);
    assert.deepEqual(validation.gridGood, { message: '6 runs: fom 2 seeds (q not taken); ufom 2 grid points × 2 seeds', severity: 1 });
    assert.equal(manager.handles.length, 6);
  });
});

describe('a sweep of another process (bilevel sweep)', () => {
  let record: SweepRecord;
  let firstRun = '';
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'bilevel-sweep-cli-'));
    storeDir = path.join(workspace, '.bilevel', 'runs');
    const runs = new RunStore(storeDir);
    firstRun = '20261206-030000-fom-toy-ufom-0001';
    const sweepId = '20261206-030000-sweep-toy-ufom-ab12';
    const w = runs.create(
      { problem: 'toy-ufom', problemParams: {}, method: 'fom', methodOptions: { seed: 0 }, iterations: 2, seed: 0, backend: 'cpu', sweep: { id: sweepId, index: 0 } },
      { versions: {}, id: firstRun },
    );
    w.finish('completed');
    record = {
      schemaVersion: 1,
      id: sweepId,
      createdAt: '2026-12-06T03:00:00.000Z',
      spec: { problem: { kind: 'builtin', id: 'toy-ufom', params: {} }, methods: ['fom'], seeds: [0, 1], grid: [] },
      runs: [0, 1].map((i) => ({ index: i, method: 'fom', seed: i, options: { seed: i }, gridPoint: {}, dropped: [], runId: i === 0 ? firstRun : '20261206-030000-fom-toy-ufom-0002' })),
      // Its pool runs on this host under a pid that is not this process.
      executions: [{ kind: 'local', startedAt: '2026-12-06T03:00:00.000Z', indices: [0, 1], pid: process.ppid, hostname: os.hostname() }],
    };
    new SweepStore(storeDir).create(record, '');
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => {
    vscodeStub.reset();
    vscodeStub.folder = workspace;
  });

  it('shows its progress from the store and says Cancel cannot reach it', async () => {
    const { ctx, manager, history } = extension();
    const node = sweepNode(history);
    assert.equal(node.description, 'running · 1 of 2 done █████░░░░░');
    assert.equal(node.contextValue, 'bilevelSweep.running');
    assert.equal(await cancelSweep(ctx)(node), 0);
    assert.deepEqual(manager.cancelled, []);
    assert.match(vscodeStub.shown.at(-1)!, /^info: Sweep 'Sweep fom × seeds 0,1' is run by another process \(bilevel sweep\), not by this window, so it cannot be cancelled from here/);
  });

  it('opens the runs that started, and adds a run to the open panel when it starts', async () => {
    const { ctx, history, opened } = extension();
    assert.equal(await openSweep(ctx)(record.id), true);
    assert.deepEqual(opened.at(-1)!.ids, [firstRun]);
    new RunStore(storeDir).create(
      { problem: 'toy-ufom', problemParams: {}, method: 'fom', methodOptions: { seed: 1 }, iterations: 2, seed: 1, backend: 'cpu', sweep: { id: record.id, index: 1 } },
      { versions: {}, id: record.runs[1]!.runId },
    );
    history.reload();
    assert.deepEqual(opened.at(-1)!.ids, [firstRun, record.runs[1]!.runId]);
  });
});

describe('Compare over seeds', () => {
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'bilevel-compare-seeds-'));
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => {
    vscodeStub.reset();
    vscodeStub.folder = workspace;
  });

  it('runs each method once on the same seed by default, as before', async () => {
    const { ctx, manager, opened } = extension();
    const result = await compareMethods(ctx)('toy-quadratic', undefined, ['rhg', 'cg'], { options: { seed: 2 } });
    assert.equal(result?.handles.length, 2);
    assert.deepEqual(
      manager.handles.map((h) => [h.spec.method, h.spec.options.seed, h.spec.name]),
      [
        ['rhg', 2, undefined],
        ['cg', 2, undefined],
      ],
    );
    assert.deepEqual(opened.at(-1)!.ids, result!.handles);
  });

  it('runs method × seed in one group and one panel with more seeds (argument, else the setting)', async () => {
    const { ctx, manager, opened } = extension();
    const result = await compareMethods(ctx)('toy-quadratic', undefined, ['rhg', 'cg'], { seeds: 3 });
    assert.equal(result?.handles.length, 6);
    assert.deepEqual(
      manager.handles.map((h) => `${h.spec.method}:${String(h.spec.options.seed)}`),
      ['rhg:0', 'rhg:1', 'rhg:2', 'cg:0', 'cg:1', 'cg:2'],
    );
    assert.equal(new Set(manager.groups).size, 1);
    assert.deepEqual(opened.at(-1)!.ids, result!.handles);
    const fromSetting = extension({ ...CONFIG, compare: { seeds: 2 } });
    await compareMethods(fromSetting.ctx)('toy-quadratic', undefined, ['fom']);
    assert.deepEqual(
      fromSetting.manager.handles.map((h) => h.spec.options.seed),
      [0, 1],
    );
  });

  it('asks the seeds after the methods and before the options box; a click on the first row takes the setting', async () => {
    const { ctx, manager } = extension({ ...CONFIG, compare: { seeds: 3 } });
    const window = vscode.window as unknown as Record<string, unknown>;
    const original = { pick: window.showQuickPick, input: window.showInputBox };
    const asked: string[] = [];
    window.showQuickPick = (items: readonly { label: string; method?: string }[], options: { placeHolder: string; canPickMany?: boolean }) => {
      asked.push(options.placeHolder);
      if (options.canPickMany) return Promise.resolve(items.filter((i) => i.method === 'rhg' || i.method === 'fom'));
      asked.push(items.map((i) => i.label).join(' | '));
      return Promise.resolve(items[0]);
    };
    window.showInputBox = (options: { title: string }) => {
      asked.push(options.title);
      return Promise.resolve('');
    };
    try {
      await compareMethods(ctx)('toy-quadratic');
    } finally {
      window.showQuickPick = original.pick;
      window.showInputBox = original.input;
    }
    assert.deepEqual(asked, [
      'Methods to compare on the same seed (select several)',
      'Seeds per method: each method runs once per seed; the seeds of a method are drawn as one band',
      '3 seeds | 1 seed | 5 seeds | 10 seeds | Other number of seeds…',
      'Compare Methods: options',
    ]);
    assert.deepEqual(
      manager.handles.map((h) => `${h.spec.method}:${String(h.spec.options.seed)}`),
      ['rhg:0', 'rhg:1', 'rhg:2', 'fom:0', 'fom:1', 'fom:2'],
    );
  });
});
