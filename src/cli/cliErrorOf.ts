// How the CLI turns an error a command threw into an exit code and a message, in one place: runCli
// for a command, serveRuns for each run of a sweep's worker process.
import { BUILTIN_PROBLEMS, METHODS, OptionsError, ProblemError, RUN_OPTIONS } from '../core';
import type { OptionSpec } from '../core';
import { ProblemFileError } from '../problemFiles/compileProblemFile';
import { BackendUnavailableError } from '../runtime/backend';
import { BackendMemoryError, describeBackendError } from '../runtime/describeBackendError';
import { StoreWriteError } from '../store/storeWriteError';
import { SweepError } from '../sweep/sweepError';
import { UsageError } from './usageError';

/**
 * How the CLI reports an error a command threw: its exit code (2: a mistake in the command line or
 * options; 1: out of memory, a full or unwritable disk, an internal error) and the message without
 * the `bilevel: ` prefix. A sweep's worker process (serveRuns.ts) reports each run's error the same way.
 */
export function cliErrorOf(err: unknown, flags: ReadonlyMap<string, string>): { code: number; message: string } {
  // Before the usage errors: an out-of-memory inside a problem's data loader arrives as a ProblemError.
  const memory = err instanceof BackendMemoryError ? err.message : describeBackendError(err, flags.get('backend') ?? 'wasm', givenSizes(flags));
  // The user's environment, not a bug: out of memory, a full or unwritable disk (exit 1, no stack).
  if (memory !== undefined || err instanceof StoreWriteError) return { code: 1, message: memory ?? (err as StoreWriteError).message };
  if (err instanceof UsageError || err instanceof SweepError || err instanceof OptionsError || err instanceof ProblemError || err instanceof ProblemFileError || err instanceof BackendUnavailableError) {
    return { code: 2, message: err.message };
  }
  return { code: 1, message: `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` };
}

/** The size flags given (K, n, hidden, …: integers with a declared maximum), by flag, for an out-of-memory message. */
function givenSizes(flags: ReadonlyMap<string, string>): Record<string, string> {
  const specs: readonly OptionSpec[] = [...RUN_OPTIONS, ...METHODS.flatMap((m) => m.options), ...BUILTIN_PROBLEMS.flatMap((p) => p.params)];
  const sizes = new Set(specs.filter((s) => s.type === 'integer' && s.max !== undefined).map((s) => s.flag));
  return Object.fromEntries([...flags].filter(([flag]) => sizes.has(flag)));
}
