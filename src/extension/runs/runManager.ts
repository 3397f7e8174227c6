// Owns every solver worker of the extension: a queue with a configurable number of concurrent runs,
// one child process per run, graceful cancel followed by a kill after a timeout, and crash reports
// (exit code, signal, out-of-memory, stderr tail). A run whose worker died leaves run.json finished
// as failed/cancelled, so the history is right. Plain Node (no vscode), so unit tests drive it with
// the real worker. After vitest-dev/vscode's runQueue.ts (one owner of process lifecycle, a pending
// queue and a disposed flag).
import * as path from 'node:path';
import type { ExperimentSpec, SourceDiagnostic } from '../../protocol/experiment';
import type { IterationRecord, RunSummary } from '../../protocol/metrics';
import type { SweepTag } from '../../protocol/sweep';
import type { CheckResultMessage, ReadyMessage, RunFinishedMessage } from '../../protocol/worker';
import { problemLabel } from '../../store/problemPaths';
import { makeRunId } from '../../store/runId';
import { RunStore, RunWriter } from '../../store/runStore';
import type { FinishStatus } from '../../store/runStore';
import { Emitter } from '../emitter';
import type { Disposable } from '../emitter';
import { describeExit, stderrSuffix, WorkerProcess, WorkerStartError } from './workerProcess';
import type { WorkerExit, WorkerProcessOptions } from './workerProcess';
import { messageOf } from '../../common/messageOf';

// ---- handles, results, events -----------------------------------------------------------------

/** Where a job is: waiting for a slot, forking + handshake, running, cancel sent, or ended. */
export type JobState = 'queued' | 'starting' | 'running' | 'stopping' | 'finished';

/** A run or a check, as the host tracks it. */
export interface JobHandle {
  /** The run id (made here when the run is queued, then recorded under it by the worker), or `check-N` for a check. */
  readonly key: string;
  readonly kind: 'run' | 'check';
  readonly spec: ExperimentSpec;
  readonly state: JobState;
  /** The backend that actually runs, once the worker is ready. */
  readonly backend?: ReadyMessage['backend'];
}

/** A queued or running experiment. */
export interface RunHandle extends JobHandle {
  readonly kind: 'run';
  /** The run's one id from its first moment (= key): the worker creates the record under it. */
  readonly runId: string;
  /** Set once the worker created the run record (`runStarted`). */
  readonly runDir?: string;
  /** Total outer iterations, once started. */
  readonly iterations?: number;
  /** Records received so far. */
  readonly recordsReceived: number;
  /** Resolves when the worker has exited and the run record is final; never rejects. */
  readonly done: Promise<RunResult>;
  /** Set once finished. */
  readonly result?: RunResult;
}

/** How a run ended, as far as the host knows. */
export interface RunResult {
  readonly status: FinishStatus;
  /** Why it failed, diverged or was cancelled. */
  readonly message?: string;
  /** Absent when the run ended before the worker created its record (queue, compile error, bad options). */
  readonly runId?: string;
  readonly runDir?: string;
  readonly summary?: RunSummary;
  readonly warnings: readonly string[];
  /** Problem-file errors (also sent through onCompileError). */
  readonly diagnostics?: readonly SourceDiagnostic[];
  readonly backend?: ReadyMessage['backend'];
  /** How the worker process ended (absent for a run cancelled while queued). */
  readonly exit?: WorkerExit;
}

/** A hypergradient check in its own worker. */
export interface CheckHandle extends JobHandle {
  readonly kind: 'check';
  /** Resolves when the worker has exited; never rejects. */
  readonly done: Promise<CheckOutcome>;
}

/** The answer of a check: the worker's result, or why there is none. */
export type CheckOutcome =
  | { readonly ok: true; readonly result: CheckResultMessage }
  | { readonly ok: false; readonly message: string; readonly diagnostics?: readonly SourceDiagnostic[]; readonly exit?: WorkerExit };

