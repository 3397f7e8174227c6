// The experiment history view (`bilevel.history`): runs of the workspace's run stores grouped by
// problem, newest first, plus this window's queued runs. Follows tree-view-sample's
// nodeDependencies.ts (emitter + refresh(), one TreeItem class per node kind, contextValue matched
// by package.json menus). The data comes from the pure buildHistory() in historyModel.ts.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CHECK_FILE } from '../../store/checkStore';
import { RUN_FILE } from '../../store/runStore';
import { DisposableStore } from '../emitter';
import { buildHistory, type HistoryGroup, type HistoryRunItem, type LiveRunInfo, type StoredRun, type UnreadableRun } from './historyModel';
import type { HistorySweepItem } from './sweepModel';
import { SWEEPS_DIR, SWEEP_FILE } from '../../store/sweepStore';
import { Commands } from '../ids';
import type { RunController } from '../runs/runController';
import type { RunStores } from '../runs/runStores';

/** A problem with its runs. */
export class GroupNode extends vscode.TreeItem {
  constructor(readonly group: HistoryGroup) {
    super(group.label, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `group:${group.problem}`;
    this.description = group.description;
    this.tooltip = group.tooltip;
    this.iconPath = new vscode.ThemeIcon(group.problem.includes('#') ? 'file-code' : 'beaker');
    this.contextValue = group.contextValue;
  }

  /** The queued and running runs of this window in the group (what `bilevel.cancelAll` gets from its menu). */
  get runIds(): readonly string[] {
    return this.group.activeRunIds;
  }
}

/**
 * A sweep: one row with its progress ("3 of 12 done" and a bar), collapsed, its runs as children.
 * Clicking it opens the comparison of its runs (`bilevel.openSweep`); Cancel is `bilevel.cancelSweep`.
 */
export class SweepNode extends vscode.TreeItem {
  constructor(
    readonly sweep: HistorySweepItem,
    readonly parent: GroupNode,
  ) {
    super(sweep.label, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `sweep:${sweep.key}`;
    this.description = sweep.description;
    this.tooltip = sweep.tooltip;
    this.iconPath = new vscode.ThemeIcon(sweep.icon.id, sweep.icon.color ? new vscode.ThemeColor(sweep.icon.color) : undefined);
    this.contextValue = sweep.contextValue;
    this.command = { command: Commands.openSweep, title: 'Open Sweep', arguments: [this] };
  }

  /** Every run id of the sweep, in index order (what Compare Selected gets for this row). */
  get runIds(): readonly string[] {
    return this.sweep.runIds;
  }
}

/** One run (or a queued run of this window), under its problem or its sweep. */
export class RunNode extends vscode.TreeItem {
  constructor(
    readonly item: HistoryRunItem,
    readonly parent: GroupNode | SweepNode,
  ) {
    super(item.label, vscode.TreeItemCollapsibleState.None);
    this.id = `run:${item.key}`;
    this.description = item.description;
    this.tooltip = item.tooltip;
    this.iconPath = new vscode.ThemeIcon(item.icon.id, item.icon.color ? new vscode.ThemeColor(item.icon.color) : undefined);
    this.contextValue = item.contextValue;
    this.command = { command: Commands.openRun, title: 'Open Run', arguments: [this] };
  }

  /** The run id (a queued run's too). */
  get runOrHandle(): string {
    return this.item.runId ?? this.item.key;
  }

