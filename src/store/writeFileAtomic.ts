// Atomic file replacement: readers see the old content or the new one, never a half-written file,
// even if the writer is killed mid-write or the disk fills up.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { StoreWriteError } from './storeWriteError';

/** The one fs call tests replace (a short or failing write); the default is node's writeSync. */
export interface WriteIo {
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
}

const NODE_IO: WriteIo = { writeSync: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length) };

/**
 * Writes `text` to a temporary file in the same folder, flushes it to disk, then renames it over
 * `file`. Same folder keeps the rename on one file system, which is what makes it atomic. Any
 * failure (ENOSPC, EIO, a write that makes no progress, …) throws a {@link StoreWriteError} and
 * leaves `file` as it was and no temporary file behind.
 */
export function writeFileAtomic(file: string, text: string, io: WriteIo = NODE_IO): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    writeAll(fd, Buffer.from(text, 'utf8'), file, io);
    // Without fsync a power loss right after the rename can leave an empty file under the new name.
    fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    // close reports deferred write errors on some file systems (NFS), so it is checked too.
    closeSync(closing);
    renameWithRetry(tmp, file);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // The write already failed; that error is the one to report.
      }
    }
    rmSync(tmp, { force: true });
    throw StoreWriteError.of(err, file);
  }
}

/**
 * Writes every byte of `buffer` at the file's current position: write(2) may write less than asked
 * (a nearly full disk does), so it loops on the count it returns. A write that makes no progress
 * is an error, never a silent cut. Returns nothing; throws what the write threw.
 */
export function writeAll(fd: number, buffer: Uint8Array, file: string, io: WriteIo = NODE_IO): void {
  let offset = 0;
  while (offset < buffer.length) {
    const written = io.writeSync(fd, buffer, offset, buffer.length - offset);
    if (!(written > 0)) {
      throw new StoreWriteError(file, undefined, `a write made no progress after ${offset} of ${buffer.length} bytes (the disk may be full) while writing ${path.basename(file)} in ${path.dirname(file)}`);
    }
    offset += written;
  }
}

/** On Windows a rename fails with EPERM/EBUSY while another process has the target open; retry briefly. */
function renameWithRetry(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 20 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 * (attempt + 1));
    }
  }
}
