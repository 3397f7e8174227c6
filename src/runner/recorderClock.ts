// The recorder's clock for the heartbeat: the time of each beat and the timer that calls it. Tests
// pass a fake one and fire the timer by hand; the system clock's timer never keeps a process alive.

/** A clock and a repeating timer. */
export interface RecorderClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

/** Date.now and setInterval, the timer unref'd: a beat never keeps the process from exiting. */
export const systemClock: RecorderClock = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};
