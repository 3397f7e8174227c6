// The one error of src/sweep: bad sweep input, with a message that names the flag, the field or the
// value and what would be valid. The CLI turns it into a usage error (exit 2), the extension into a message.

/** Invalid sweep input (seeds, `--set`, the spec); the message says what is wrong and what is valid. */
export class SweepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}
