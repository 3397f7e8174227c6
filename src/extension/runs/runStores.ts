// The run stores of the open workspace folders (one `.bilevel/runs` per folder, or wherever
// `bilevel.runs.storeLocation` points), and the panel's view of a stored run. vscode-free: the
// folders and settings come in as functions.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runLabelOf, type RunRecord } from '../../protocol/runRecord';
import { runSettings } from '../../protocol/runSettings';
import type { CheckView, RunView } from '../../protocol/webview';
import { readRunCheck } from '../../store/checkStore';
import { RunStore, type RunStoreProblem } from '../../store/runStore';
import { SweepStore } from '../../store/sweepStore';
import type { SweepRecord } from '../../protocol/sweep';
import type { SweepInfo } from '../views/sweepModel';
import * as os from 'node:os';
import { storeDirFor, type BilevelConfig } from '../config';
import type { StoredRun } from '../views/historyModel';
import { problemDisplayName } from '../../common/problemId';

/** A run found in one of the stores. */
export interface FoundRun {
  readonly store: RunStore;
  readonly storeDir: string;
  /** The workspace folder the store belongs to. */
  readonly folder: string;
  readonly record: RunRecord;
}

/** The stores of every workspace folder. */
export class RunStores {
  private readonly cache = new Map<string, RunStore>();

  constructor(
    private readonly folders: () => readonly string[],
    private readonly config: () => BilevelConfig,
  ) {}

  /** Every (workspace folder, runs folder) pair; a runs folder shared by two folders appears once. */
  dirs(): { folder: string; storeDir: string }[] {
    const seen = new Set<string>();
    const out: { folder: string; storeDir: string }[] = [];
    for (const folder of this.folders()) {
      const storeDir = storeDirFor(folder, this.config());
      if (seen.has(storeDir)) continue;
      seen.add(storeDir);
      out.push({ folder, storeDir });
    }
    return out;
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
    for (const { storeDir } of this.dirs()) {
      const { runs, problems } = this.store(storeDir).scan();
      for (const record of runs) out.push({ record, storeDir });
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
      let listed: ReturnType<SweepStore['list']>;
      try {
        listed = new SweepStore(storeDir).list();
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
  };
}

/** A run's label in legends: the user's name with the method, or the method. */
export function runLabel(record: RunRecord): string {
  return runLabelOf(record.name, record.config.method);
}
