// The run record (`.bilevel/runs/<id>/run.json`), shared by the store, CLI, worker and extension.
// Format documented in docs/run-store.md.
import type { RunStatus, RunSummary } from './metrics';
import type { SweepTag } from './sweep';

/** Current run.json schema version; bump on incompatible changes. */
export const RUN_SCHEMA_VERSION = 1;

/** What was asked for: enough to re-run the experiment exactly. */
export interface RunConfig {
  /** Problem id (built-in id or `file.bilevel.ts#export`). */
  readonly problem: string;
  /** Problem parameters (e.g. `{ n: 100 }` for built-ins). */
  readonly problemParams: Readonly<Record<string, number | string | boolean>>;
  /** Method id (`rhg`, `cg`, …). */
  readonly method: string;
  /** Fully resolved method options (defaults filled in). */
  readonly methodOptions: Readonly<Record<string, number | string | boolean>>;
  /** Outer iterations requested. */
  readonly iterations: number;
  /** Seed of every random choice in the run. */
  readonly seed: number;
  /** Backend requested (`auto`, `wasm`, …). */
  readonly backend: string;
  /** The paper preset (`bilevel run --preset ID`, protocol/presets.ts) the problem, method and options came from. */
  readonly preset?: string;
  /** The sweep this run belongs to and its index there (`bilevel sweep`, docs/sweeps.md); absent for a lone run. */
  readonly sweep?: SweepTag;
}

/** The contents of run.json. */
export interface RunRecord {
  readonly schemaVersion: number;
  readonly id: string;
  /** Optional user label and note (set from the history view or CLI). */
  readonly name?: string;
  readonly note?: string;
  readonly status: RunStatus;
  /** Human-readable reason for diverged / failed / cancelled. */
  readonly message?: string;
  readonly config: RunConfig;
  /** Backend that actually ran, with detail (adapter, simd/threads), and why others were skipped. */
  readonly backend?: RunBackend;
  readonly versions: Readonly<Record<string, string>>;
  /** Process that writes the run; lets readers tell a crashed run (`interrupted`) from a live one. */
  readonly pid: number;
  readonly hostname: string;
  /** Who writes the run beyond pid and hostname (pid reuse, containers); absent in older records. */
  readonly writer?: WriterToken;
  /**
   * The writer rewrites `updatedAt` at least this often (ms) while the run is `running` (the
   * heartbeat); readers on any host take a record older than {@link STALE_BEATS} beats as
   * `interrupted`. Absent in records whose writer does not beat (older ones).
   */
  readonly heartbeatMs?: number;
  /** The SLURM job the run ran in (a batch or array task), absent outside SLURM. */
  readonly slurm?: SlurmJobRef;
  readonly createdAt: string;
  /** The last write to run.json: create, each heartbeat, finish. */
  readonly updatedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly summary?: RunSummary;
  /** The problem file's source as the run compiled it, kept in the run folder; absent for built-ins and older runs. */
  readonly source?: RunSourceRef;
}

/**
 * What src/runtime/backend.ts knows of a backend, as fields (its `detail` words the same facts for
 * people); absent in records written before they were kept, whose readers fall back to parsing `detail`.
 */
export interface BackendFacts {
  /** webgpu: the adapter's name (its description, else its device, else `VENDOR adapter`). */
  readonly adapter?: string;
  /** webgpu: why the adapter is a CPU emulation of a GPU (SwiftShader, llvmpipe, a fallback adapter); absent on a real GPU. */
  readonly software?: string;
  /** wasm: the threads its kernels run on (1: single-threaded). */
  readonly threads?: number;
  /** wasm: when the threaded build was asked for and did not start, how many threads and why. */
  readonly threadsFailed?: string;
  /** wasm: whether the SIMD build runs. */
  readonly simd?: boolean;
  /** tensorflow: the tfjs-node build and its version (`tfjs-node-gpu 4.22.0`). */
  readonly build?: string;
}

/** A backend `auto` tried first and could not use; a software webgpu adapter also names itself. */
export interface SkippedBackendRecord extends Pick<BackendFacts, 'adapter' | 'software'> {
  readonly name: string;
  readonly reason: string;
}

/** run.json's `backend`: the backend that ran, its detail and facts, and what `auto` skipped. */
export interface RunBackend extends BackendFacts {
  readonly name: string;
  readonly detail: string;
  /** Backends `auto` tried first and could not use, with the reason (absent for an explicit choice). */
  readonly skipped?: readonly SkippedBackendRecord[];
}

/** Where a run keeps its problem file's source (docs/run-store.md, source/). */
export interface RunSourceRef {
  /** The copy, relative to the run folder: `source/<basename of the problem file>` (POSIX separators). */
  readonly file: string;
  /** sha256 of the source text (UTF-8), lowercase hex. */
  readonly sha256: string;
}

/** How many heartbeat intervals a `running` record may go without a beat before readers take it as `interrupted`. */
export const STALE_BEATS = 3;

/** A run's SLURM job, from the job's environment (docs/run-store.md, run.json). */
export interface SlurmJobRef {
  /** `SLURM_JOB_ID`: the job's own id (for an array task, the task's). */
  readonly jobId: string;
  /** `SLURM_ARRAY_JOB_ID`: the array's id (`scancel <arrayJobId>_<arrayTaskId>`), for an array task only. */
  readonly arrayJobId?: string;
  /** `SLURM_ARRAY_TASK_ID`: the task's index in its array, for an array task only. */
  readonly arrayTaskId?: number;
  /** `SLURMD_NODENAME`, else the host name: the node the run ran on. */
  readonly node: string;
}

/** Identifies the writing process across pid reuse and reboots (docs/run-store.md, the interrupted rule). */
export interface WriterToken {
  /** The machine's boot id (`/proc/sys/kernel/random/boot_id`), where it exists. */
  readonly bootId?: string;
  /** The writer's pid namespace (`/proc/self/ns/pid`, e.g. `pid:[4026531836]`), where it exists. */
  readonly pidNamespace?: string;
  /** The writer's start time in clock ticks since boot (field 22 of `/proc/<pid>/stat`), where it exists. */
  readonly startTicks?: number;
  /** The writer's start time (ISO-8601), always: informative where /proc is missing. */
  readonly startedAt: string;
}

/**
 * A run's label in legends, lists and the history: the user's name with the method in brackets, the
 * name alone when it already starts with the method (`rhg seed 1`, as a sweep or a seeded comparison
 * names its runs), or the method.
 */
export function runLabelOf(name: string | undefined, method: string): string {
  if (!name) return method;
  return name === method || name.startsWith(`${method} `) ? name : `${name} (${method})`;
}
