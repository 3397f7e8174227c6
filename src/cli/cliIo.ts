// What a command may touch besides its arguments: output streams and the interrupt flag.
import type { ProgressSink } from './progressBar';

/** Streams and signals a command uses; main wires them to the process. */
export interface CliIo {
  readonly stdout: ProgressSink;
  readonly stderr: ProgressSink;
  /** True once the user pressed Ctrl-C (SIGINT). */
  readonly interrupted: () => boolean;
}

/** Exit code after a run the user interrupted (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;
