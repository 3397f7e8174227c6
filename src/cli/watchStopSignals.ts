// SIGINT, SIGTERM and SIGHUP ask a run to stop after the current iteration, so its record ends
// `cancelled` with the signal named instead of reading `interrupted`. Only the first: then the
// handlers go and a second signal takes the default action, which ends the process at once even
// inside a long synchronous step, where no JavaScript handler could run. (Two signals that both
// arrive during one such step reach Node as one, when the step ends.)

/** The signals that stop a run; 128 + their number is the exit code (cliIo.ts). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A stop signal. */
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** What watchStopSignals needs of `process`. */
export interface SignalTarget {
  on(event: StopSignal, listener: (signal: StopSignal) => void): unknown;
  off(event: StopSignal, listener: (signal: StopSignal) => void): unknown;
}

/** Calls `onStop` for the first stop signal, then leaves every later one to its default action; returns a function that stops watching. */
export function watchStopSignals(target: SignalTarget, onStop: (signal: StopSignal) => void): () => void {
  const unwatch = (): void => {
    for (const s of STOP_SIGNALS) target.off(s, listener);
  };
  const listener = (signal: StopSignal): void => {
    unwatch();
    onStop(signal);
  };
  for (const s of STOP_SIGNALS) target.on(s, listener);
  return unwatch;
}
