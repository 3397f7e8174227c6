// The worker's transport in the child process: Node's IPC channel to the parent (`process.send` and
// the `message` event), opened by the host with `fork(…, { serialization: 'advanced' })`.
import type { HostToWorker, MessagePort, WorkerToHost } from '../protocol/worker';

/** A port on this process's IPC channel that can also wait until every sent message has left. */
export interface ProcessPort extends MessagePort<WorkerToHost, HostToWorker> {
  /** Resolves once every message sent so far was handed to the channel (or the channel closed). */
  drain(): Promise<void>;
}

/** The IPC port of a forked child; throws when the process has no IPC channel (not forked). */
export function createProcessPort(proc: NodeJS.Process = process): ProcessPort {
  if (typeof proc.send !== 'function') throw new Error('the solver worker must be started by the extension (child_process.fork with an IPC channel)');
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const settle = (): void => {
    inFlight--;
    if (inFlight > 0) return;
    const ready = waiters;
    waiters = [];
    ready.forEach((resolve) => resolve());
  };
  return {
    send(message) {
      if (!proc.connected) return;
      inFlight++;
      try {
        // A send that fails (the host went away) is dropped: there is no one left to tell.
        proc.send!(message, undefined, undefined, () => settle());
      } catch {
        settle();
      }
    },
    onMessage(handler) {
      const listener = (message: unknown): void => handler(message as HostToWorker);
      proc.on('message', listener);
      return () => void proc.off('message', listener);
    },
    drain() {
      if (inFlight === 0 || !proc.connected) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
