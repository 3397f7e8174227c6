// A sweep's own record in the run store: `<runs folder>/.sweeps/<sweep id>/` holds sweep.json (the
// spec, the expanded runs and their run ids) and runs.jsonl (one experiment spec per run, what
// `bilevel run --spec runs.jsonl --index i` reads). A dot folder, so run listings skip it. Only the
// process that creates or resumes the sweep writes sweep.json and runs.jsonl; `bilevel sweep cancel`
// (or the history's Cancel Sweep of a sweep its window runs) writes cancel.json beside them; the runs write their own folders, and the sweep's status is derived
// from those and the cancel (docs/run-store.md, "Sweeps").
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messageOf } from '../common/messageOf';
import type { SweepRecord, SweepRunState } from '../protocol/sweep';
import { SWEEP_SCHEMA_VERSION } from '../protocol/sweep';
import { lastExecutionCancelled, statesAfterCancel, sweepStatus } from '../sweep/sweepStatus';
import type { CancelledRuns, SweepCancel, SweepProgress } from '../sweep/sweepStatus';
import { makeRunId, RUN_ID_PATTERN } from './runId';
import { RunStore } from './runStore';
import { StoreWriteError } from './storeWriteError';
import { writeFileAtomic } from './writeFileAtomic';

/** The folder of the sweeps, inside the runs folder. */
export const SWEEPS_DIR = '.sweeps';
/** The sweep's record in its folder. */
export const SWEEP_FILE = 'sweep.json';
/** The runs of the sweep, one experiment spec a line, in its folder. */
export const RUNS_JSONL = 'runs.jsonl';
/** What `bilevel sweep cancel` recorded (a SweepCancel), in its folder; absent until a cancel stopped something. */
export const CANCEL_FILE = 'cancel.json';
/** Format version of cancel.json; readers ignore newer ones. */
export const SWEEP_CANCEL_SCHEMA_VERSION = 1;

/** A fresh sweep id for `problem`: `<yyyymmdd>-<hhmmss>-sweep-<problem>-<4 hex>`, sorting by creation time as run ids do. */
export function makeSweepId(problem: string, now: Date = new Date()): string {
  return makeRunId('sweep', problem, now);
}

/** A sweep as a reader sees it: its record and its progress, derived from its runs' records and its cancel. */
export interface SweepEntry {
  readonly record: SweepRecord;
  readonly progress: SweepProgress;
  /** The state of each index (its current run's status; undefined while it has no record; `cancelled` for a run a cancel kept from starting). */
  readonly states: readonly SweepRunState[];
  /** The cancel that stopped the sweep's last execution, when one did. */
  readonly cancel?: SweepCancel;
}

/** Reads and writes the sweeps of one runs folder. */
export class SweepStore {
  /** `root` is the runs folder (the same as RunStore's). */
  constructor(readonly root: string) {}

  /** The folder of sweep `id`; rejects ids that could escape the sweeps folder. */
  dirOf(id: string): string {
    if (!RUN_ID_PATTERN.test(id)) throw new Error(`Invalid sweep id '${id}'`);
    return path.join(this.root, SWEEPS_DIR, id);
  }

  /** runs.jsonl of sweep `id`. */
  runsJsonlOf(id: string): string {
    return path.join(this.dirOf(id), RUNS_JSONL);
  }

  /**
   * Makes the folder of a new sweep (never reusing one) and writes runs.jsonl, then sweep.json: a
   * folder with a sweep.json always has its runs.jsonl. Throws a StoreWriteError when it cannot.
   */
  create(record: SweepRecord, runsJsonl: string): void {
    const dir = this.dirOf(record.id);
    try {
      mkdirSync(path.dirname(dir), { recursive: true });
      mkdirSync(dir);
    } catch (err) {
      if ((err as { code?: string }).code === 'EEXIST') throw new Error(`A sweep '${record.id}' already exists in ${this.root}; a sweep id is used once.`);
      throw StoreWriteError.of(err, dir);
    }
    this.write(record, runsJsonl);
  }

