// The worker's side of the host ↔ worker protocol (src/protocol/worker.ts), over an injected transport:
// `process.send` in the child (main.ts), an in-memory pair in unit tests. One worker runs one job:
// `init` → `ready`, then one `run` (runStarted, metrics batches, runFinished) or one `check`
// (checkResult), then `done` resolves with the exit code.
import * as path from 'node:path';
import * as core from '../core';
import type { ProblemDefinition, ResolvedOptions } from '../core';
import type { ExperimentSpec, SourceDiagnostic } from '../protocol/experiment';
import type { IterationRecord } from '../protocol/metrics';
import type { RunConfig } from '../protocol/runRecord';
import { WORKER_PROTOCOL_VERSION } from '../protocol/worker';
import type { CheckMessage, HostToWorker, InitMessage, MessagePort, RunMessage, WorkerToHost } from '../protocol/worker';
import { RunStore } from '../store/runStore';
import type { RunWriter } from '../store/runStore';
import type { BackendInfo } from '../runtime/backend';
import { parseBackendName, selectBackend } from '../runtime/backend';
import { compileProblemFile, diagnosticAt, diagnosticsForThrow, ProblemFileError } from '../problemFiles/compileProblemFile';
import type { LoadedProblemFile } from '../problemFiles/compileProblemFile';

import { messageOf } from '../common/messageOf';
import { versions } from '../runner/versions';

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

/** Metrics go to the host at most this often (ms) unless the `run` message says otherwise. */
export const DEFAULT_BATCH_MS = 75;

