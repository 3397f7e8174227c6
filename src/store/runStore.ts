// The run store: one folder per run under `.bilevel/runs/`, holding run.json (the RunRecord) and
// metrics.jsonl (one IterationRecord per line). The CLI and worker write it, the extension reads it.
// Format and rules: docs/run-store.md. Node fs only (no tfjs), synchronous so it can be used from
// exit handlers.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FinishStatus, IterationRecord, RunStatus, RunSummary } from '../protocol/metrics';
import { RUN_SCHEMA_VERSION, type RunConfig, type RunRecord } from '../protocol/runRecord';
import { parseRecord, stringifyRecord } from './recordJson';
import { makeRunId, RUN_ID_PATTERN } from './runId';
import { writeFileAtomic } from './writeFileAtomic';

/** File names inside a run folder. */
export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';

/** The runs folder of a workspace: `<workspace>/.bilevel/runs`. */
export function runsDir(workspace: string): string {
  return path.join(workspace, '.bilevel', 'runs');
}

/** A run folder that could not be read; `list()` skips it and reports it here. */
export interface RunStoreProblem {
  /** Folder name (the would-be run id). */
  readonly id: string;
  readonly dir: string;
  /** What is wrong, e.g. "run.json is not valid JSON: …". */
  readonly error: string;
}

/** What `create` records besides the config. */
export interface CreateRunOptions {
  /** The run's id, made by whoever started the run (makeRunId); absent: a fresh one is made here. */
  readonly id?: string;
  /** Backend that actually runs (from selectBackend), if already known. */
  readonly backend?: RunRecord['backend'];
  /** Versions of the packages that matter (`bilevel-lab`, `tfjs-core`, `node`, …). */
  readonly versions: Readonly<Record<string, string>>;
  readonly name?: string;
  readonly note?: string;
}

/** How a run may end (protocol/metrics.ts); `running` is the state while it runs, `interrupted` only ever inferred. */
export type { FinishStatus };

/** Fields a user may edit after the fact: a string sets the field, null removes it, absent leaves it. */
export interface RunPatch {
  readonly name?: string | null;
  readonly note?: string | null;
}

/** Reads and manages the runs under one runs folder (e.g. `runsDir(workspace)`). */
export class RunStore {
  /** `root` is the runs folder itself; it is created on the first `create`. */
  constructor(readonly root: string) {}

  /**
   * Starts a run: makes a new folder (never reusing one), writes run.json with status `running`.
   * A given id that is already taken is an error; without one, fresh ids are drawn until one is free.
   */
  create(config: RunConfig, options: CreateRunOptions): RunWriter {
    mkdirSync(this.root, { recursive: true });
    const now = new Date();
    for (let attempt = 0; ; attempt++) {
      const id = options.id ?? makeRunId(config.method, config.problem, now);
      const dir = this.dirOf(id);
      try {
        // Not recursive: EEXIST means the id is taken, and an existing run is never overwritten.
        mkdirSync(dir);
      } catch (err) {
        const taken = (err as { code?: string }).code === 'EEXIST';
        if (taken && options.id !== undefined) throw new Error(`A run '${id}' already exists in ${this.root}; a run id is used once.`);
        if (taken && attempt < 100) continue;
        throw err;
      }
      const stamp = now.toISOString();
      const record: RunRecord = {
        schemaVersion: RUN_SCHEMA_VERSION,
        id,
        ...(options.name !== undefined && { name: options.name }),
        ...(options.note !== undefined && { note: options.note }),
        status: 'running',
        config,
        ...(options.backend !== undefined && { backend: options.backend }),
        versions: options.versions,
        pid: process.pid,
        hostname: os.hostname(),
        createdAt: stamp,
        updatedAt: stamp,
      };
      writeFileAtomic(path.join(dir, RUN_FILE), stringifyRecord(record, 2) + '\n');
      return new RunWriter(dir, record);
    }
  }