  /** Rewrites an existing sweep's files whole (a resume: new run ids, one more execution), runs.jsonl first. */
  write(record: SweepRecord, runsJsonl: string): void {
    const dir = this.dirOf(record.id);
    writeFileAtomic(path.join(dir, RUNS_JSONL), runsJsonl);
    writeFileAtomic(path.join(dir, SWEEP_FILE), JSON.stringify(record, null, 2) + '\n');
  }

  /** Rewrites an existing sweep's sweep.json alone (a submission's execution added); runs.jsonl, which array tasks read, is left as it is. */
  writeRecord(record: SweepRecord): void {
    writeFileAtomic(path.join(this.dirOf(record.id), SWEEP_FILE), JSON.stringify(record, null, 2) + '\n');
  }

  /** The record of sweep `id`; throws, naming the file, if it is missing, not JSON or not a sweep record. */
  read(id: string): SweepRecord {
    const file = path.join(this.dirOf(id), SWEEP_FILE);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') throw new Error(`No sweep '${id}' in ${this.root} (no ${file})`);
      throw new Error(`${file} is not readable JSON: ${messageOf(err)}`);
    }
    const problem = checkSweepRecord(value);
    if (problem) throw new Error(`${file} ${problem}`);
    return value as SweepRecord;
  }

  /**
   * The state of each index: the status of its current run (`runs[i].runId`) as RunStore reads it
   * (`interrupted` when its writer died), undefined while that run has no readable record.
   */
  states(record: SweepRecord): SweepRunState[] {
    const runs = new RunStore(this.root);
    return record.runs.map((run) => {
      try {
        return runs.read(run.runId).status;
      } catch {
        return undefined;
      }
    });
  }

  /**
   * Records that a cancel stopped every execution sweep.json lists now (`bilevel sweep cancel`, or
   * Cancel Sweep of a sweep the VS Code window runs), so readers count the runs that never started as
   * cancelled. Written whole and atomically; a resume appends an execution this does not cover. Throws
   * a StoreWriteError when it cannot write.
   */
  writeCancel(record: SweepRecord, now: Date = new Date()): SweepCancel {
    const cancel: SweepCancel = { schemaVersion: SWEEP_CANCEL_SCHEMA_VERSION, cancelledAt: now.toISOString(), executions: record.executions?.length ?? 0 };
    writeFileAtomic(path.join(this.dirOf(record.id), CANCEL_FILE), JSON.stringify(cancel, null, 2) + '\n');
    return cancel;
  }

  /** The cancel of sweep `id`, or undefined when none was recorded (or its file is of a newer format); throws, naming the file, when it is unreadable. */
  readCancel(id: string): SweepCancel | undefined {
    const file = path.join(this.dirOf(id), CANCEL_FILE);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw new Error(`${file} is not readable JSON: ${messageOf(err)}`);
    }
    const c = value as Partial<SweepCancel> | null;
    if (typeof c !== 'object' || c === null || typeof c.schemaVersion !== 'number' || typeof c.cancelledAt !== 'string' || typeof c.executions !== 'number') {
      throw new Error(`${file} is not a sweep cancel (schemaVersion, cancelledAt, executions)`);
    }
    return c.schemaVersion > SWEEP_CANCEL_SCHEMA_VERSION ? undefined : (c as SweepCancel);
  }

  /**
   * A sweep's record with its derived progress (sweepEntry over its runs' states as stored).
   * `active` says whether something may still start its runs; by default, whether its last local
   * pool is alive on this host (a SLURM job's queue is the CLI's to ask: sweepWithSlurm).
   */
  entry(record: SweepRecord, active: boolean = poolAlive(record), cancel: SweepCancel | undefined = this.readCancel(record.id)): SweepEntry {
    return sweepEntry(record, this.states(record), active, cancel);
  }

  /** Every readable sweep, newest first, with its progress; unreadable folders go to `problems`. */
  list(): { sweeps: SweepEntry[]; problems: { id: string; error: string }[] } {
    const sweeps: SweepEntry[] = [];
    const problems: { id: string; error: string }[] = [];
    let ids: string[];
    try {
      ids = readdirSync(path.join(this.root, SWEEPS_DIR), { withFileTypes: true })
        .filter((e) => e.isDirectory() && RUN_ID_PATTERN.test(e.name))
        .map((e) => e.name);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return { sweeps, problems };
      throw err;
    }
    for (const id of ids) {
      try {
        sweeps.push(this.entry(this.read(id)));
      } catch (err) {
        problems.push({ id, error: messageOf(err) });
      }
    }
    sweeps.sort((a, b) => (a.record.createdAt < b.record.createdAt ? 1 : a.record.createdAt > b.record.createdAt ? -1 : a.record.id < b.record.id ? 1 : -1));
    return { sweeps, problems };
  }
}

