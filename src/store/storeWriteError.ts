// A write to the run store that failed (disk full, quota, I/O error, read-only, …), with the file,
// the errno code and a plain message such as "the disk is full (ENOSPC) while writing metrics.jsonl
// in /ws/.bilevel/runs/<id>". It is the user's environment, not a bug: the CLI prints the message
// as `bilevel: …` (exit 1, no stack) and the worker sends it as the run's message.
import * as path from 'node:path';

// Plain words for the errno codes a write can end with; others are named by their code alone.
const CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file is too large for the file system',
  EIO: 'an input/output error occurred',
  EROFS: 'the file system is read-only',
  EACCES: 'permission was denied',
  EPERM: 'the operation is not permitted',
  ENOENT: 'the folder does not exist (any more)',
  ESTALE: 'the network file handle went stale',
};

/** A failed write to the run store: which file, the errno code (when there is one) and why in plain words. */
export class StoreWriteError extends Error {
  constructor(
    /** The file (or folder) being written. */
    readonly file: string,
    /** The errno code (`ENOSPC`, `EIO`, `EDQUOT`, …), or undefined when there was none (a write that made no progress). */
    readonly code: string | undefined,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreWriteError';
  }

  /** Wraps what a write of `file` threw; a StoreWriteError passes through unchanged. */
  static of(err: unknown, file: string): StoreWriteError {
    if (err instanceof StoreWriteError) return err;
    const code = (err as { code?: unknown } | null)?.code;
    const errno = typeof code === 'string' ? code : undefined;
    const cause = errno !== undefined ? `${CAUSES[errno] ?? 'the write failed'} (${errno})` : `the write failed (${err instanceof Error ? err.message : String(err)})`;
    return new StoreWriteError(file, errno, `${cause} while writing ${path.basename(file)} in ${path.dirname(file)}`, { cause: err });
  }
}
