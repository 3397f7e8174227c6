// What a command may touch besides its arguments: output streams and the stop request.
import type { ProgressSink } from './progressBar';

/** Why a run is asked to stop early: a signal, or stdout closed under it (`bilevel run … | head -1`). */
export type StopCause = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'EPIPE';

/** Streams and signals a command uses; main wires them to the process. */
export interface CliIo {
  readonly stdout: ProgressSink;
  readonly stderr: ProgressSink;
  /** True once the run should stop after the current iteration (a signal, a closed stdout). */
  readonly interrupted: () => boolean;
  /** Why it should stop, once it should; absent where nothing but Ctrl-C can stop it (tests). */
  readonly stopCause?: () => StopCause | undefined;
}

/** Exit code after a run the user interrupted (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** 128 + the signal number, as a shell reports a process the signal ended; EPIPE is SIGPIPE's 141. */
const EXIT_CODES: Readonly<Record<StopCause, number>> = { SIGHUP: 129, SIGINT: EXIT_INTERRUPTED, SIGTERM: 143, EPIPE: 141 };

/** The exit code of a command stopped for `cause` (README: "Exit codes and signals"). */
export function exitCodeFor(cause: StopCause): number {
  return EXIT_CODES[cause];
}

/** Why `io` asks the run to stop, as a cancelled run's message names it (`SIGTERM`, `stdout closed (EPIPE)`); undefined if it does not (or cannot tell). */
export function stopReasonOf(io: CliIo): string | undefined {
  const cause = io.stopCause?.();
  return cause === undefined ? undefined : cause === 'EPIPE' ? 'stdout closed (EPIPE)' : cause;
}

/** The exit code of a command whose run was stopped: 128 + the signal, 141 for a closed stdout, 130 when the cause is not known. */
export function stoppedExitCode(io: CliIo): number {
  const cause = io.stopCause?.();
  return cause !== undefined ? exitCodeFor(cause) : EXIT_INTERRUPTED;
}