/**
 * A sweep's entry from its runs' states as stored (`states`, by index). A recorded cancel of its last
 * execution wins over `active`: its runs not started read cancelled (sweepStatus). Without one, the
 * runs not started at `slurmCancelled` (the indices whose array task SLURM reports CANCELLED,
 * slurmCancelledIndices: a bare scancel, which only a reader that asks SLURM knows of: the CLI's
 * sweepWithSlurm) read cancelled. Pure: no file is read.
 */
export function sweepEntry(
  record: SweepRecord,
  states: readonly SweepRunState[],
  active: boolean,
  cancel: SweepCancel | undefined,
  slurmCancelled: ReadonlySet<number> = new Set(),
): SweepEntry {
  const recorded = lastExecutionCancelled(record, cancel);
  const cancelled: CancelledRuns = recorded || slurmCancelled;
  const shown = statesAfterCancel(states, cancelled);
  return { record, states: shown, progress: sweepStatus(shown, active, cancelled), ...(recorded ? { cancel: cancel! } : {}) };
}

/** What is wrong with a parsed sweep.json (as "has …"), or undefined when readers can use it. */
export function checkSweepRecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'does not hold a JSON object';
  const r = value as Record<string, unknown>;
  if (typeof r.schemaVersion !== 'number') return 'has no schemaVersion';
  if (r.schemaVersion > SWEEP_SCHEMA_VERSION) return `has schema ${r.schemaVersion}, newer than this reader's ${SWEEP_SCHEMA_VERSION}`;
  if (typeof r.id !== 'string' || typeof r.createdAt !== 'string') return 'has no string id and createdAt';
  if (typeof r.spec !== 'object' || r.spec === null) return 'has no spec';
  if (!Array.isArray(r.runs)) return 'has no runs array';
  for (const [i, run] of (r.runs as unknown[]).entries()) {
    const x = run as Record<string, unknown> | null;
    if (typeof x !== 'object' || x === null || x.index !== i || typeof x.runId !== 'string' || typeof x.method !== 'string' || typeof x.seed !== 'number') {
      return `has a runs[${i}] without index ${i}, a string runId and method, and a number seed`;
    }
  }
  if (r.executions !== undefined && !Array.isArray(r.executions)) return 'has executions that are not an array';
  return undefined;
}

/**
 * Whether the pool of the sweep's last execution may still start runs: a local pool on this host
 * whose process exists. A pool on another host, or a SLURM job, cannot be seen from here (false).
 */
export function poolAlive(record: SweepRecord): boolean {
  const last = record.executions?.[record.executions.length - 1];
  if (last?.kind !== 'local' || last.pid === undefined || last.hostname !== os.hostname()) return false;
  if (last.pid === process.pid) return true;
  try {
    process.kill(last.pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of another user holds the pid; it exists.
    return (err as { code?: string }).code === 'EPERM';
  }
}
