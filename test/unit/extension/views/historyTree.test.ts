// The history tree on a real store (host code on the vscode stub): a stored check marks its row, a
// cancel in progress and a deleted run folder read as such, a group with this window's unfinished
// runs offers Cancel all with exactly those runs; Export CSV of several rows; Open Run of a deleted run;
// Rename prefilled with the run's label; an unreadable run folder shown and deleted by its row.
import { vscodeStub, Uri } from '../vscodeStub';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import * as vscode from 'vscode';
import { exportCsv } from '../../../../src/extension/commands/exportCommands';
import { deleteRun, openRun, renameRun } from '../../../../src/extension/commands/historyCommands';
import { idsOf, type CommandContext } from '../../../../src/extension/commands/context';
import { DEFAULT_CONFIG } from '../../../../src/extension/config';
import type { LiveRun, RunController } from '../../../../src/extension/runs/runController';
import { RunStores } from '../../../../src/extension/runs/runStores';
import { GroupNode, HistoryTreeProvider, RunNode } from '../../../../src/extension/views/historyTree';
import type { LiveRunInfo } from '../../../../src/extension/views/historyModel';
import type { IterationRecord } from '../../../../src/protocol/metrics';
import type { RunConfig } from '../../../../src/protocol/runRecord';
import { writeCheck } from '../../../../src/store/checkStore';
import { RUN_FILE, RunStore } from '../../../../src/store/runStore';

const CONFIG: RunConfig = { problem: 'toy-quadratic', problemParams: { n: 4 }, method: 'rhg', methodOptions: { K: 10, iterations: 2, seed: 0 }, iterations: 2, seed: 0, backend: 'cpu' };

function iteration(t: number): IterationRecord {
  return { iteration: t, upperLoss: 1 / (t + 1), lowerLoss: 0.5, hypergradNorm: 0.1, lowerStationarity: 1e-6, forwardMs: 1, backwardMs: 2, gradientEvals: t, hvpEvals: 0, numTensors: 3, numBytes: 12, stats: {} };
}

let workspace = '';
let storeDir = '';
let stores: RunStores;
const ids = { checked: '', cg: '', cancelling: '', deleted: '' };
const QUEUED = '20261206-030000-fom-toy-quadratic-beef';

/** A controller with the live runs the test describes (only what the tree and the commands read). */
function controller(): RunController {
  const live = (runId: string, extra: Partial<LiveRun>): LiveRun => ({ runId, storeDir, recorded: true, status: 'running', queuedAt: Date.now() - 5000, spec: { method: 'rhg' }, ...extra }) as unknown as LiveRun;
  const runs = new Map<string, LiveRun>([
    [ids.cancelling, live(ids.cancelling, { cancelling: true, runDir: path.join(storeDir, ids.cancelling) })],
    [ids.deleted, live(ids.deleted, { runDir: path.join(storeDir, ids.deleted), startedAt: Date.now() - 1000 })],
    [QUEUED, live(QUEUED, { recorded: false, status: 'queued' })],
  ]);
  const info = (r: LiveRun): LiveRunInfo => ({ runId: r.runId, recorded: r.recorded, storeDir, problem: 'toy-quadratic', method: 'rhg', status: r.status === 'queued' ? 'queued' : 'running', done: 1, total: 2, queuedAt: r.queuedAt });
  return { get: (id: string) => runs.get(id), liveInfo: () => [...runs.values()].map(info) } as unknown as RunController;
}

function context(history: HistoryTreeProvider, opened: string[][]): CommandContext {
  return {
    controller: controller(),
    stores,
    history,
    panels: { open: (runIds: string[]) => opened.push(runIds) },
    output: { appendLine: () => undefined },
  } as unknown as CommandContext;
}