  /** Where the row sits, for pickers: its problem, or `<problem> › <sweep>`. */
  get place(): string {
    return this.parent instanceof SweepNode ? `${this.parent.parent.group.label} › ${this.parent.sweep.label}` : this.parent.group.label;
  }
}

/** Any node of the history tree. */
export type HistoryNode = GroupNode | SweepNode | RunNode;

/** Reads the stores on refresh (debounced); the tree itself never touches the disk. */
export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();
  private groups: GroupNode[] = [];
  private sweepNodes: SweepNode[] = [];
  private runs: RunNode[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private loaded = false;
  /** Unreadable run folders already reported, so the output channel says each once. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly stores: RunStores,
    private readonly controller: RunController,
    private readonly output: vscode.OutputChannel,
  ) {
    this.disposables.add(this.changed);
  }

  /**
   * Rebuilds the tree soon from what changed in the stores (several changes in a row make one
   * rebuild): only the runs and sweeps that file events named, new folders, and running runs are
   * re-read (RunStores' cache).
   */
  refresh(delayMs = 150): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.rebuild();
    }, delayMs);
  }

  /** Re-reads every run and sweep of the stores now (after a command changed a store, or the settings changed). */
  reload(): void {
    this.stores.invalidate();
    this.rebuild();
  }

  /** Rebuilds the tree from the stores, re-reading only what changed since the last build. */
  private rebuild(): void {
    const unreadable: UnreadableRun[] = [];
    const stored = this.stores.list((problem) => {
      unreadable.push({ id: problem.id, dir: problem.dir, storeDir: path.dirname(problem.dir), error: problem.error });
      if (this.reported.has(problem.dir)) return;
      this.reported.add(problem.dir);
      this.output.appendLine(`[history] skipped ${problem.dir}: ${problem.error}`);
    });
    const sweeps = this.stores.sweeps((problem) => {
      const key = `${problem.storeDir}/${SWEEPS_DIR}/${problem.id}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
      this.output.appendLine(`[history] skipped sweep ${problem.id} in ${problem.storeDir}: ${problem.error}`);
    });
    const storedIds = new Set(stored.map((s) => s.record.id));
    for (const s of stored) if (s.checkError !== undefined) this.reportCheckError(s);
    const groups = buildHistory(stored, this.liveInfo(storedIds), Date.now(), unreadable, sweeps, (id) => this.controller.get(id)?.status);
    this.groups = groups.map((g) => new GroupNode(g));
    this.sweepNodes = this.groups.flatMap((g) => g.group.sweeps.map((s) => new SweepNode(s, g)));
    this.runs = [
      ...this.sweepNodes.flatMap((s) => s.sweep.runs.map((r) => new RunNode(r, s))),
      ...this.groups.flatMap((g) => g.group.runs.map((r) => new RunNode(r, g))),
    ];
    this.loaded = true;
    this.changed.fire(undefined);
  }

  /** Says once in the output channel why a run's check.json could not be read (its row says it too). */
  private reportCheckError(s: StoredRun): void {
    const file = path.join(s.storeDir, s.record.id, CHECK_FILE);
    if (this.reported.has(file)) return;
    this.reported.add(file);
    this.output.appendLine(`[history] ${s.checkError ?? ''}`);
  }

  /**
   * The controller's live runs, with what only the host knows: a cancel in progress, when the worker
   * started, and whether the record of a running run has vanished (its folder was deleted).
   */
  private liveInfo(storedIds: ReadonlySet<string>): LiveRunInfo[] {
    return this.controller.liveInfo().map((info) => {
      const run = this.controller.get(info.runId);
      const cancelling = run?.cancelling === true;
      const recordMissing = info.recorded && !storedIds.has(info.runId) && run?.runDir !== undefined && !existsSync(path.join(run.runDir, RUN_FILE));
      return {
        ...info,
        ...(run?.startedAt !== undefined ? { startedAt: run.startedAt } : {}),
        ...(cancelling ? { cancelling } : {}),
        ...(recordMissing ? { recordMissing } : {}),
      };
    });
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    return node;
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    if (!this.loaded) this.reload();
    if (!node) return this.groups;
    if (node instanceof GroupNode) return [...this.sweepNodes.filter((s) => s.parent === node), ...this.runs.filter((r) => r.parent === node)];
    if (node instanceof SweepNode) return this.runs.filter((r) => r.parent === node);
    return [];
  }

  getParent(node: HistoryNode): HistoryNode | undefined {
    return node instanceof GroupNode ? undefined : node.parent;
  }

  /** Every sweep row. */
  allSweeps(): readonly SweepNode[] {
    if (!this.loaded) this.reload();
    return this.sweepNodes;
  }

  /** The row of a sweep id. */
  findSweep(id: string): SweepNode | undefined {
    return this.allSweeps().find((s) => s.sweep.key === id);
  }

  /** Every run row, sweeps' runs included (for pickers). */
  allRuns(): readonly RunNode[] {
    if (!this.loaded) this.reload();
    return this.runs;
  }

  /** The row of a run id. */
  find(id: string): RunNode | undefined {
    return this.allRuns().find((r) => r.item.runId === id || r.item.key === id);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.disposables.dispose();
  }
}

/**
 * Watches `<store>/<run>/run.json` in every runs folder (the workspace's and the extra stores of
 * `bilevel.history.extraStores`), so runs the CLI or a SLURM task writes show up without a reload:
 * each event tells the stores' cache which run or sweep to re-read, then `onChange` (a debounced
 * refresh) rebuilds the tree. Extra stores are also listed every {@link EXTRA_STORE_POLL_MS} ms,
 * because a shared file system (NFS) reports no events for files other hosts write; a listing reads
 * only the new folders and the running runs. Re-made when folders or settings change.
 */
export class RunStoreWatcher implements vscode.Disposable {
  private watchers = new DisposableStore();
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly stores: RunStores,
    private readonly onChange: () => void,
  ) {
    this.rewatch();
  }

  rewatch(): void {
    this.watchers.dispose();
    this.watchers = new DisposableStore();
    if (this.poll !== undefined) clearInterval(this.poll);
    this.poll = undefined;
    const dirs = this.stores.dirs();
    if (dirs.some((d) => d.extra)) this.poll = setInterval(this.onChange, EXTRA_STORE_POLL_MS);
    const changed = (uri: vscode.Uri): void => {
      this.stores.changed(uri.fsPath);
      this.onChange();
    };
    for (const { folder, storeDir, extra } of dirs) {
      const relative = path.relative(folder, storeDir);
      // Inside the folder: patterns relative to it (they work before the runs folder exists).
      const inside = !extra && relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
      const base = vscode.Uri.file(inside ? folder : storeDir);
      const prefix = inside ? `${relative.split(path.sep).join('/')}/` : '';
      // run.json is rewritten atomically at start, heartbeat and finish, meta.json at a rename or
      // note, check.json when a check is kept (by any process); metrics.jsonl (appended every ~100 ms)
      // is not watched, so a running run does not re-read the store all the time.
      const records = this.watchers.add(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, `${prefix}*/{run,meta,check}.json`)));
      this.watchers.add(records.onDidCreate(changed));
      this.watchers.add(records.onDidChange(changed));
      this.watchers.add(records.onDidDelete(changed));
      // A deleted run folder (`bilevel` CLI or a file manager) may be reported for the folder only.
      const folders = this.watchers.add(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, `${prefix}*`), true, true, false));
      this.watchers.add(folders.onDidDelete(changed));
      // A sweep made (or resumed) by `bilevel sweep` writes its sweep.json once: a new node at once.
      const sweeps = this.watchers.add(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, `${prefix}${SWEEPS_DIR}/*/${SWEEP_FILE}`)));
      this.watchers.add(sweeps.onDidCreate(changed));
      this.watchers.add(sweeps.onDidChange(changed));
      this.watchers.add(sweeps.onDidDelete(changed));
    }
  }

  dispose(): void {
    if (this.poll !== undefined) clearInterval(this.poll);
    this.watchers.dispose();
  }
}

/** How often the extra stores are listed besides their file events (a shared file system may send none). */
export const EXTRA_STORE_POLL_MS = 3000;
