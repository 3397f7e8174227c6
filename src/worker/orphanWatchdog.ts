// Ends an orphaned worker even when its event loop is blocked. The `disconnect` handler in main.ts
// only runs when the main thread gets back to its event loop, which never happens while a problem
// file's objective loops forever; so a thread of its own (worker_threads: its own event loop) polls
// whether the host process is still there and, once it is gone and the grace period has passed,
// SIGKILLs this process. A parent-death signal (prctl PR_SET_PDEATHSIG) would need a native addon.
import { Worker } from 'node:worker_threads';

/** How long a run may take to stop after the host went away before the worker is killed (ms). */
export const DEFAULT_ORPHAN_GRACE_MS = 10_000;

/** The environment variable that overrides {@link DEFAULT_ORPHAN_GRACE_MS} (tests use a short one). */
export const ORPHAN_GRACE_ENV = 'BILEVEL_WORKER_ORPHAN_GRACE_MS';

/** How often the watchdog looks for the host (ms). */
const POLL_MS = 250;

/** The grace period: the environment's value when it is a non-negative number of ms, else the default. */
export function orphanGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[ORPHAN_GRACE_ENV];
  const value = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_ORPHAN_GRACE_MS;
}

// Runs in the thread. The host is gone when this process was re-parented (to init or a subreaper,
// so process.ppid changed) or when the host pid no longer exists (Windows does not re-parent);
// EPERM means it exists. process.exit in a thread ends only the thread, hence the signal.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { hostPid, graceMs, pollMs } = workerData;
const hostGone = () => {
  if (process.ppid !== hostPid) return true;
  try {
    process.kill(hostPid, 0);
    return false;
  } catch (err) {
    return err.code !== 'EPERM';
  }
};
const poll = setInterval(() => {
  if (!hostGone()) return;
  clearInterval(poll);
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), graceMs);
}, pollMs);
`;

/** What {@link startOrphanWatchdog} watches and how long it waits. */
export interface OrphanWatchdogOptions {
  /** The host's pid (the worker's parent when it started). */
  readonly hostPid: number;
  readonly graceMs: number;
  readonly pollMs?: number;
}

/**
 * Starts the watchdog thread: once `hostPid` is gone, it waits `graceMs` (a main thread that is not
 * blocked finishes its run meanwhile and exits) and then SIGKILLs this process. The thread never
 * keeps the process alive; terminate() stops it.
 */
export function startOrphanWatchdog(options: OrphanWatchdogOptions): Worker {
  const thread = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { hostPid: options.hostPid, graceMs: options.graceMs, pollMs: options.pollMs ?? POLL_MS },
    // Nothing to print; the thread's stdio would go through the (possibly blocked) main thread anyway.
    stdout: true,
    stderr: true,
  });
  thread.unref();
  // A watchdog that cannot start must not take the run down with it.
  thread.on('error', (err) => console.error(`bilevel worker: the orphan watchdog stopped: ${err.message}`));
  return thread;
}
