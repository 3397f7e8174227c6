// Atomic file replacement: readers see the old content or the new one, never a half-written file,
// even if the writer is killed mid-write.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Writes `text` to a temporary file in the same folder, flushes it to disk, then renames it over
 * `file`. Same folder keeps the rename on one file system, which is what makes it atomic.
 */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`);
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, text);
    // Without fsync a power loss right after the rename can leave an empty file under the new name.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameWithRetry(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
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