/** onRunStarted: the run record exists. */
export interface RunStartedEvent {
  readonly handle: RunHandle;
  readonly runId: string;
  readonly runDir: string;
  readonly options: Readonly<Record<string, number | string | boolean>>;
  readonly iterations: number;
  readonly backend: ReadyMessage['backend'];
}

/** onMetrics: a batch of records, in order, already in metrics.jsonl. */
export interface MetricsEvent {
  readonly handle: RunHandle;
  readonly runId: string;
  readonly records: readonly IterationRecord[];
}

/** onRunFinished: the run ended (its worker has exited) and run.json is final. */
export interface RunFinishedEvent {
  readonly handle: RunHandle;
  readonly result: RunResult;
}

/** onCompileError: the problem file of a run or a check has errors at these positions. */
export interface CompileErrorEvent {
  readonly handle: RunHandle | CheckHandle;
  readonly diagnostics: readonly SourceDiagnostic[];
}

/** onQueueChanged: what is running and what waits, in start order. */
export interface QueueSnapshot {
  readonly active: readonly RunHandle[];
  readonly queued: readonly RunHandle[];
}

/** onOutput: text a worker wrote to stdout or stderr. */
export interface OutputEvent {
  readonly handle: RunHandle | CheckHandle;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** Settings of a {@link RunManager}; `configure` changes them for jobs started afterwards. */
export interface RunManagerOptions {
  /** Absolute runs folder (`<workspace>/.bilevel/runs`). */
  readonly storeDir: string;
  /** Backend setting passed to every worker; default `auto`. */
  readonly backend?: string;
  /** Runs at once; more wait in the queue. Default 1. */
  readonly maxConcurrent?: number;
  /** Runs of one group (a comparison, a preset) at once, within maxConcurrent. Default 1: each is timed alone. */
  readonly groupConcurrency?: number;
  /** After `cancel`, how long a worker may take to stop before it is killed (ms). Default 5000. */
  readonly killTimeoutMs?: number;
  /** How long a worker may take to answer `init` (ms). Default 60000. */
  readonly readyTimeoutMs?: number;
  /** The worker script; default `worker.js` next to this bundle (dist/). */
  readonly workerPath?: string;
  /** Node flags for workers (e.g. `--max-old-space-size=8192`). */
  readonly execArgv?: readonly string[];
  /** Runtime for workers; default the host's (VS Code's Electron, as Node). */
  readonly execPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Metrics batch interval requested from workers (ms); default the worker's (75). */
  readonly batchMs?: number;
}

/** The options with every default filled in. */
type ResolvedManagerOptions = RunManagerOptions & Required<Pick<RunManagerOptions, 'backend' | 'maxConcurrent' | 'groupConcurrency' | 'killTimeoutMs' | 'readyTimeoutMs' | 'workerPath'>>;

/** Per-job overrides of the manager's backend and store, and the group a run belongs to. */
export interface JobOverrides {
  readonly backend?: string;
  readonly storeDir?: string;
  /** Runs sharing a group (one comparison) start at most groupConcurrency at a time. */
  readonly group?: string;
  /** Start at once, outside the queue and its limits (a cost probe of a few iterations must not wait behind long runs). */
  readonly immediate?: boolean;
  /** The run id to record under, fixed beforehand (a sweep's run ids are in its sweep.json); default: a fresh one. */
  readonly runId?: string;
  /** The sweep and index the run belongs to, recorded in run.json's config.sweep (as `bilevel run --spec runs.jsonl --index i`). */
  readonly sweep?: SweepTag;
}


// ---- the manager --------------------------------------------------------------------------------

/** Starts, queues, cancels and watches solver workers. Call dispose() when the extension deactivates. */
export class RunManager implements Disposable {
  private readonly runStartedEmitter = new Emitter<RunStartedEvent>();
  private readonly metricsEmitter = new Emitter<MetricsEvent>();
  private readonly runFinishedEmitter = new Emitter<RunFinishedEvent>();
  private readonly compileErrorEmitter = new Emitter<CompileErrorEvent>();
  private readonly queueChangedEmitter = new Emitter<QueueSnapshot>();
  private readonly outputEmitter = new Emitter<OutputEvent>();

