// The solver worker: a child process the extension host forks for each run (dist/worker.js, next to
// the wasm binaries). It speaks src/protocol/worker.ts over IPC and exits when its one job is done.
import { releaseBackend } from '../runtime/backend';
import { createProcessPort } from './processPort';
import { serveWorker } from './workerEndpoint';
import { registerNodeDatasets } from '../datasets/registerNodeDatasets';
import { orphanGraceMs, startOrphanWatchdog } from './orphanWatchdog';

/** How long a run may take to stop after the host went away before the worker is ended (ms). */
const graceMs = orphanGraceMs();

// First, before anything can block the event loop: a thread that kills this process once the host
// is gone and the grace period has passed, even while an objective never returns.
startOrphanWatchdog({ hostPid: process.ppid, graceMs });

// Built-in workloads and problem files load MNIST through core's dataset registry.
registerNodeDatasets();

const port = createProcessPort();
const endpoint = serveWorker(port);

// The host died or closed the channel: stop the run gracefully so run.json gets its final status,
// and make sure an orphaned worker never outlives its grace period (the watchdog covers a blocked
// event loop, where this handler never runs).
process.on('disconnect', () => {
  endpoint.cancel();
  setTimeout(() => process.exit(1), graceMs).unref();
});

void endpoint.done.then(async (code) => {
  // Dawn (webgpu) may hold handles that keep Node alive; the exit below ends the process regardless.
  try {
    releaseBackend();
  } catch {
    // Exiting matters more than a clean release.
  }
  await port.drain();
  process.exit(code);
});
