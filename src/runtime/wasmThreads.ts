// Lets tfjs-backend-wasm's threaded build (XNNPACK on a pthread pool) start in Node. tfjs pins it off
// there (tfjs issue 3830) for three reasons, each handled here:
// 1. emscripten starts each pool worker with `new Worker(blobURL)`, a Blob holding the pthread
//    script, and sends it the module's own source as another Blob in its 'load' message. Node's
//    worker_threads accept neither (ERR_WORKER_PATH; importScripts reads files). BlobWorker starts
//    a small boot script instead, reads both Blobs (asynchronously, so 'load' is sent late, which
//    is safe: emscripten sends nothing else to a worker before its 'loaded' reply) and evaluates them.
// 2. emscripten sets `global.Worker = worker_threads.Worker` when its factory runs, so the global is
//    an accessor that keeps BlobWorker.
// 3. tfjs caps the pool at emscripten_num_logical_cores() / 2 (it assumes two hyper-threads a
//    core), which is `os.cpus().length / 2` in Node: one thread on a 2-core machine. os.cpus() is
//    widened while the backend initializes, the only time tfjs reads it.
// Pool threads never keep Node alive: emscripten ref()s a worker while its pthread runs, and
// XNNPACK's pthreads run for the life of the process.
// A start that fails (a worker error, a Blob that cannot be read) or hangs rejects instead of
// throwing from an event handler (emscripten's own 'error' handler rethrows), so the caller can
// fall back to the single-threaded build. The failed pool's workers are left idle and unref'd, not
// terminated: a late constructor of the abandoned module would otherwise wait on them forever.
import { resolveObjectURL } from 'node:buffer';
import { createRequire } from 'node:module';
import { Worker as NodeWorker } from 'node:worker_threads';

// The real `os` exports object (what emscripten's require("os") gets), not a bundler's namespace copy.
const os = createRequire(__filename)('node:os') as typeof import('node:os');

/**
 * A pool worker's first script: the first message is emscripten's pthread script (the Blob's text),
 * run with this module's require in scope; importScripts then gets source text instead of a path.
 */
const BOOT = `
const { parentPort } = require('node:worker_threads');
parentPort.once('message', (source) => {
  eval(source);
  globalThis.importScripts = (code) => (0, eval)(code);
});`;

type Message = { cmd?: unknown; urlOrBlob?: unknown } | null | undefined;

/** Set while withWasmThreads waits for the backend: reports a failed pool worker instead of throwing. */
let reportFailure: ((err: unknown) => void) | undefined;

/** A worker_threads Worker that emscripten can start from a blob: URL and feed a Blob script. */
class BlobWorker extends NodeWorker {
  /** Messages still waiting behind a Blob read; they go out in order. */
  private pending = 1;
  private queue: Promise<void>;

  constructor(url: string | URL) {
    const blob = resolveObjectURL(String(url));
    if (blob === undefined) throw new Error(`wasm threads: ${String(url)} is not a live blob: URL`);
    super(BOOT, { eval: true });
    this.unref();
    this.queue = blob.text().then((source) => {
      super.postMessage(source);
      this.pending--;
    });
    this.queue.catch((err: unknown) => reportFailure?.(err));
  }

  override ref(): void {
    // Deliberately nothing: see the file comment.
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature of EventEmitter.on, which this overrides
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    if (event !== 'error') return super.on(event, listener);
    // While the backend starts, a worker error fails the start (see the file comment).
    return super.on('error', (err: unknown) => (reportFailure ? reportFailure(err) : listener(err)));
  }

  override postMessage(message: unknown, transfer?: readonly unknown[]): void {
    const msg = message as Message;
    const script = msg?.cmd === 'load' && msg.urlOrBlob instanceof Blob ? msg.urlOrBlob : undefined;
    // Sent at once when nothing waits: the main thread may block on the pthread right after a 'run'.
    if (script === undefined && this.pending === 0) return super.postMessage(message, transfer as never);
    this.pending++;
    this.queue = this.queue.then(async () => {
      super.postMessage(script ? { ...msg, urlOrBlob: await script.text() } : message, transfer as never);
      this.pending--;
    });
    this.queue.catch((err: unknown) => reportFailure?.(err));
  }
}

/**
 * Runs `init` (the wasm backend's initialization) so that the threaded build can start `threads`
 * pool threads in Node: installs the blob-capable Worker and widens os.cpus() meanwhile. Rejects if
 * a pool worker fails or `init` takes longer than `timeoutMs`.
 */
export async function withWasmThreads<T>(threads: number, init: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const previousWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  Object.defineProperty(globalThis, 'Worker', { get: () => BlobWorker, set: () => undefined, configurable: true });
  const cpus = os.cpus;
  // tfjs divides the logical core count by two; report twice the threads wanted.
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]!);
  };
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    reportFailure = (err) => reject(err instanceof Error ? err : new Error(String(err)));
    timer = setTimeout(() => reject(new Error(`the pool did not start within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([init(), failed]);
  } finally {
    clearTimeout(timer);
    reportFailure = undefined;
    os.cpus = cpus;
    if (previousWorker) Object.defineProperty(globalThis, 'Worker', previousWorker);
    else delete (globalThis as { Worker?: unknown }).Worker;
  }
}
