// The one error type the CLI prints without a stack trace and turns into exit code 2.

/** A mistake in the command line (unknown command or flag, bad value); exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
