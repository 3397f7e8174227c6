// One solver worker child process, seen from the host: fork with the advanced (structured clone)
// serialization, the init → ready handshake, typed messages, stderr kept for crash reports, and the
// exit reason. Plain Node (no vscode), so unit tests drive it with a real child process. After
// vitest-dev/vscode's spawn/child_process.ts: starting rejects if the child exits before it is ready.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { WORKER_PROTOCOL_VERSION } from '../../protocol/worker';
import type { HostToWorker, MessagePort, ReadyMessage, WorkerToHost } from '../../protocol/worker';

/** How to start a worker. */
export interface WorkerProcessOptions {
  /** The worker script (dist/worker.js). */
  readonly workerPath: string;
  /** Backend to select (`auto`, `tensorflow`, `webgpu`, `wasm`, `cpu`). */
  readonly backend: string;
  /** Absolute path of the runs folder the worker writes. */
  readonly storeDir: string;
  /** Node flags for the child; default none (the host's own flags, e.g. --inspect, are not inherited). */
  readonly execArgv?: readonly string[];
  /** Runtime to start the child with; default the host's (in VS Code: its Electron, run as Node). */
  readonly execPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** How long the worker may take to answer `init` (ms); backend probes can take a while. Default 60000. */
  readonly readyTimeoutMs?: number;
  /** Aborting kills the starting worker; start() then rejects. */
  readonly signal?: AbortSignal;
}

/** How a worker process ended. */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last lines the worker wrote to stderr (at most {@link STDERR_LINES}). */
  readonly stderr: readonly string[];
}

/** A worker that failed to start: exited, timed out, or answered `init` with `error`. */
export class WorkerStartError extends Error {
  constructor(
    message: string,
    /** Set when the process exited before it was ready. */
    readonly exit?: WorkerExit,
  ) {
    super(message);
    this.name = 'WorkerStartError';
  }
}

/** Lines of stderr kept for crash reports. */
export const STDERR_LINES = 40;

