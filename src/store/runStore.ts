// The run store: one folder per run under `.bilevel/runs/`, holding run.json (the RunRecord) and
// metrics.jsonl (one IterationRecord per line). The CLI and worker write it, the extension reads it.
// Format and rules: docs/run-store.md. Node fs only (no tfjs), synchronous so it can be used from
// exit handlers. Every write failure is a StoreWriteError that names the file and the cause.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatDuration } from '../common/format';
import type { FinishStatus, IterationRecord, RunStatus, RunSummary } from '../protocol/metrics';
import { RUN_SCHEMA_VERSION, type RunConfig, type RunRecord, type SlurmJobRef } from '../protocol/runRecord';
import { appendFileWhole } from './appendFileWhole';
import { checkIterationRecord, checkRunRecord } from './checkRecord';
import { isHeartbeatStale, staleAfterMs } from './heartbeat';
import { parseRecord, stringifyRecord } from './recordJson';
import { makeRunId, RUN_ID_PATTERN } from './runId';
import { SOURCE_DIR, sourceRefOf } from './runSource';
import { StoreWriteError } from './storeWriteError';
import { writeFileAtomic } from './writeFileAtomic';
import { currentWriterToken, writerState } from './writerToken';

/** File names inside a run folder. */
export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
/** The user's edits (name, note), written only by RunStore.update, so they never race the writer's run.json. */
export const META_FILE = 'meta.json';
/** Space held while a run goes, freed by finish, so a run can still be finished as failed on a full disk. */
export const RESERVE_FILE = '.finish-reserve';
const RESERVE_BYTES = 16 * 1024;

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
  /** A problem file's source to keep with the run: written to `source/<basename of name>`, its sha256 into run.json. */
  readonly source?: { readonly name: string; readonly text: string };
  /** How often (ms) the writer will call {@link RunWriter.beat} while the run goes; absent: it does not beat. */
  readonly heartbeatMs?: number;
  /** The SLURM job the run runs in, if any. */
  readonly slurm?: SlurmJobRef;
}

/** What a RunStore may be given besides its folder. */
export interface RunStoreOptions {
  /** The clock (ms since the epoch) of every stamp written and of the heartbeat rule on read; default Date.now. */
  readonly now?: () => number;
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
  private readonly now: () => number;

