// Appends that are all or nothing: metrics.jsonl must never end in half a batch that a later
// append would glue its first line onto. The bytes before the append are never touched.
import { closeSync, fstatSync, ftruncateSync, openSync } from 'node:fs';
import { StoreWriteError } from './storeWriteError';
import { writeAll, type WriteIo } from './writeFileAtomic';

/**
 * Appends all of `text` to `file` (created if missing), or, when the write fails (ENOSPC, EIO, a
 * write that makes no progress), cuts the file back to its length before the call and throws a
 * {@link StoreWriteError}: what was there stays exactly as it was.
 */
export function appendFileWhole(file: string, text: string, io?: WriteIo): void {
  let fd: number | undefined;
  let before: number | undefined;
  try {
    fd = openSync(file, 'a');
    before = fstatSync(fd).size;
    writeAll(fd, Buffer.from(text, 'utf8'), file, io);
    const closing = fd;
    fd = undefined;
    // close reports deferred write errors on some file systems (NFS), so it is checked too.
    closeSync(closing);
  } catch (err) {
    if (fd !== undefined) {
      try {
        // Frees the partial batch, which is also what lets the run's record be finished.
        if (before !== undefined) ftruncateSync(fd, before);
      } catch {
        // A reader drops an unterminated last line; the write error is the one to report.
      }
      try {
        closeSync(fd);
      } catch {
        // As above.
      }
    }
    throw StoreWriteError.of(err, file);
  }
}