/** The run loop yields to the event loop at least this often (ms), so `cancel` is read mid-run. */
const YIELD_MS = 20;

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
      backend: { name: backend.name, detail: backend.detail, skipped: backend.skipped.map((s) => ({ name: s.name, reason: s.reason })) },
      versions: versions(),
    });
    if (phase !== 'starting') return;
    phase = 'ready';
    if (cancelled) finish(0);
  }

  async function run(message: RunMessage, initMessage: InitMessage, info: BackendInfo): Promise<number> {
    const spec = message.spec;
    let prepared: PreparedProblem;
    let options: ResolvedOptions;
    try {
      prepared = await prepare(spec, initMessage.storeDir);
      options = core.resolveRunOptions(prepared.definition, core.getMethod(spec.method), spec.options);
    } catch (err) {
      return reportPrepareError(err);
    }
    // Cancelled while compiling: no run record was made, so there is nothing to finish.
    if (cancelled) return 0;
    const config: RunConfig = {
      problem: prepared.label,
      problemParams: prepared.params,
      method: spec.method,
      methodOptions: options,
      iterations: options.iterations as number,
      seed: options.seed as number,
      backend: initMessage.backend,
      ...(spec.preset !== undefined ? { preset: spec.preset } : {}),
    };
    let writer: RunWriter;
    try {
      writer = new RunStore(initMessage.storeDir).create(config, {
        backend: { name: info.name, detail: info.detail, ...(info.skipped.length > 0 ? { skipped: info.skipped } : {}) },
        versions: versions(),
        ...(spec.name !== undefined ? { name: spec.name } : {}),
      });
    } catch (err) {
      return reportPrepareError(new Error(`cannot create the run record in ${initMessage.storeDir}: ${messageOf(err)}`));
    }
    const runId = writer.id;
    send({ type: 'runStarted', runId, runDir: writer.dir, options, iterations: options.iterations as number });

    const batchMs = message.batchMs ?? DEFAULT_BATCH_MS;
    let pending: IterationRecord[] = [];
    let lastFlush = Date.now();
    let lastYield = Date.now();
    let timer: NodeJS.Timeout | undefined;
    // Disk first, then the host: a batch the host has seen is in metrics.jsonl.
    const flush = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      lastFlush = Date.now();
      if (pending.length === 0) return;
      const records = pending;
      pending = [];
      writer.append(records);
      send({ type: 'metrics', runId, records });
    };
    try {
      const outcome = await core.runProblem(prepared.definition, spec.method, spec.options, {
        onRecord: async (record) => {
          pending.push(record);
          const now = Date.now();
          if (now - lastFlush >= batchMs) flush();
          // A record that waits alone is sent when its batch time is up, even if the next step is slow
          // (the timer fires whenever the step awaits a macrotask, e.g. a GPU read, or at the next yield).
          else timer ??= setTimeout(flush, batchMs - (now - lastFlush));
          if (now - lastYield >= YIELD_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            lastYield = Date.now();
          }
        },
        shouldStop: () => cancelled,
      });
      flush();
      writer.finish(outcome.status, outcome.summary, outcome.message);
      send({
        type: 'runFinished',
        runId,
        status: outcome.status,
        ...(outcome.message !== undefined ? { message: outcome.message } : {}),
        summary: outcome.summary,
        warnings: outcome.warnings,
      });
      return 0;
    } catch (err) {
      let reason = messageOf(err);
      const where = prepared.file?.locate(err);
      if (where?.line !== undefined) reason += ` (at ${path.basename(where.file)}:${where.line}:${where.column ?? 1})`;
      try {
        flush();
      } catch {
        // The reason for the failure matters more than the last batch.
      }
      if (timer !== undefined) clearTimeout(timer);
      try {
        writer.finish('failed', undefined, reason);
      } catch (writeErr) {
        console.error(`cannot finish run ${runId}: ${messageOf(writeErr)}`);
      }
      // Validation at compile time (data loader, initial values, objectives at x_0) points into the file.
      if (prepared.file && err instanceof core.ProblemError) send({ type: 'compileError', diagnostics: fileDiagnostics(prepared.file, err) });
      else if (!(err instanceof core.ProblemError)) console.error(err);
      send({ type: 'runFinished', runId, status: 'failed', message: reason, warnings: [] });
      return 0;
    }
  }

  async function check(message: CheckMessage): Promise<number> {
    let prepared: PreparedProblem;
    try {
      prepared = await prepare(message.spec, init!.storeDir);
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
        directions: result.directions.map((d) => ({ analytic: d.analytic, finiteDifference: d.finiteDifference, epsilon: d.epsilon, relativeError: d.relativeError })),
      });
      return 0;
    } catch (err) {
      if (prepared.file && err instanceof core.ProblemError) {
        send({ type: 'compileError', diagnostics: fileDiagnostics(prepared.file, err) });
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

/** A problem ready to run, with how run.json names it. */
interface PreparedProblem {
  readonly definition: ProblemDefinition<unknown, unknown>;
  /** RunConfig.problem: the built-in id, or `path#export` (path relative to the workspace when inside it). */
  readonly label: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  /** Set for problem files. */
  readonly file?: LoadedProblemFile;
}

async function prepare(spec: ExperimentSpec, storeDir: string): Promise<PreparedProblem> {
  const source = spec.problem;
  if (source.kind === 'builtin') {
    const family = core.getBuiltinProblem(source.id);
    const params = core.resolveOptions(family.params, source.params);
    return { definition: family.create(params), label: family.id, params };
  }
  if (!path.isAbsolute(source.path)) throw new Error(`the problem file path must be absolute, got '${source.path}'`);
  const file = await compileProblemFile(source.path, source.exportName);
  return { definition: file.definition, label: `${problemFileLabel(source.path, storeDir)}#${source.exportName}`, params: {}, file };
}

/**
 * The problem file as run.json names it: relative to the workspace (POSIX separators) when the store
 * is the workspace's `.bilevel/runs` and the file is inside that workspace, else the absolute path.
 */
export function problemFileLabel(file: string, storeDir: string): string {
  const runs = path.resolve(storeDir);
  if (path.basename(runs) !== 'runs' || path.basename(path.dirname(runs)) !== '.bilevel') return file;
  const relative = path.relative(path.dirname(path.dirname(runs)), file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}

/** Diagnostics for a validation error of a file's problem, at its defineProblem call when known. */
function fileDiagnostics(file: LoadedProblemFile, err: unknown): SourceDiagnostic[] {
  return diagnosticsForThrow(err, file.locate(err), diagnosticAt(file.file, file.location, ''));
}