  /** `root` is the runs folder itself; it is created on the first `create`. */
  constructor(
    readonly root: string,
    options: RunStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Starts a run: makes a new folder (never reusing one), writes run.json with status `running`.
   * A given id that is already taken is an error; without one, fresh ids are drawn until one is free.
   */
  create(config: RunConfig, options: CreateRunOptions): RunWriter {
    try {
      mkdirSync(this.root, { recursive: true });
    } catch (err) {
      throw StoreWriteError.of(err, this.root);
    }
    const now = new Date(this.now());
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
        throw StoreWriteError.of(err, dir);
      }
      const stamp = now.toISOString();
      const source = options.source !== undefined ? sourceRefOf(options.source.name, options.source.text) : undefined;
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
        writer: currentWriterToken(),
        ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
        ...(options.slurm !== undefined && { slurm: options.slurm }),
        createdAt: stamp,
        updatedAt: stamp,
        ...(source !== undefined && { source }),
      };
      const text = stringifyRecord(record, 2) + '\n';
      try {
        // The source first: a run.json that names a copy always has it.
        if (source !== undefined) {
          const sourceDir = path.join(dir, SOURCE_DIR);
          try {
            mkdirSync(sourceDir);
          } catch (err) {
            throw StoreWriteError.of(err, sourceDir);
          }
          writeFileAtomic(path.join(dir, ...source.file.split('/')), options.source!.text);
        }
        writeFileAtomic(path.join(dir, RUN_FILE), text);
      } catch (err) {
        // The folder was made just now and holds nothing: no run is better than a run without run.json.
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
      holdReserve(dir, Math.max(RESERVE_BYTES, 2 * Buffer.byteLength(text)));
      return new RunWriter(dir, record, this.now);
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
        runs.push(readRunFile(dir, id, this.now()));
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

  /** The record of run `id` (status `interrupted` if its writer died or its heartbeat is stale); throws if missing or corrupt. */
  read(id: string): RunRecord {
    return readRunFile(this.dirOf(id), id, this.now());
  }

  /**
   * The metrics of run `id`, in order. A last line without its newline (a writer killed mid-append)
   * is dropped silently; any other line that does not parse, or is not an IterationRecord (a number,
   * null, an object without a numeric `iteration`, …), is skipped and passed to `onBadLine`.
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
      let value: unknown;
      try {
        value = parseRecord(line);
      } catch (err) {
        if (!isUnterminatedLast) onBadLine?.(i + 1, err instanceof Error ? err.message : String(err));
        return;
      }
      const problem = checkIterationRecord(value);
      if (problem) onBadLine?.(i + 1, `the line ${problem}`);
      else out.push(value as IterationRecord);
    });
    return out;
  }

  /**
   * Sets or clears the user's name and note of run `id`. Only meta.json is written, never run.json,
   * so an edit cannot be lost to the run's writer finishing at the same moment.
   */
  update(id: string, patch: RunPatch): RunRecord {
    const dir = this.dirOf(id);
    // The run must exist and be readable: an edit of a folder that is not a run is an error.
    this.read(id);
    const meta = readMeta(dir);
    const next: RunMeta = {
      ...meta,
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.note !== undefined && { note: patch.note }),
      updatedAt: new Date(this.now()).toISOString(),
    };
    writeFileAtomic(path.join(dir, META_FILE), JSON.stringify(next, null, 2) + '\n');
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
  private written = 0;

  constructor(
    /** The run's folder. */
    readonly dir: string,
    record: RunRecord,
    /** The clock of `updatedAt` and `endedAt` (ms since the epoch). */
    private readonly now: () => number = Date.now,
  ) {
    this.id = record.id;
    this.record = record;
  }

  /**
   * The heartbeat: rewrites run.json (atomically, as every write) with `updatedAt` = now, so readers
   * on other hosts see the run is alive. Nothing else changes; a finished writer does nothing. A
   * failed write throws a StoreWriteError and leaves run.json as it was.
   */
  beat(): void {
    if (this.finished) return;
    const record: RunRecord = { ...this.record, updatedAt: new Date(this.now()).toISOString() };
    writeFileAtomic(path.join(this.dir, RUN_FILE), stringifyRecord(record, 2) + '\n');
    this.record = record;
  }

  /** The record as last written by this writer. */
  get current(): RunRecord {
    return this.record;
  }

  /** How many records this writer has appended to metrics.jsonl. */
  get recordsWritten(): number {
    return this.written;
  }

  /**
   * Appends one line per record to metrics.jsonl, the whole batch or nothing: on a failed write
   * (a StoreWriteError) the file is cut back to where it was, so every line on disk is whole.
   */
  append(records: readonly IterationRecord[]): void {
    if (this.finished) throw new Error(`Run '${this.id}' is finished; no more metrics can be appended.`);
    if (records.length === 0) return;
    appendFileWhole(path.join(this.dir, METRICS_FILE), records.map((r) => stringifyRecord(r)).join('\n') + '\n');
    this.written += records.length;
  }

  /**
   * Writes the final status (atomically) with the summary and a reason for diverged/failed/cancelled.
   * metrics.jsonl is left as is, and so is meta.json (the user's name and note). A write that fails
   * throws a StoreWriteError and leaves the writer unfinished, so a smaller record (`failed`, no
   * summary) can be tried next.
   */
  finish(status: FinishStatus, summary?: RunSummary, message?: string): void {
    if (this.finished) throw new Error(`Run '${this.id}' is already finished (${this.record.status}).`);
    const file = path.join(this.dir, RUN_FILE);
    const ended = new Date(this.now());
    // The space held since create is what this write may need on a full disk.
    releaseReserve(this.dir);
    const record: RunRecord = {
      ...this.record,
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

/**
 * The record as readers see it at time `now` (the rule in docs/run-store.md): a `running` run reads
 * as `interrupted` when its writer is certainly gone on this host (boot id, pid, the pid's start
 * time), or, where this host cannot tell (another host or pid namespace), when its heartbeat is
 * stale. A writer alive on this host stays `running` whatever its heartbeat. The file is not rewritten.
 */
export function withLiveStatus(record: RunRecord, now: number = Date.now()): RunRecord {
  if (record.status !== 'running') return record;
  const state = writerState(record);
  if (state === 'alive') return record;
  let why: string;
  if (state === 'gone') why = `process ${record.pid} on ${record.hostname} stopped without finishing the run`;
  else if (isHeartbeatStale(record, now)) why = `no heartbeat from process ${record.pid} on ${record.hostname} since ${record.updatedAt} (more than ${formatDuration(staleAfterMs(record))})`;
  else return record;
  return { ...record, status: 'interrupted', message: record.message ?? why };
}

function readRunFile(dir: string, id: string, now: number): RunRecord {
  const raw = readRawRecord(path.join(dir, RUN_FILE));
  const problem = checkRunRecord(raw);
  if (problem) throw new Error(`${RUN_FILE} of '${id}' ${problem}`);
  const { name, note, ...record } = raw as unknown as RunRecord;
  const meta = readMeta(dir);
  // The status from run.json's own updatedAt (the heartbeat), before meta.json's edit time may replace it.
  const live = withLiveStatus({ ...record, id }, now);
  // The folder name is the id readers use (see docs/run-store.md); meta.json's edits win over run.json's.
  return {
    ...live,
    ...(record.versions === undefined && { versions: {} }),
    ...pickEdit('name', meta.name, name),
    ...pickEdit('note', meta.note, note),
    ...(meta.updatedAt !== undefined && meta.updatedAt > record.updatedAt && { updatedAt: meta.updatedAt }),
  };
}

/** meta.json: a string sets the field, null clears it, absent leaves run.json's value. */
interface RunMeta {
  readonly name?: string | null;
  readonly note?: string | null;
  readonly updatedAt?: string;
}

/** meta.json of a run folder; a missing or unreadable one counts as no edits (run.json's name and note show). */
function readMeta(dir: string): RunMeta {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path.join(dir, META_FILE), 'utf8'));
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const v = value as Record<string, unknown>;
  const edit = (x: unknown): x is string | null => x === null || typeof x === 'string';
  return {
    ...(edit(v.name) && { name: v.name }),
    ...(edit(v.note) && { note: v.note }),
    ...(typeof v.updatedAt === 'string' && Number.isFinite(Date.parse(v.updatedAt)) && { updatedAt: v.updatedAt }),
  };
}

/** `{ [key]: edited }` (null: removed), else run.json's value, so absent fields stay absent. */
function pickEdit(key: 'name' | 'note', edited: string | null | undefined, original: string | undefined): Record<string, string> {
  const value = edited === undefined ? original : edited;
  return value === null || value === undefined ? {} : { [key]: value };
}

/** Frees the space {@link holdReserve} held; a reserve that cannot be removed only costs its bytes. */
function releaseReserve(dir: string): void {
  try {
    rmSync(path.join(dir, RESERVE_FILE), { force: true });
  } catch {
    // Nothing is lost: the record is written all the same if there is room.
  }
}

/** Holds `bytes` of disk for finish (best effort: a run is not refused for want of its reserve). */
function holdReserve(dir: string, bytes: number): void {
  const file = path.join(dir, RESERVE_FILE);
  try {
    // Not zeros: some file systems store runs of zeros without allocating them.
    writeFileSync(file, Buffer.alloc(bytes, 'reserve\n'));
  } catch {
    rmSync(file, { force: true });
  }
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

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
