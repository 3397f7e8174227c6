// The worker's side of the host ↔ worker protocol (src/protocol/worker.ts), over an injected transport:
// `process.send` in the child (main.ts), an in-memory pair in unit tests. One worker runs one job:
// `init` → `ready`, then one `run` (runStarted, metrics batches, runFinished) or one `check`
// (checkResult), then `done` resolves with the exit code.
import * as core from '../core';
import type { ResolvedOptions } from '../core';
import { messageOf } from '../common/messageOf';
import { ProblemFileError, runErrorDiagnostics } from '../problemFiles/compileProblemFile';
import { WORKER_PROTOCOL_VERSION } from '../protocol/worker';
import type { CheckMessage, HostToWorker, InitMessage, MessagePort, RunMessage, WorkerToHost } from '../protocol/worker';
import { loadProblem } from '../runner/loadProblem';
import type { LoadedProblem } from '../runner/loadProblem';
import { DEFAULT_BATCH_MS, recordRun } from '../runner/recordRun';
import type { RecordedRun } from '../runner/recordRun';
import { versions } from '../runner/versions';
import { StoreWriteError } from '../store/storeWriteError';
import type { BackendInfo } from '../runtime/backend';
import { backendRecord, parseBackendName, selectBackend } from '../runtime/backend';
import { BackendMemoryError } from '../runtime/describeBackendError';

/** Knobs of {@link serveWorker}; the defaults are what the real worker uses. */
export interface WorkerEndpointOptions {
  /** Activates the backend named in `init` (default: selectBackend). */
  readonly selectBackend?: (name: string) => Promise<BackendInfo>;
}

/** A served worker. */
export interface WorkerEndpoint {
  /** Resolves with the process exit code once the job is answered: 0 after a result, 1 after `error`/`compileError`. */
  readonly done: Promise<number>;
  /** Ends the current run after its iteration, as a `cancel` message does (e.g. when the host disconnects). */
  cancel(): void;
}


