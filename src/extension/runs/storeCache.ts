// The history's copy of the run stores: each run's record (and its check) and each sweep's record,
// read once and re-read only when a file event names it (storeEvents.ts), so a store of thousands of
// runs costs one directory listing per refresh, not thousands of reads. What the cache cannot learn
// from events is re-read on every refresh: runs still `running` (their writer may have died, or their
// heartbeat gone stale), folders that could not be read yet (run.json not written yet), and the cancel
// record of sweeps still queued or running (a cancel from another host sends no event). vscode-free.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { messageOf } from '../../common/messageOf';
import type { RunRecord } from '../../protocol/runRecord';
import type { SweepRecord, SweepRunState } from '../../protocol/sweep';
import type { CheckView } from '../../protocol/webview';
import { readRunCheck } from '../../store/checkStore';
import { RUN_ID_PATTERN } from '../../store/runId';
import { RunStore, type RunStoreProblem } from '../../store/runStore';
import { SweepStore, SWEEPS_DIR } from '../../store/sweepStore';
import { lastExecutionCancelled, statesAfterCancel, sweepStatus, type SweepCancel, type SweepProgress } from '../../sweep/sweepStatus';
import type { StoredRun } from '../views/historyModel';
import type { StoreChange } from './storeEvents';

/** How the cache reads a store; the default reads the file system (RunStore, SweepStore), tests count the reads. */
export interface StoreReader {
  /** Folder names of a folder that may be run (or sweep) ids; [] when the folder does not exist. */
  ids(dir: string): string[];
  /** The record of run `id` as RunStore reads it; throws when missing or unreadable. */
  readRun(storeDir: string, id: string): RunRecord;
  /** The check kept with run `id`, if any; throws when check.json is unreadable. */
  readCheck(storeDir: string, id: string): CheckView | undefined;
  /** sweep.json of sweep `id`; throws when missing or unreadable. */
  readSweep(storeDir: string, id: string): SweepRecord;
  /** cancel.json of sweep `id` (what `bilevel sweep cancel` recorded), undefined when there is none; throws when unreadable. */
  readSweepCancel(storeDir: string, id: string): SweepCancel | undefined;
}

/** Reads the real stores. */
export const FS_STORE_READER: StoreReader = {
  ids(dir) {
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && RUN_ID_PATTERN.test(e.name))
        .map((e) => e.name);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return [];
      throw err;
    }
  },
  readRun: (storeDir, id) => new RunStore(storeDir).read(id),
  readCheck: (storeDir, id) => readRunCheck(new RunStore(storeDir).dirOf(id))?.check,
  readSweep: (storeDir, id) => new SweepStore(storeDir).read(id),
  readSweepCancel: (storeDir, id) => new SweepStore(storeDir).readCancel(id),
};

/** A sweep as the cache gives it: its record, each index's run status, and its progress. */
export interface CachedSweep {
  readonly record: SweepRecord;
  /** Each index's run status (`cancelled` for a run a recorded cancel kept from starting). */
  readonly states: readonly SweepRunState[];
  readonly progress: SweepProgress;
  /** When a recorded cancel stopped its last execution (ISO-8601), if one did. */
  readonly cancelledAt?: string;
}

type RunEntry = { readonly run: StoredRun } | { readonly problem: RunStoreProblem };
/** A cached sweep: its record and cancel, and whether it was queued or running at the last listing (its cancel is then re-read each time). */
type SweepEntry = { readonly record: SweepRecord; cancel: SweepCancel | undefined; open: boolean } | { readonly error: string };

interface StoreState {
  readonly runs: Map<string, RunEntry>;
  readonly sweeps: Map<string, SweepEntry>;
  readonly dirtyRuns: Set<string>;
  readonly dirtySweeps: Set<string>;
}

/** The cached runs and sweeps of any number of runs folders. */
export class StoreCache {
  private readonly stores = new Map<string, StoreState>();

  constructor(private readonly reader: StoreReader = FS_STORE_READER) {}

  /** Notes a change (from a file event): the run or sweep it names is re-read next time, or the whole store. */
  changed(change: StoreChange): void {
    const state = this.stores.get(change.storeDir);
    if (!state) return;
    if (change.kind === 'run') state.dirtyRuns.add(change.id);
    else if (change.kind === 'sweep') state.dirtySweeps.add(change.id);
    else this.stores.delete(change.storeDir);
  }

  /** Forgets everything (the next read re-reads every file), or one store's. */
  clear(storeDir?: string): void {
    if (storeDir === undefined) this.stores.clear();
    else this.stores.delete(storeDir);
  }

  /** Forgets the stores not in `storeDirs` (a store dropped from the settings). */
  retain(storeDirs: readonly string[]): void {
    const keep = new Set(storeDirs);
    for (const dir of [...this.stores.keys()]) if (!keep.has(dir)) this.stores.delete(dir);
  }