  /** The worker created the run record; metrics follow. */
  readonly onRunStarted = this.runStartedEmitter.event;
  /** A batch of metrics (every ~75 ms while a run goes). */
  readonly onMetrics = this.metricsEmitter.event;
  /** A run ended: completed, diverged, failed (crashes included) or cancelled. Fired once per run. */
  readonly onRunFinished = this.runFinishedEmitter.event;
  /** A problem file did not compile or validate (a run: before onRunFinished; a check: before `done`). */
  readonly onCompileError = this.compileErrorEmitter.event;
  /** The active and queued runs, or their states, changed. */
  readonly onQueueChanged = this.queueChangedEmitter.event;
  /** A worker wrote to stdout/stderr (for an output channel). */
  readonly onOutput = this.outputEmitter.event;

  private options: ResolvedManagerOptions;
  private readonly queue: RunJob[] = [];
  private readonly active = new Set<RunJob>();
  private readonly checks = new Set<CheckJob>();
  private nextCheck = 1;
  private disposed = false;
  /** Keys and states at the last onQueueChanged, so unchanged snapshots are not fired again. */
  private lastQueueSignature = '';

  constructor(options: RunManagerOptions) {
    this.options = withDefaults(options);
  }

  /** Changes settings; new values apply to jobs started afterwards (a larger maxConcurrent starts queued runs now). */
  configure(options: Partial<RunManagerOptions>): void {
    this.options = withDefaults({ ...this.options, ...options });
    this.pump();
  }

  /** Queues a run; it starts at once when fewer than maxConcurrent runs (and groupConcurrency of its group) are active. */
  start(spec: ExperimentSpec, overrides: JobOverrides = {}): RunHandle {
    if (this.disposed) throw new Error('the run manager is disposed');
    const job = new RunJob(overrides.runId ?? makeRunId(spec.method, problemLabel(spec.problem)), spec, overrides);
    if (overrides.immediate === true) {
      this.active.add(job);
      job.state = 'starting';
      void this.launchRun(job);
    } else this.queue.push(job);
    this.pump();
    return job;
  }

  /**
   * Compares the method's hypergradient with finite differences in a worker of its own. Checks do not
   * wait in the run queue and write no run record; cancel(handle) kills the worker.
   */
  check(spec: ExperimentSpec, overrides: JobOverrides = {}): CheckHandle {
    if (this.disposed) throw new Error('the run manager is disposed');
    const job = new CheckJob(`check-${this.nextCheck++}`, spec, overrides);
    this.checks.add(job);
    void this.launchCheck(job);
    return job;
  }

  /**
   * Cancels a queued run (it never starts), a starting one or a check (the worker is killed: nothing
   * was recorded), or a running run: `cancel` is sent, and the worker is killed if it has not stopped
   * after killTimeoutMs. Takes a handle, its key or a run id; false when no such unfinished job exists.
   */
  cancel(target: JobHandle | string): boolean {
    const job = this.find(target);
    if (!job || job.state === 'finished') return false;
    if (job instanceof RunJob && job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finishRun(job, { status: 'cancelled', message: 'cancelled before it started', warnings: [] });
      return true;
    }
    if (job.cancelRequested) return true;
    job.cancelRequested = true;
    if (job instanceof CheckJob || job.state === 'starting') {
      job.abort.abort();
      job.worker?.kill();
      return true;
    }
    job.state = 'stopping';
    job.worker?.send({ type: 'cancel' });
    job.killTimer = setTimeout(() => {
      job.killedAfterCancel = true;
      job.worker?.kill();
    }, this.options.killTimeoutMs);
    this.fireQueue();
    return true;
  }