  /** Every readable run, newest first; unreadable folders go to `problems` instead of throwing. */
  scan(): { runs: RunRecord[]; problems: RunStoreProblem[] } {
    const runs: RunRecord[] = [];
    const problems: RunStoreProblem[] = [];
    let entries: string[];
    try {
      entries = readdirSync(this.root, { withFileTypes: true })
        .filter((e) => e.isDirectory() && RUN_ID_PATTERN.test(e.name))
        .map((e) => e.name);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return { runs, problems };
      throw err;
    }
    for (const id of entries) {
      const dir = path.join(this.root, id);
      try {
        runs.push(readRunFile(dir, id));
      } catch (err) {
        problems.push({ id, dir, error: err instanceof Error ? err.message : String(err) });
      }
    }
    runs.sort((a, b) => (a.createdAt === b.createdAt ? cmp(b.id, a.id) : cmp(b.createdAt, a.createdAt)));
    return { runs, problems };
  }

  /** Every readable run, newest first; each skipped folder is passed to `onProblem`. */
  list(onProblem?: (problem: RunStoreProblem) => void): RunRecord[] {
    const { runs, problems } = this.scan();
    if (onProblem) problems.forEach(onProblem);
    return runs;
  }

  /** The record of run `id` (status `interrupted` if its writer died); throws if missing or corrupt. */
  read(id: string): RunRecord {
    return readRunFile(this.dirOf(id), id);
  }

  /**
   * The metrics of run `id`, in order. A last line without its newline (a writer killed mid-append)
   * is dropped silently; any other unparsable line is skipped and passed to `onBadLine`.
   */
  readMetrics(id: string, onBadLine?: (lineNumber: number, error: string) => void): IterationRecord[] {
    const dir = this.dirOf(id);
    let text: string;
    try {
      text = readFileSync(path.join(dir, METRICS_FILE), 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      if (!existsSync(dir)) throw new Error(`No run '${id}' in ${this.root}`);
      // A run that has not reached its first batch yet has no metrics file.
      return [];
    }
    const lines = text.split('\n');
    const out: IterationRecord[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const isUnterminatedLast = i === lines.length - 1;
      try {
        out.push(parseRecord(line) as IterationRecord);
      } catch (err) {
        if (!isUnterminatedLast) onBadLine?.(i + 1, err instanceof Error ? err.message : String(err));
      }
    });
    return out;
  }

  /** Sets or clears the user's name and note of run `id`; other fields are kept as on disk. */
  update(id: string, patch: RunPatch): RunRecord {
    const file = path.join(this.dirOf(id), RUN_FILE);
    const raw = readRawRecord(file);
    const { name, note, ...rest } = raw;
    const next = {
      ...rest,
      ...pick('name', patch.name === undefined ? name : patch.name),
      ...pick('note', patch.note === undefined ? note : patch.note),
      updatedAt: new Date().toISOString(),
    };
    writeFileAtomic(file, stringifyRecord(next, 2) + '\n');
    return this.read(id);
  }