describe('history tree on a store', () => {
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'bilevel-history-'));
    stores = new RunStores(() => [workspace], () => DEFAULT_CONFIG);
    storeDir = stores.storeDirFor(workspace);
    const store = new RunStore(storeDir);
    const make = (config: RunConfig, finish: boolean): string => {
      const w = store.create(config, { versions: {} });
      w.append([iteration(0), iteration(1)]);
      if (finish) w.finish('completed');
      return w.id;
    };
    ids.checked = make(CONFIG, true);
    ids.cg = make({ ...CONFIG, method: 'cg', methodOptions: { K: 5, cgIterations: 8, iterations: 2, seed: 0 } }, true);
    ids.cancelling = make(CONFIG, false);
    ids.deleted = make(CONFIG, false);
    writeCheck(storeDir, { schemaVersion: 1, id: ids.checked, runId: ids.checked, createdAt: '2026-12-06T03:00:00Z', problem: 'toy-quadratic', method: 'rhg', options: {}, exact: true, check: { verdict: 'pass', maxRelativeError: 1e-6, relativeErrorVsRhg: 0 } });
    // The folder of a running run removed behind its back: run.json is gone.
    unlinkSync(path.join(storeDir, ids.deleted, RUN_FILE));
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => vscodeStub.reset());

  it('marks checked, cancelling and deleted runs, and gives the group its unfinished runs for Cancel all', () => {
    const tree = new HistoryTreeProvider(stores, controller(), { appendLine: () => undefined } as never);
    const [group, ...others] = tree.getChildren() as GroupNode[];
    assert.equal(others.length, 0);
    assert.equal(group!.contextValue, 'bilevelGroup.active');
    assert.deepEqual([...group!.runIds].sort(), [ids.cancelling, ids.deleted, QUEUED].sort());
    assert.deepEqual(idsOf(group, undefined).sort(), [...group!.runIds].sort(), 'a group node stands for its unfinished runs');
    const rows = new Map((tree.getChildren(group) as RunNode[]).map((n) => [n.item.key, n]));
    assert.match(String(rows.get(ids.checked)!.description), / · ✓ check$/);
    assert.equal(rows.get(ids.checked)!.contextValue, 'bilevelRun.completed.check');
    assert.equal(rows.get(ids.cg)!.contextValue, 'bilevelRun.completed');
    assert.equal(rows.get(ids.cancelling)!.description, 'cancelling…');
    assert.match(String(rows.get(ids.deleted)!.description), /run folder deleted$/);
    assert.equal(rows.get(QUEUED)!.description, 'queued');
    assert.match(String(rows.get(ids.cg)!.tooltip), /^ {2}cgIterations = 8$/m);
  });

  it('exports several selected runs into one CSV named after them, with their settings', async () => {
    const tree = new HistoryTreeProvider(stores, controller(), { appendLine: () => undefined } as never);
    const ctx = context(tree, []);
    const [a, b] = [tree.find(ids.checked)!, tree.find(ids.cg)!];
    const target = Uri.file(path.join(workspace, 'out.csv'));
    const uri = await exportCsv(ctx)(a, [a, b], target);
    assert.equal(uri?.fsPath, target.fsPath);
    const [header, ...rows] = readFileSync(target.fsPath, 'utf8').trimEnd().split('\r\n');
    const columns = header!.split(',');
    assert.deepEqual(columns.slice(0, 3), ['run_id', 'name', 'method']);
    assert.ok(columns.includes('K') && columns.includes('cgIterations') && columns.includes('problem.n'), header);
    assert.deepEqual(rows.map((r) => r.split(',')[0]).sort(), [ids.checked, ids.checked, ids.cg, ids.cg].sort());
    // From the palette (a save dialog): the default file is named after the runs.
    let defaultUri: Uri | undefined;
    const window = vscode.window as unknown as { showSaveDialog: (o: { defaultUri: Uri }) => Promise<Uri | undefined> };
    const original = window.showSaveDialog;
    window.showSaveDialog = (o) => {
      defaultUri = o.defaultUri;
      return Promise.resolve(undefined);
    };
    try {
      await exportCsv(ctx)([ids.checked, ids.cg]);
    } finally {
      window.showSaveDialog = original;
    }
    assert.match(path.basename(defaultUri!.fsPath), /^rhg-cg-toy-quadratic-\d{4}-\d\d-\d\d\.csv$/);
  });

  it('says a deleted run was deleted instead of opening an empty panel', async () => {
    const opened: string[][] = [];
    const tree = new HistoryTreeProvider(stores, controller(), { appendLine: () => undefined } as never);
    const ctx = context(tree, opened);
    assert.equal(await openRun(ctx)('20261206-010101-rhg-toy-quadratic-dead'), false);
    assert.deepEqual(opened, []);
    assert.match(vscodeStub.shown.at(-1)!, /^error: Run 20261206-010101-rhg-toy-quadratic-dead was deleted/);
    assert.equal(await openRun(ctx)(ids.checked), true);
    assert.deepEqual(opened, [[ids.checked]]);
  });

  it('prefills the rename prompt with the run\u2019s name, else its label, and keeps no name when that is accepted as is', async () => {
    const tree = new HistoryTreeProvider(stores, controller(), { appendLine: () => undefined } as never);
    const ctx = context(tree, []);
    const window = vscode.window as unknown as { showInputBox: (o: { value?: string }) => Promise<string | undefined> };
    const original = window.showInputBox;
    const prefilled: (string | undefined)[] = [];
    let answer: string | undefined;
    window.showInputBox = (o) => {
      prefilled.push(o.value);
      return Promise.resolve(answer);
    };
    try {
      answer = 'cg';
      assert.equal(await renameRun(ctx)(ids.cg), false, 'the method accepted unchanged is no new name');
      answer = 'baseline';
      assert.equal(await renameRun(ctx)(ids.cg), true);
      answer = undefined;
      await renameRun(ctx)(ids.cg);
    } finally {
      window.showInputBox = original;
    }
    assert.deepEqual(prefilled, ['cg', 'cg', 'baseline']);
    assert.equal(new RunStore(storeDir).read(ids.cg).name, 'baseline');
  });

  it('shows a run folder without run.json as unreadable, and deletes it from its row', async () => {
    const orphan = '20261206-020202-rhg-toy-quadratic-0bad';
    mkdirSync(path.join(storeDir, orphan), { recursive: true });
    const tree = new HistoryTreeProvider(stores, controller(), { appendLine: () => undefined } as never);
    const groups = tree.getChildren() as GroupNode[];
    const last = groups.at(-1)!;
    assert.equal(last.label, 'unreadable run folders');
    const row = (tree.getChildren(last) as RunNode[]).find((n) => n.item.key === orphan)!;
    assert.deepEqual([row.description, row.contextValue], ['run.json missing', 'bilevelUnreadable']);
    assert.ok(!(tree.getChildren(last) as RunNode[]).some((n) => n.item.key === ids.deleted), 'the folder of a live run is not listed as unreadable');
    assert.equal(await deleteRun(context(tree, []))(row, { confirmed: true }), 1);
    assert.ok(!existsSync(path.join(storeDir, orphan)));
    assert.ok(!(tree.getChildren() as GroupNode[]).some((g) => g.label === 'unreadable run folders'));
  });
});