  /** An unfinished run or check by key, or a run by run id. */
  get(id: string): RunHandle | CheckHandle | undefined {
    return this.find(id);
  }

  /** The unfinished runs: running first, then queued. */
  get runs(): QueueSnapshot {
    return { active: [...this.active], queued: [...this.queue] };
  }

  /** Cancels every run and check; resolves when every worker has exited (at most ~killTimeoutMs). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const pending: Promise<unknown>[] = [];
    for (const job of [...this.queue, ...this.active, ...this.checks]) {
      this.cancel(job);
      pending.push(job.done);
    }
    await Promise.all(pending);
    for (const e of [this.runStartedEmitter, this.metricsEmitter, this.runFinishedEmitter, this.compileErrorEmitter, this.queueChangedEmitter, this.outputEmitter]) e.dispose();
  }

  private find(target: JobHandle | string): RunJob | CheckJob | undefined {
    const all = [...this.queue, ...this.active, ...this.checks];
    if (typeof target !== 'string') return all.find((j) => j === target);
    return all.find((j) => j.key === target);
  }

  private pump(): void {
    // In queue order, skipping runs whose group is full: an unrelated run behind a comparison starts
    // as soon as a slot is free, while the comparison's own runs wait for one another.
    for (let i = 0; i < this.queue.length && !this.disposed && this.active.size < this.options.maxConcurrent; ) {
      const job = this.queue[i]!;
      const group = job.overrides.group;
      if (group !== undefined && [...this.active].filter((j) => j.overrides.group === group).length >= this.options.groupConcurrency) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.active.add(job);
      job.state = 'starting';
      void this.launchRun(job);
    }
    this.fireQueue();
  }

  private fireQueue(): void {
    const snapshot = this.runs;
    const signature = [...snapshot.active, ...snapshot.queued].map((j) => `${j.key}:${j.state}`).join(',');
    if (signature === this.lastQueueSignature) return;
    this.lastQueueSignature = signature;
    this.queueChangedEmitter.fire(snapshot);
  }

  private async launchRun(job: RunJob): Promise<void> {
    const storeDir = job.overrides.storeDir ?? this.options.storeDir;
    let worker: WorkerProcess;
    try {
      const started = await WorkerProcess.start(this.workerOptions(job), (stream, text) => this.outputEmitter.fire({ handle: job, stream, text }));
      worker = started.worker;
      job.backend = started.ready.backend;
    } catch (err) {
      const exit = err instanceof WorkerStartError ? err.exit : undefined;
      this.finishRun(job, {
        ...(job.cancelRequested ? { status: 'cancelled', message: 'cancelled before it started' } : { status: 'failed', message: messageOf(err) }),
        warnings: [],
        ...(exit ? { exit } : {}),
      });
      return;
    }
    job.worker = worker;
    if (!job.cancelRequested) job.state = 'running';
    this.fireQueue();
    let finished: RunFinishedMessage | undefined;
    let errorMessage: string | undefined;
    let lingerTimer: NodeJS.Timeout | undefined;
    const unsubscribe = worker.onMessage((message) => {
      switch (message.type) {
        case 'runStarted':
          job.recorded = true;
          job.runDir = message.runDir;
          job.iterations = message.iterations;
          this.runStartedEmitter.fire({ handle: job, runId: message.runId, runDir: message.runDir, options: message.options, iterations: message.iterations, backend: job.backend! });
          return;
        case 'metrics':
          job.recordsReceived += message.records.length;
          this.metricsEmitter.fire({ handle: job, runId: message.runId, records: message.records });
          return;
        case 'runFinished':
          finished = message;
          // The worker exits right after; one that lingers (a native handle) is not waited for.
          lingerTimer = setTimeout(() => worker.kill(), this.options.killTimeoutMs);
          return;
        case 'compileError':
          job.diagnostics = message.diagnostics;
          this.compileErrorEmitter.fire({ handle: job, diagnostics: message.diagnostics });
          return;
        case 'error':
          errorMessage = message.message;
          return;
        default:
          return;
      }
    });
    worker.send({
      type: 'run',
      runId: job.runId,
      spec: job.spec,
      ...(this.options.batchMs !== undefined ? { batchMs: this.options.batchMs } : {}),
      ...(job.overrides.sweep !== undefined ? { sweep: job.overrides.sweep } : {}),
    });
    // A cancel that came during the handshake: nothing is recorded yet, so the worker just goes.
    if (job.cancelRequested) worker.kill();
    const exit = await worker.exited;
    unsubscribe();
    clearTimeout(lingerTimer);
    clearTimeout(job.killTimer);
    const base = {
      warnings: [] as readonly string[],
      exit,
      ...(job.backend ? { backend: job.backend } : {}),
      ...(job.recorded ? { runId: job.runId, runDir: job.runDir! } : {}),
      ...(job.diagnostics ? { diagnostics: job.diagnostics } : {}),
    };
    let result: RunResult;
    if (finished) {
      result = {
        ...base,
        status: finished.status,
        ...(finished.message !== undefined ? { message: finished.message } : {}),
        ...(finished.summary ? { summary: finished.summary } : {}),
        warnings: finished.warnings,
      };
    } else if (job.cancelRequested && (job.killedAfterCancel || !job.recorded)) {
      const message = job.killedAfterCancel
        ? `cancelled: the worker did not stop within ${this.options.killTimeoutMs} ms of the cancel request and was killed`
        : 'cancelled before the run started';
      result = { ...base, status: 'cancelled', message };
    } else if (job.diagnostics && job.diagnostics.length > 0) {
      result = { ...base, status: 'failed', message: `the problem file has errors: ${job.diagnostics[0]!.message}` };
    } else if (errorMessage !== undefined) {
      result = { ...base, status: 'failed', message: errorMessage };
    } else {
      const how = exit.code === 0 && exit.signal === null ? 'exited without finishing the run' : describeExit(exit);
      result = { ...base, status: 'failed', message: `the worker ${how}${stderrSuffix(exit)}` };
    }
    // The worker died with the run record still `running`: finish it so the history is right.
    if (!finished && job.recorded) finishRecord(storeDir, job.runId, result.status, result.message);
    this.finishRun(job, result);
  }

  private async launchCheck(job: CheckJob): Promise<void> {
    job.state = 'starting';
    let worker: WorkerProcess;
    try {
      const started = await WorkerProcess.start(this.workerOptions(job), (stream, text) => this.outputEmitter.fire({ handle: job, stream, text }));
      worker = started.worker;
      job.backend = started.ready.backend;
    } catch (err) {
      const exit = err instanceof WorkerStartError ? err.exit : undefined;
      this.finishCheck(job, { ok: false, message: job.cancelRequested ? 'the check was cancelled' : messageOf(err), ...(exit ? { exit } : {}) });
      return;
    }
    job.worker = worker;
    job.state = 'running';
    let outcome: CheckOutcome | undefined;
    let diagnostics: readonly SourceDiagnostic[] | undefined;
    const unsubscribe = worker.onMessage((message) => {
      if (message.type === 'checkResult') outcome = { ok: true, result: message };
      else if (message.type === 'error') outcome = { ok: false, message: message.message };
      else if (message.type === 'compileError') {
        diagnostics = message.diagnostics;
        this.compileErrorEmitter.fire({ handle: job, diagnostics: message.diagnostics });
      }
    });
    worker.send({ type: 'check', spec: job.spec });
    if (job.cancelRequested) worker.kill();
    const exit = await worker.exited;
    unsubscribe();
    if (!outcome) {
      if (job.cancelRequested) outcome = { ok: false, message: 'the check was cancelled', exit };
      else if (diagnostics && diagnostics.length > 0) outcome = { ok: false, message: `the problem file has errors: ${diagnostics[0]!.message}`, diagnostics, exit };
      else outcome = { ok: false, message: `the worker ${describeExit(exit)}${stderrSuffix(exit)}`, exit };
    }
    this.finishCheck(job, outcome);
  }

  private workerOptions(job: RunJob | CheckJob): WorkerProcessOptions {
    const o = this.options;
    return {
      workerPath: o.workerPath,
      backend: job.overrides.backend ?? o.backend,
      storeDir: job.overrides.storeDir ?? o.storeDir,
      readyTimeoutMs: o.readyTimeoutMs,
      signal: job.abort.signal,
      ...(o.execArgv ? { execArgv: o.execArgv } : {}),
      ...(o.execPath !== undefined ? { execPath: o.execPath } : {}),
      ...(o.env ? { env: o.env } : {}),
    };
  }

  private finishRun(job: RunJob, result: RunResult): void {
    job.state = 'finished';
    job.result = result;
    this.active.delete(job);
    this.runFinishedEmitter.fire({ handle: job, result });
    job.resolve(result);
    this.pump();
  }

  private finishCheck(job: CheckJob, outcome: CheckOutcome): void {
    job.state = 'finished';
    this.checks.delete(job);
    job.resolve(outcome);
  }
}

/** What a run and a check share while the manager owns them: the spec, the worker, the cancel. */
abstract class Job<Done> {
  state: JobState = 'queued';
  backend?: ReadyMessage['backend'];
  worker?: WorkerProcess;
  cancelRequested = false;
  readonly abort = new AbortController();
  readonly done: Promise<Done>;
  resolve!: (done: Done) => void;