  /** Removes run `id` and its files. Refuses a run whose writer is still alive unless `force`. */
  delete(id: string, options: { force?: boolean } = {}): void {
    const dir = this.dirOf(id);
    if (!existsSync(dir)) throw new Error(`No run '${id}' in ${this.root}`);
    if (!options.force) {
      let status: RunStatus | undefined;
      try {
        status = this.read(id).status;
      } catch {
        // A corrupt run can always be deleted.
      }
      if (status === 'running') throw new Error(`Run '${id}' is still running; cancel it first (or delete with force).`);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  /** The folder of run `id`; rejects ids that could escape the runs folder. */
  dirOf(id: string): string {
    if (!RUN_ID_PATTERN.test(id)) throw new Error(`Invalid run id '${id}'`);
    return path.join(this.root, id);
  }
}

/** Appends metrics to one run and records how it ended. Made by {@link RunStore.create}. */
export class RunWriter {
  readonly id: string;
  private record: RunRecord;
  private finished = false;

  constructor(
    /** The run's folder. */
    readonly dir: string,
    record: RunRecord,
  ) {
    this.id = record.id;
    this.record = record;
  }

  /** The record as last written by this writer. */
  get current(): RunRecord {
    return this.record;
  }

  /** Appends one line per record to metrics.jsonl (one write call for the whole batch). */
  append(records: readonly IterationRecord[]): void {
    if (this.finished) throw new Error(`Run '${this.id}' is finished; no more metrics can be appended.`);
    if (records.length === 0) return;
    appendFileSync(path.join(this.dir, METRICS_FILE), records.map((r) => stringifyRecord(r)).join('\n') + '\n');
  }

  /**
   * Writes the final status (atomically) with the summary and a reason for diverged/failed/cancelled.
   * metrics.jsonl is left as is. A name or note set meanwhile with RunStore.update is kept.
   */
  finish(status: FinishStatus, summary?: RunSummary, message?: string): void {
    if (this.finished) throw new Error(`Run '${this.id}' is already finished (${this.record.status}).`);
    const file = path.join(this.dir, RUN_FILE);
    const ended = new Date();
    // Take name and note from disk: the user may have edited them while the run was going.
    let onDisk: Record<string, unknown> = {};
    try {
      onDisk = readRawRecord(file);
    } catch {
      // Fall back to what this writer knows.
    }
    const { name: _name, note: _note, ...rest } = this.record;
    const record: RunRecord = {
      ...rest,
      ...(typeof onDisk.name === 'string' && { name: onDisk.name }),
      ...(typeof onDisk.note === 'string' && { note: onDisk.note }),
      status,
      ...(message !== undefined && { message }),
      updatedAt: ended.toISOString(),
      endedAt: ended.toISOString(),
      durationMs: ended.getTime() - Date.parse(this.record.createdAt),
      ...(summary !== undefined && { summary }),
    };
    writeFileAtomic(file, stringifyRecord(record, 2) + '\n');
    this.record = record;
    this.finished = true;
  }
}

/** Whether process `pid` exists on this machine (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * The record as readers see it: a `running` run whose writer (pid) is gone from this host reads as
 * `interrupted`. The file is not rewritten. Runs from other hosts stay `running`: we cannot tell.
 */
export function withLiveStatus(record: RunRecord): RunRecord {
  if (record.status !== 'running' || record.hostname !== os.hostname() || isProcessAlive(record.pid)) return record;
  return {
    ...record,
    status: 'interrupted',
    message: record.message ?? `process ${record.pid} on ${record.hostname} stopped without finishing the run`,
  };
}

function readRunFile(dir: string, id: string): RunRecord {
  const raw = readRawRecord(path.join(dir, RUN_FILE));
  const problem = validate(raw);
  if (problem) throw new Error(`${RUN_FILE} of '${id}' ${problem}`);
  // The folder name is the id readers use (see docs/run-store.md).
  return withLiveStatus({ ...(raw as unknown as RunRecord), id });
}

function readRawRecord(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new Error(`no ${path.basename(file)} in ${path.dirname(file)}`);
    throw err;
  }
  let value: unknown;
  try {
    value = parseRecord(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file} does not hold a JSON object`);
  return value as Record<string, unknown>;
}

// What run.json may hold: never `queued` (a record is created when its run starts).
const STATUSES: readonly RunStatus[] = ['running', 'completed', 'diverged', 'failed', 'cancelled', 'interrupted'];

/** Checks the fields readers rely on; returns what is wrong, or undefined. */
function validate(r: Record<string, unknown>): string | undefined {
  if (typeof r.schemaVersion !== 'number') return 'has no schemaVersion';
  if (r.schemaVersion > RUN_SCHEMA_VERSION) return `has schema ${r.schemaVersion}, newer than this reader's ${RUN_SCHEMA_VERSION}`;
  if (!STATUSES.includes(r.status as RunStatus)) return `has an unknown status ${JSON.stringify(r.status)}`;
  if (typeof r.config !== 'object' || r.config === null) return 'has no config';
  if (typeof r.createdAt !== 'string' || typeof r.updatedAt !== 'string') return 'has no createdAt/updatedAt';
  if (typeof r.pid !== 'number' || typeof r.hostname !== 'string') return 'has no pid/hostname';
  return undefined;
}

/** `{ [key]: value }` when value is set, else `{}`, so absent fields stay absent in the JSON. */
function pick(key: string, value: unknown): Record<string, unknown> {
  return value === null || value === undefined ? {} : { [key]: value };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