  /**
   * The readable runs of `storeDir`, newest first, and the folders that could not be read. Lists the
   * folder, then reads only runs that are new, changed, still running, or unreadable last time.
   */
  runs(storeDir: string): { runs: StoredRun[]; problems: RunStoreProblem[] } {
    const state = this.state(storeDir);
    const ids = this.reader.ids(storeDir);
    const present = new Set(ids);
    for (const id of [...state.runs.keys()]) if (!present.has(id)) state.runs.delete(id);
    for (const id of ids) {
      const entry = state.runs.get(id);
      const stale = entry === undefined || state.dirtyRuns.has(id) || 'problem' in entry || entry.run.record.status === 'running';
      if (stale) state.runs.set(id, this.readRun(storeDir, id));
    }
    state.dirtyRuns.clear();
    const runs: StoredRun[] = [];
    const problems: RunStoreProblem[] = [];
    for (const entry of state.runs.values()) {
      if ('run' in entry) runs.push(entry.run);
      else problems.push(entry.problem);
    }
    runs.sort((a, b) => cmp(b.record.createdAt, a.record.createdAt) || cmp(b.record.id, a.record.id));
    return { runs, problems };
  }

  /**
   * The readable sweeps of `storeDir`, newest first, each with its runs' states from the cached runs
   * (call {@link runs} first) and its progress; `active` says whether something may still start its
   * runs that have not started. Re-reads only new or changed sweep.json files (and unreadable ones).
   */
  sweeps(storeDir: string, active: (record: SweepRecord, states: readonly SweepRunState[]) => boolean): { sweeps: CachedSweep[]; problems: { id: string; error: string }[] } {
    const state = this.state(storeDir);
    const ids = this.reader.ids(path.join(storeDir, SWEEPS_DIR));
    const present = new Set(ids);
    for (const id of [...state.sweeps.keys()]) if (!present.has(id)) state.sweeps.delete(id);
    for (const id of ids) {
      const entry = state.sweeps.get(id);
      if (entry === undefined || state.dirtySweeps.has(id) || 'error' in entry) state.sweeps.set(id, this.readSweep(storeDir, id));
      else if (entry.open) entry.cancel = this.readCancel(storeDir, id, entry.cancel);
    }
    state.dirtySweeps.clear();
    const status = (runId: string): SweepRunState => {
      const entry = state.runs.get(runId);
      return entry !== undefined && 'run' in entry ? entry.run.record.status : undefined;
    };
    const sweeps: CachedSweep[] = [];
    const problems: { id: string; error: string }[] = [];
    for (const [id, entry] of state.sweeps) {
      if ('error' in entry) {
        problems.push({ id, error: entry.error });
        continue;
      }
      // The one status rule (sweepStatus.ts): a recorded cancel of the last execution wins over `active`.
      const cancelled = lastExecutionCancelled(entry.record, entry.cancel);
      const states = statesAfterCancel(
        entry.record.runs.map((run) => status(run.runId)),
        cancelled,
      );
      const progress = sweepStatus(states, active(entry.record, states), cancelled);
      entry.open = progress.status === 'queued' || progress.status === 'running';
      sweeps.push({ record: entry.record, states, progress, ...(cancelled ? { cancelledAt: entry.cancel!.cancelledAt } : {}) });
    }
    sweeps.sort((a, b) => cmp(b.record.createdAt, a.record.createdAt) || cmp(b.record.id, a.record.id));
    return { sweeps, problems };
  }

  private state(storeDir: string): StoreState {
    let state = this.stores.get(storeDir);
    if (!state) {
      state = { runs: new Map(), sweeps: new Map(), dirtyRuns: new Set(), dirtySweeps: new Set() };
      this.stores.set(storeDir, state);
    }
    return state;
  }

  private readRun(storeDir: string, id: string): RunEntry {
    let record: RunRecord;
    try {
      record = this.reader.readRun(storeDir, id);
    } catch (err) {
      return { problem: { id, dir: path.join(storeDir, id), error: messageOf(err) } };
    }
    try {
      const check = this.reader.readCheck(storeDir, id);
      return { run: { record, storeDir, ...(check ? { check } : {}) } };
    } catch (err) {
      // The run is still shown; its row says why its check is missing.
      return { run: { record, storeDir, checkError: messageOf(err) } };
    }
  }

  private readSweep(storeDir: string, id: string): SweepEntry {
    let record: SweepRecord;
    try {
      record = this.reader.readSweep(storeDir, id);
    } catch (err) {
      return { error: messageOf(err) };
    }
    return { record, cancel: this.readCancel(storeDir, id, undefined), open: true };
  }

  /** The sweep's cancel, or `previous` when cancel.json cannot be read now (a write in progress elsewhere; the next listing reads it again). */
  private readCancel(storeDir: string, id: string, previous: SweepCancel | undefined): SweepCancel | undefined {
    try {
      return this.reader.readSweepCancel(storeDir, id);
    } catch {
      return previous;
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
