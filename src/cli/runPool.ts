// The local executor of `bilevel sweep`: at most N runs at once. By default each of N worker
// processes (`bilevel run --spec <sweep>/runs.jsonl --serve`, serveRuns.ts) starts the backend once
// and runs the indices it is sent in turn (RunWorker); `--workers per-run` starts one process per run,
// `bilevel run --spec <sweep>/runs.jsonl --index i`, the same command a SLURM array task runs.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { isWorkerMessage } from './runWorkerMessages';
import type { RunResultMessage } from './runWorkerMessages';

/** Set to `1` in the environment of a pool's run process: main.ts then leaves SIGINT to the pool (it forwards a stop as SIGTERM). */
export const SWEEP_RUN_ENV = 'BILEVEL_SWEEP_RUN';

/**
 * Calls `start` for each item in order, at most `jobs` at once, and starts none once `stopped()`
 * says so; resolves when every started one has settled, with their results in item order. `slot`
 * (0 … jobs − 1) says which of the parallel lanes runs the item: a lane runs one item at a time, so
 * it can own a worker process.
 */
export async function runPool<T, R>(items: readonly T[], jobs: number, start: (item: T, slot: number) => Promise<R>, stopped: () => boolean): Promise<{ item: T; result: R }[]> {
  const results: { at: number; item: T; result: R }[] = [];
  let next = 0;
  const lane = async (slot: number): Promise<void> => {
    while (next < items.length && !stopped()) {
      const at = next++;
      const item = items[at]!;
      results.push({ at, item, result: await start(item, slot) });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, (_, slot) => lane(slot)));
  return results.sort((a, b) => a.at - b.at).map(({ item, result }) => ({ item, result }));
}

/** How a run process ended, with everything it printed. */
export interface RunProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started run process: `child` to forward a stop to, `done` when it has exited. */
export interface RunProcess {
  readonly child: ChildProcess;
  readonly done: Promise<RunProcessResult>;
}

/**
 * Starts `node <entry> run --spec <runsJsonl> --index <index> --store <store> --backend <backend> --json`
 * in the pool's process group (a kill of the group ends it too), stdout and stderr captured.
 */
export function startRunProcess(args: { entry: string; runsJsonl: string; index: number; store: string; backend: string }): RunProcess {
  const argv = [args.entry, 'run', '--spec', args.runsJsonl, '--index', String(args.index), '--store', args.store, '--backend', args.backend, '--json'];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [SWEEP_RUN_ENV]: '1' } });
  const done = new Promise<RunProcessResult>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A process that cannot start (no node at execPath) is reported as an exit with its error.
    child.on('error', (err) => resolve({ code: null, signal: null, stdout, stderr: stderr + err.message }));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** How a run sent to a worker ended: its result message, or the worker's death during it (exit code or signal, stderr's last lines). */
export type WorkerRunOutcome = { readonly kind: 'result'; readonly result: RunResultMessage } | { readonly kind: 'died'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string };

/** The most of a worker's stderr kept for a failure message (its last lines). */
const STDERR_TAIL = 8192;

/**
 * A worker process of the pool: `node <entry> run --spec <runsJsonl> --serve --store <store>
 * --backend <backend>` with an IPC channel, in the pool's process group; `run(i)` sends index i once
 * the worker is ready and resolves with its result, or with its death if it exits first.
 */
export class RunWorker {
  readonly child: ChildProcess;
  private stderr = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly ready: Promise<boolean>;
  private pending: { index: number; resolve: (outcome: WorkerRunOutcome) => void } | undefined;
  /** Resolves once the process has exited and its stderr is read. */
  readonly gone: Promise<void>;
  private markGone!: () => void;

  constructor(args: { entry: string; runsJsonl: string; store: string; backend: string }) {
    this.gone = new Promise((resolve) => (this.markGone = resolve));
    const argv = [args.entry, 'run', '--spec', args.runsJsonl, '--serve', '--store', args.store, '--backend', args.backend];
    this.child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, [SWEEP_RUN_ENV]: '1' } });
    // A problem file may print: stdout is drained and dropped (results come over IPC); stderr's tail is kept.
    this.child.stdout!.resume();
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL)));
    let markReady!: (ok: boolean) => void;
    this.ready = new Promise((resolve) => (markReady = resolve));
    this.child.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.type === 'ready') markReady(true);
      else if (this.pending?.index === message.index) {
        const { resolve } = this.pending;
        this.pending = undefined;
        resolve({ kind: 'result', result: message });
      }
    });
    const died = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (this.exited) return;
      this.exited = { code, signal };
      this.markGone();
      markReady(false);
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve({ kind: 'died', code, signal, stderr: this.stderr });
    };
    // A process that cannot start (no node at execPath) is reported as a death with its error.
    this.child.on('error', (err) => {
      this.stderr += err.message;
      died(null, null);
    });
    // Once it exited and stderr was read to its end. Not 'close': a channel the pool disconnected
    // keeps the child from emitting it.
    let exit: [number | null, NodeJS.Signals | null] | undefined;
    let stderrEnded = false;
    this.child.stderr!.on('end', () => {
      stderrEnded = true;
      if (exit) died(...exit);
    });
    this.child.on('exit', (code, signal) => {
      exit = [code, signal];
      if (stderrEnded) died(code, signal);
    });
  }

  /** Whether the process is still there to take runs. */
  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Runs index `index` on this worker (one at a time); resolves with its result or the worker's death. */
  async run(index: number): Promise<WorkerRunOutcome> {
    if (this.pending) throw new Error(`RunWorker.run(${index}) while index ${this.pending.index} runs`);
    // A worker that died before it was ready (or is gone) never gets the index: that is its death.
    if (!(await this.ready) || !this.child.connected) return { kind: 'died', code: this.exited?.code ?? null, signal: this.exited?.signal ?? null, stderr: this.stderr };
    const outcome = new Promise<WorkerRunOutcome>((resolve) => (this.pending = { index, resolve }));
    this.child.send({ type: 'run', index });
    return outcome;
  }

  /** Closes the channel: an idle worker exits; resolves once it has. */
  async close(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await this.gone;
  }
}
