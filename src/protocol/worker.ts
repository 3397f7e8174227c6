// The host ↔ worker channel: one solver child process per run. Shared by src/worker (endpoint in the
// child) and src/extension (endpoint in the host); mirrors the style of vscode-hexeditor's protocol.
import type { ExperimentSpec, SourceDiagnostic } from './experiment';
import type { FinishStatus, IterationRecord, RunSummary } from './metrics';
import type { SweepTag } from './sweep';
import type { RunBackend, SkippedBackendRecord } from './runRecord';

/** Bumped on any incompatible change; the handshake refuses a mismatch. */
export const WORKER_PROTOCOL_VERSION = 2;

// ---- host → worker ----------------------------------------------------------------------------

/** Host, first message after fork: protocol version and the backend to select. */
export interface InitMessage {
  readonly type: 'init';
  readonly protocolVersion: number;
  /** `auto`, `tensorflow`, `webgpu`, `wasm` or `cpu`. */
  readonly backend: string;
  /** Absolute path of the run store (`.bilevel/runs`) the worker writes. */
  readonly storeDir: string;
}

/** Host, after `ready`: start the experiment (one per worker). */
export interface RunMessage {
  readonly type: 'run';
  /** The run's id, made by the host when the run was queued (store/runId.ts); the record is created under it. */
  readonly runId: string;
  readonly spec: ExperimentSpec;
  /** Send metrics at most this often (ms); default 75. */
  readonly batchMs?: number;
  /** The sweep and index the run belongs to (a sweep started in VS Code), recorded in run.json's config.sweep. */
  readonly sweep?: SweepTag;
}

/** Host: compare the method's hypergradient with finite differences (no run record). */
export interface CheckMessage {
  readonly type: 'check';
  readonly spec: ExperimentSpec;
}

/** Host: stop after the current outer iteration; the run ends `cancelled`. */
export interface CancelMessage {
  readonly type: 'cancel';
}

/** Every message the host sends. */
export type HostToWorker = InitMessage | RunMessage | CheckMessage | CancelMessage;

// ---- worker → host ----------------------------------------------------------------------------

/** Worker, answering `init`: the backend that actually runs. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly protocolVersion: number;
  readonly backend: RunBackend & { readonly skipped: readonly SkippedBackendRecord[] };
  readonly versions: Readonly<Record<string, string>>;
}

/** Worker: the run record exists; metrics follow. */
export interface RunStartedMessage {
  readonly type: 'runStarted';
  readonly runId: string;
  readonly runDir: string;
  /** Resolved options (defaults filled in) and the total outer iterations. */
  readonly options: Readonly<Record<string, number | string | boolean>>;
  readonly iterations: number;
}

/** Worker, every ~50–100 ms while running: the records since the last batch, in order. */
export interface MetricsMessage {
  readonly type: 'metrics';
  readonly runId: string;
  readonly records: readonly IterationRecord[];
}

/** Worker: the run ended (completed, diverged, cancelled or failed) and run.json is final. */
export interface RunFinishedMessage {
  readonly type: 'runFinished';
  readonly runId: string;
  readonly status: FinishStatus;
  readonly message?: string;
  readonly summary?: RunSummary;
  readonly warnings: readonly string[];
}

/** Worker: the result of a `check`. */
export interface CheckResultMessage {
  readonly type: 'checkResult';
  readonly method: string;
  /** True when the method's estimate should equal the FD gradient of its approximate problem. */
  readonly exact: boolean;
  readonly maxRelativeError: number;
  readonly relativeErrorVsRhg: number;
  /** Per direction; fdError is the finite difference's estimated error, read by the pass rule (protocol/checkRule.ts; absent counts as 0). */
  readonly directions: readonly { analytic: number; finiteDifference: number; epsilon: number; relativeError: number; fdError?: number }[];
}

/** Worker: the problem file did not compile or validate; diagnostics point into the source. */
export interface CompileErrorMessage {
  readonly type: 'compileError';
  readonly diagnostics: readonly SourceDiagnostic[];
}

/** Worker: anything else went wrong (bad options, protocol mismatch, backend unavailable). */
export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

/** Every message the worker sends. */
export type WorkerToHost = ReadyMessage | RunStartedMessage | MetricsMessage | RunFinishedMessage | CheckResultMessage | CompileErrorMessage | ErrorMessage;

/** A two-way message port: `process.send`/`child.send`, or an in-memory pair in tests. */
export interface MessagePort<Out, In> {
  send(message: Out): void;
  onMessage(handler: (message: In) => void): () => void;
}
