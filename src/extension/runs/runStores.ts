// The run stores of the open workspace folders (one `.bilevel/runs` per folder, or wherever
// `bilevel.runs.storeLocation` points) and the extra runs folders of `bilevel.history.extraStores`
// (a shared store a SLURM sweep writes into), and the panel's view of a stored run. vscode-free: the
// folders and settings come in as functions. Listing goes through a StoreCache, so a refresh re-reads
// only the runs and sweeps that changed.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runLabelOf, type RunRecord } from '../../protocol/runRecord';
import { runSettings } from '../../protocol/runSettings';
import type { CheckView, RunView } from '../../protocol/webview';
import { readRunCheck } from '../../store/checkStore';
import { RunStore, type RunStoreProblem } from '../../store/runStore';
import type { SweepRecord, SweepRunState } from '../../protocol/sweep';
import type { SweepInfo } from '../views/sweepModel';
import { poolAlive } from '../../store/sweepStore';
import * as os from 'node:os';
import { storeDirFor, type BilevelConfig } from '../config';
import type { StoredRun } from '../views/historyModel';
import { problemDisplayName } from '../../common/problemId';
import { resolveExtraStores } from './extraStores';
import { StoreCache } from './storeCache';
import { storeChangeOf } from './storeEvents';

/** A run found in one of the stores. */
export interface FoundRun {
  readonly store: RunStore;
  readonly storeDir: string;
  /** The workspace folder the store belongs to. */
  readonly folder: string;
  readonly record: RunRecord;
}

/** A runs folder the history shows: a workspace folder's, or an extra one of `bilevel.history.extraStores`. */
export interface StoreDir {
  /** The workspace folder it belongs to; for an extra store, the folder above its `.bilevel/runs` (or its parent). */
  readonly folder: string;
  readonly storeDir: string;
  /** True for a folder of `bilevel.history.extraStores`. */
  readonly extra?: true;
}

/** The stores of every workspace folder, and the extra stores of the settings. */
export class RunStores {
  private readonly cache = new Map<string, RunStore>();
  private readonly records: StoreCache;

  constructor(
    private readonly folders: () => readonly string[],
    private readonly config: () => BilevelConfig,
    private readonly home: string = os.homedir(),
    records: StoreCache = new StoreCache(),
  ) {
    this.records = records;
  }

  /** Every runs folder: the workspace folders' (one each; shared ones once), then the extra stores. */
  dirs(): StoreDir[] {
    const seen = new Set<string>();
    const out: StoreDir[] = [];
    const folders = this.folders();
    for (const folder of folders) {
      const storeDir = storeDirFor(folder, this.config());
      if (seen.has(storeDir)) continue;
      seen.add(storeDir);
      out.push({ folder, storeDir });
    }
    for (const storeDir of resolveExtraStores(this.config().history.extraStores, folders, this.home, [...seen])) {
      out.push({ folder: ownerFolderOf(storeDir), storeDir, extra: true });
    }
    return out;
  }

  /** Notes a file event at `file` (a run.json, a sweep.json, a run folder…): what it names is re-read at the next listing. */
  changed(file: string): void {
    const change = storeChangeOf(
      this.dirs().map((d) => d.storeDir),
      file,
    );
    if (change) this.records.changed(change);
  }

  /** Makes the next listing re-read every file (after a command changed the store itself, or the settings changed). */
  invalidate(): void {
    this.records.clear();
  }

  /** The runs folder for runs of `folder` (a workspace folder). */
  storeDirFor(folder: string): string {
    return storeDirFor(folder, this.config());
  }

  /** The store of a runs folder (cached). */
  store(storeDir: string): RunStore {
    let store = this.cache.get(storeDir);
    if (!store) {
      store = new RunStore(storeDir);
      this.cache.set(storeDir, store);
    }
    return store;
  }

  /** Every readable run of every store; unreadable run folders go to `onProblem`. */
  list(onProblem?: (problem: RunStoreProblem) => void): StoredRun[] {
    const out: StoredRun[] = [];
    const dirs = this.dirs();
    this.records.retain(dirs.map((d) => d.storeDir));
    for (const { storeDir } of dirs) {
      const { runs, problems } = this.records.runs(storeDir);
      out.push(...runs);
      if (onProblem) problems.forEach(onProblem);
    }
    return out;
  }