  constructor(
    readonly spec: ExperimentSpec,
    readonly overrides: JobOverrides,
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }
}

class RunJob extends Job<RunResult> implements RunHandle {
  readonly kind = 'run';
  /** True once the worker created run.json (runStarted). */
  recorded = false;
  runDir?: string;
  iterations?: number;
  recordsReceived = 0;
  result?: RunResult;
  diagnostics?: readonly SourceDiagnostic[];
  killedAfterCancel = false;
  killTimer?: NodeJS.Timeout;

  constructor(
    readonly runId: string,
    spec: ExperimentSpec,
    overrides: JobOverrides,
  ) {
    super(spec, overrides);
  }

  get key(): string {
    return this.runId;
  }
}

class CheckJob extends Job<CheckOutcome> implements CheckHandle {
  readonly kind = 'check';

  constructor(
    readonly key: string,
    spec: ExperimentSpec,
    overrides: JobOverrides,
  ) {
    super(spec, overrides);
  }
}

/** Writes the final status into run.json of a run whose worker died before it could. */
function finishRecord(storeDir: string, runId: string, status: FinishStatus, message: string | undefined): void {
  try {
    const store = new RunStore(storeDir);
    const record = store.read(runId);
    // `read` reports a running record whose writer is gone as `interrupted`; both are unfinished.
    if (record.status !== 'running' && record.status !== 'interrupted') return;
    new RunWriter(store.dirOf(runId), record).finish(status, undefined, message);
  } catch (err) {
    console.error(`bilevel: cannot finish run.json of ${runId}: ${messageOf(err)}`);
  }
}

function withDefaults(o: RunManagerOptions): ResolvedManagerOptions {
  const maxConcurrent = Math.floor(o.maxConcurrent ?? 1);
  const groupConcurrency = Math.floor(o.groupConcurrency ?? 1);
  return {
    ...o,
    backend: o.backend ?? 'auto',
    maxConcurrent: Number.isFinite(maxConcurrent) && maxConcurrent >= 1 ? maxConcurrent : 1,
    groupConcurrency: Number.isFinite(groupConcurrency) && groupConcurrency >= 1 ? groupConcurrency : 1,
    killTimeoutMs: o.killTimeoutMs ?? 5000,
    readyTimeoutMs: o.readyTimeoutMs ?? 60_000,
    workerPath: o.workerPath ?? path.join(__dirname, 'worker.js'),
  };
}