/** Serves the protocol on `port` until one job is answered. */
export function serveWorker(port: MessagePort<WorkerToHost, HostToWorker>, options: WorkerEndpointOptions = {}): WorkerEndpoint {
  const select = options.selectBackend ?? ((name: string) => selectBackend(parseBackendName(name)));
  let phase: 'init' | 'starting' | 'ready' | 'busy' | 'done' = 'init';
  let cancelled = false;
  let backend: BackendInfo | undefined;
  let init: InitMessage | undefined;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const send = (message: WorkerToHost): void => port.send(message);
  const finish = (code: number): void => {
    if (phase === 'done') return;
    phase = 'done';
    unsubscribe();
    resolveDone(code);
  };
  const fail = (message: string): void => {
    send({ type: 'error', message });
    finish(1);
  };
  const job = (work: () => Promise<number>): void => {
    phase = 'busy';
    work().then(finish, (err: unknown) => {
      // A bug in this file rather than in the user's problem: report it and end.
      console.error(err);
      fail(`internal worker error: ${messageOf(err)}`);
    });
  };

  // A message out of turn is a host bug: say so; a job that is already running goes on.
  const outOfTurn = (text: string): void => (phase === 'busy' ? send({ type: 'error', message: text }) : fail(text));
  const unsubscribe = port.onMessage((message) => {
    if (phase === 'done') return;
    switch (message.type) {
      case 'init':
        if (phase !== 'init') return outOfTurn(`unexpected second 'init'`);
        phase = 'starting';
        init = message;
        void start(message);
        return;
      case 'run':
      case 'check':
        if (phase !== 'ready') return outOfTurn(phase === 'busy' ? `this worker is already running a job; start one worker per experiment` : `'${message.type}' arrived before 'ready'`);
        if (message.type === 'run') job(() => run(message, init!, backend!));
        else job(() => check(message));
        return;
      case 'cancel':
        cancelled = true;
        // Nothing runs yet, so there is nothing to stop and nothing to record.
        if (phase === 'ready') finish(0);
        return;
      default:
        return outOfTurn(`unknown message type '${(message as { type?: unknown }).type}'`);
    }
  });

  async function start(message: InitMessage): Promise<void> {
    if (message.protocolVersion !== WORKER_PROTOCOL_VERSION) {
      return fail(
        `protocol version mismatch: the host speaks version ${message.protocolVersion}, this worker version ${WORKER_PROTOCOL_VERSION}; reload the window after updating the extension`,
      );
    }
    try {
      backend = await select(message.backend);
    } catch (err) {
      return fail(messageOf(err));
    }
    send({
      type: 'ready',
      protocolVersion: WORKER_PROTOCOL_VERSION,
      backend: { ...backendRecord(backend), skipped: backend.skipped },
      versions: versions(),
    });
    if (phase !== 'starting') return;
    phase = 'ready';
    if (cancelled) finish(0);
  }

  async function run(message: RunMessage, initMessage: InitMessage, info: BackendInfo): Promise<number> {
    const spec = message.spec;
    let problem: LoadedProblem;
    let options: ResolvedOptions;
    try {
      problem = await loadProblem(spec.problem, initMessage.storeDir);
      options = core.resolveRunOptions(problem.definition, core.getMethod(spec.method), spec.options);
    } catch (err) {
      return reportPrepareError(err);
    }
    // Cancelled while compiling: no run record was made, so there is nothing to finish.
    if (cancelled) return 0;
    let recorded: RecordedRun;
    try {
      recorded = await recordRun(
        {
          problem,
          method: spec.method,
          options,
          storeDir: initMessage.storeDir,
          runId: message.runId,
          backend: { requested: initMessage.backend, ran: backendRecord(info) },
          ...(spec.name !== undefined ? { name: spec.name } : {}),
          ...(spec.preset !== undefined ? { preset: spec.preset } : {}),
          ...(message.sweep !== undefined ? { sweep: message.sweep } : {}),
        },
        {
          onCreated: ({ runId, runDir }) => send({ type: 'runStarted', runId, runDir, options, iterations: options.iterations }),
          onBatch: (records) => send({ type: 'metrics', runId: message.runId, records }),
          shouldStop: () => cancelled,
          batchMs: message.batchMs ?? DEFAULT_BATCH_MS,
        },
      );
    } catch (err) {
      return reportPrepareError(new Error(`cannot create the run record in ${initMessage.storeDir}: ${messageOf(err)}`));
    }
    const err = recorded.error;
    if (err !== undefined) {
      // Validation at compile time (data loader, initial values, objectives at x_0) points into the file.
      if (problem.file && err instanceof core.ProblemError) send({ type: 'compileError', diagnostics: runErrorDiagnostics(problem.file, err) });
      // The problem's own errors, a full disk and the backend's memory are the run's message, not a bug of the worker: no stack.
      else if (!(err instanceof core.ProblemError) && !(err instanceof StoreWriteError) && !(err instanceof BackendMemoryError)) console.error(err);
    }
    send({
      type: 'runFinished',
      runId: message.runId,
      status: recorded.status,
      ...(recorded.message !== undefined ? { message: recorded.message } : {}),
      ...(recorded.summary !== undefined ? { summary: recorded.summary } : {}),
      warnings: recorded.warnings,
    });
    return 0;
  }

  async function check(message: CheckMessage): Promise<number> {
    let prepared: LoadedProblem;
    try {
      prepared = await loadProblem(message.spec.problem, init!.storeDir);
    } catch (err) {
      return reportPrepareError(err);
    }
    try {
      const result = await core.checkHypergradient(prepared.definition, message.spec.method, { options: message.spec.options });
      send({
        type: 'checkResult',
        method: result.method,
        exact: result.exactForApproximateProblem,
        maxRelativeError: result.maxRelativeError,
        relativeErrorVsRhg: result.relativeErrorVsRhg,
        directions: result.directions.map((d) => ({ analytic: d.analytic, finiteDifference: d.finiteDifference, epsilon: d.epsilon, relativeError: d.relativeError, fdError: d.fdError })),
      });
      return 0;
    } catch (err) {
      if (prepared.file && err instanceof core.ProblemError) {
        send({ type: 'compileError', diagnostics: runErrorDiagnostics(prepared.file, err) });
        return 1;
      }
      return reportPrepareError(err);
    }
  }

  /** Answers a job that could not start: compile diagnostics for a problem file, else an error. */
  function reportPrepareError(err: unknown): number {
    if (err instanceof ProblemFileError) send({ type: 'compileError', diagnostics: err.diagnostics });
    else send({ type: 'error', message: messageOf(err) });
    return 1;
  }

  return {
    done,
    cancel: () => {
      cancelled = true;
      if (phase === 'ready' || phase === 'init' || phase === 'starting') finish(0);
    },
  };
}