  /**
   * Every readable sweep of every store (`.sweeps/<id>/sweep.json`), with its progress; a sweep this
   * extension host runs is marked `ownedByWindow`. Unreadable sweep folders go to `onProblem`.
   */
  sweeps(onProblem?: (problem: { id: string; storeDir: string; error: string }) => void): SweepInfo[] {
    const out: SweepInfo[] = [];
    for (const { storeDir } of this.dirs()) {
      let listed: ReturnType<StoreCache['sweeps']>;
      try {
        // The runs' states come from the cached runs: list() first (the history does).
        listed = this.records.sweeps(storeDir, executionActive);
      } catch (err) {
        onProblem?.({ id: '.sweeps', storeDir, error: err instanceof Error ? err.message : String(err) });
        continue;
      }
      for (const entry of listed.sweeps) out.push({ ...entry, storeDir, ownedByWindow: runByThisProcess(entry.record) });
      for (const problem of listed.problems) onProblem?.({ ...problem, storeDir });
    }
    return out;
  }

  /** Finds run `runId` in the stores (a given `storeDir` first). */
  find(runId: string, storeDir?: string): FoundRun | undefined {
    const dirs = this.dirs();
    if (storeDir !== undefined && !dirs.some((d) => d.storeDir === storeDir)) dirs.unshift({ folder: path.dirname(path.dirname(storeDir)), storeDir });
    if (storeDir !== undefined) dirs.sort((a, b) => (a.storeDir === storeDir ? -1 : b.storeDir === storeDir ? 1 : 0));
    for (const { folder, storeDir: dir } of dirs) {
      const store = this.store(dir);
      let runDir: string;
      try {
        runDir = store.dirOf(runId);
      } catch {
        return undefined;
      }
      if (!existsSync(runDir)) continue;
      try {
        return { store, storeDir: dir, folder, record: store.read(runId) };
      } catch {
        continue;
      }
    }
    return undefined;
  }

  /** The workspace folder a runs folder belongs to. */
  folderOf(storeDir: string): string | undefined {
    return this.dirs().find((d) => d.storeDir === storeDir)?.folder;
  }
}

/** The workspace folder an extra store stands for: the folder above `<x>/.bilevel/runs`, else the store's parent. */
function ownerFolderOf(storeDir: string): string {
  const parent = path.dirname(storeDir);
  return path.basename(storeDir) === 'runs' && path.basename(parent) === '.bilevel' ? path.dirname(parent) : parent;
}

/**
 * Whether something may still start the sweep's runs that have not started: its last execution is a
 * SLURM array with indices not started yet (its pending tasks), or a local pool whose process is
 * alive on this host (the store's rule). A job cancelled with `bilevel sweep cancel` (Cancel Sweep
 * runs it) is recorded in cancel.json, which the status rule puts above this (sweepStatus.ts); one
 * cancelled by a bare `scancel` before its tasks ran is not seen here without asking squeue.
 */
export function executionActive(record: SweepRecord, states: readonly SweepRunState[]): boolean {
  const last = record.executions?.[record.executions.length - 1];
  if (last?.kind === 'slurm') return last.indices.some((i) => states[i] === undefined || states[i] === 'queued');
  return poolAlive(record);
}

/** True when the sweep's last execution is this process (a sweep started by New Sweep in this window). */
export function runByThisProcess(record: SweepRecord, pid: number = process.pid, hostname: string = os.hostname()): boolean {
  const last = record.executions?.[record.executions.length - 1];
  return last?.kind === 'local' && last.pid === pid && last.hostname === hostname;
}

/**
 * The panel's view of a stored run, with all its metrics, its settings and its check (`check`, the
 * live one, else the run folder's check.json, so a check survives a reload); metrics lines the store
 * skips go to `onBadLine`, an unreadable check.json to `onBadCheck` (the run is still shown).
 */
export function storedRunView(found: FoundRun, check?: CheckView, onBadLine?: (lineNumber: number, error: string) => void, onBadCheck?: (error: string) => void): RunView {
  const r = found.record;
  let stored: CheckView | undefined;
  if (!check) {
    try {
      // CheckRecord.check is the view itself (protocol/checkRecord.ts).
      stored = readRunCheck(found.store.dirOf(r.id))?.check;
    } catch (err) {
      onBadCheck?.(err instanceof Error ? err.message : String(err));
    }
  }
  const shownCheck = check ?? stored;
  return {
    runId: r.id,
    label: runLabel(r),
    method: r.config.method,
    problem: problemDisplayName(r.config.problem),
    status: r.status,
    ...(r.message !== undefined ? { message: r.message } : {}),
    iterations: r.config.iterations,
    startedAt: Date.parse(r.createdAt),
    ...(r.endedAt !== undefined ? { endedAt: Date.parse(r.endedAt) } : {}),
    records: found.store.readMetrics(r.id, onBadLine),
    ...(r.summary !== undefined ? { summary: r.summary } : {}),
    ...(shownCheck ? { check: shownCheck } : {}),
    settings: runSettings(r.config),
    ...(r.backend !== undefined ? { backend: r.backend } : {}),
    requestedBackend: r.config.backend,
  };
}

/** A run's label in legends: the user's name with the method, or the method. */
export function runLabel(record: RunRecord): string {
  return runLabelOf(record.name, record.config.method);
}