/** A started, ready worker process. Start one with {@link WorkerProcess.start}. */
export class WorkerProcess implements MessagePort<HostToWorker, WorkerToHost> {
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<WorkerExit>;
  private exitInfo: WorkerExit | undefined;
  private readonly stderrLines: string[] = [];
  private stderrPartial = '';
  private readonly outputListeners = new Set<(stream: 'stdout' | 'stderr', text: string) => void>();

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.keepStderr('\n');
        this.exitInfo = { code, signal, stderr: [...this.stderrLines] };
        resolve(this.exitInfo);
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stdout?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.keepStderr(text);
      this.outputListeners.forEach((l) => l('stderr', text));
    });
    child.stdout?.on('data', (text: string) => this.outputListeners.forEach((l) => l('stdout', text)));
    // A send to a child that just died fails asynchronously; the exit handler reports it instead.
    child.on('error', () => undefined);
  }

  /**
   * Forks the worker, sends `init` and waits for `ready`. Rejects with a {@link WorkerStartError} if the
   * worker answers `error`, exits first (with its exit reason and stderr), or does not answer in time;
   * in every case the process is gone when it rejects. `onOutput` sees stdout/stderr from the start.
   */
  static async start(options: WorkerProcessOptions, onOutput?: (stream: 'stdout' | 'stderr', text: string) => void): Promise<{ worker: WorkerProcess; ready: ReadyMessage }> {
    const child = fork(options.workerPath, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [...(options.execArgv ?? [])],
      ...(options.execPath !== undefined ? { execPath: options.execPath } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
    const worker = new WorkerProcess(child);
    if (onOutput) worker.outputListeners.add(onOutput);
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    let unsubscribe = (): void => undefined;
    let onAbort = (): void => undefined;
    try {
      const ready = await new Promise<ReadyMessage>((resolve, reject) => {
        unsubscribe = worker.onMessage((message) => {
          if (message.type === 'ready') resolve(message);
          else if (message.type === 'error') reject(new WorkerStartError(message.message));
          else reject(new WorkerStartError(`the worker sent '${message.type}' before 'ready'`));
        });
        void worker.exited.then((exit) => reject(new WorkerStartError(`the worker ${describeExit(exit)} before it was ready${stderrSuffix(exit)}`, exit)));
        child.once('error', (err) => reject(new WorkerStartError(`cannot start the worker ${options.workerPath}: ${err.message}`)));
        timer = setTimeout(() => reject(new WorkerStartError(`the worker did not answer within ${timeoutMs} ms of starting`)), timeoutMs);
        onAbort = () => reject(new WorkerStartError('the start was aborted'));
        if (options.signal?.aborted) onAbort();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        worker.send({ type: 'init', protocolVersion: WORKER_PROTOCOL_VERSION, backend: options.backend, storeDir: options.storeDir });
      });
      return { worker, ready };
    } catch (err) {
      worker.kill();
      await worker.exited;
      throw err;
    } finally {
      clearTimeout(timer);
      unsubscribe();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended, once it has. */
  get exit(): WorkerExit | undefined {
    return this.exitInfo;
  }

  /** Sends a message; dropped silently when the channel is already closed (the exit reports why). */
  send(message: HostToWorker): void {
    if (!this.child.connected) return;
    try {
      this.child.send(message);
    } catch {
      // The child is exiting; its exit event carries the reason.
    }
  }

  onMessage(handler: (message: WorkerToHost) => void): () => void {
    const listener = (message: unknown): void => handler(message as WorkerToHost);
    this.child.on('message', listener);
    return () => void this.child.off('message', listener);
  }

  /** Listens to the worker's stdout and stderr text. */
  onOutput(listener: (stream: 'stdout' | 'stderr', text: string) => void): () => void {
    this.outputListeners.add(listener);
    return () => void this.outputListeners.delete(listener);
  }

  /** Kills the process (SIGKILL by default: a worker stuck in a tfjs kernel ignores gentler signals). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.exitInfo === undefined) this.child.kill(signal);
  }

  /** The last lines written to stderr so far. */
  get stderr(): readonly string[] {
    return this.stderrLines;
  }

  private keepStderr(text: string): void {
    const lines = (this.stderrPartial + text).split(/\r?\n/);
    this.stderrPartial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') this.stderrLines.push(line);
    // Keep the tail, and an out-of-memory report even when a long native backtrace follows it.
    while (this.stderrLines.length > STDERR_LINES) {
      const drop = this.stderrLines.findIndex((l) => !OUT_OF_MEMORY.test(l));
      this.stderrLines.splice(drop < 0 ? 0 : drop, 1);
    }
  }
}

/** "exited with code 3", "was killed by SIGKILL", "ran out of memory (…)". */
export function describeExit(exit: WorkerExit): string {
  if (isOutOfMemory(exit.stderr)) return `ran out of memory (${exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`})`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

// V8's fatal out-of-memory report, and the RangeErrors of failed large allocations.
const OUT_OF_MEMORY = /heap out of memory|Allocation failed|Array buffer allocation failed|Invalid typed array length|out of memory/i;

/** Whether stderr shows V8's or the allocator's out-of-memory report. */
export function isOutOfMemory(stderr: readonly string[]): boolean {
  return stderr.some((l) => OUT_OF_MEMORY.test(l));
}

/**
 * The lines of a crashed worker's stderr worth a message: the out-of-memory report if there is one,
 * else the last error line (`TypeError: …`), else the last few lines; stack frames, native backtraces,
 * caret markers and Node's version banner are left out.
 */
export function stderrSummary(stderr: readonly string[], lines = 3): string[] {
  const useful = stderr.map((l) => l.trim()).filter((l) => l !== '' && !/^at /.test(l) && !/^\d+: 0x[0-9a-f]+/i.test(l) && !/^Node\.js v\d/.test(l) && !/^\^+$/.test(l));
  const oom = useful.filter((l) => OUT_OF_MEMORY.test(l));
  if (oom.length > 0) return oom.slice(-1);
  const errors = useful.filter((l) => /^(\w*(Error|Exception)\b|FATAL ERROR|Uncaught)/.test(l));
  if (errors.length > 0) return errors.slice(-1);
  return useful.slice(-lines);
}

/** ": <stderr summary>" for a message, or "" when stderr had nothing useful. */
export function stderrSuffix(exit: WorkerExit): string {
  const summary = stderrSummary(exit.stderr);
  return summary.length > 0 ? `: ${summary.join(' | ')}` : '';
}
