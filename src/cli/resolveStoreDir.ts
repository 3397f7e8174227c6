// Where `run` and `compare` keep their runs, checked before any run starts. Unchecked, a --store
// that names a file or a folder nobody may write failed deep inside the run pipeline as an internal
// error with a stack, after the problem was loaded and the backend started. Nothing is created
// here: a probe file in the nearest existing folder tells whether the store could be made.
import { rmSync, statSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { messageOf } from '../common/messageOf';
import { storeDir } from './prepareProblem';
import { UsageError } from './usageError';

/**
 * The runs folder of `--store DIR` (default `<cwd>/.bilevel/runs`), or undefined with `--no-store`;
 * throws a UsageError naming --store when the two contradict, DIR is empty, a file, or cannot be written.
 */
export function resolveStoreDir(flags: ReadonlyMap<string, string>): string | undefined {
  const noStore = flags.has('no-store') && flags.get('no-store') !== 'false';
  const given = flags.get('store');
  if (noStore && given !== undefined) throw new UsageError(`--store ${given} and --no-store contradict each other; give one of them`);
  if (noStore) return undefined;
  if (given === '') throw new UsageError('--store needs a folder, e.g. --store runs (or --no-store to keep nothing)');
  const dir = storeDir(flags);
  checkWritableFolder(dir, given !== undefined ? `--store ${given}` : `the run store ${dir} (the default; give --store DIR)`);
  return dir;
}

/** Throws a UsageError, starting with `label`, unless `dir` is a folder that can be written or could be created. */
function checkWritableFolder(dir: string, label: string): void {
  // The nearest folder that exists: `dir` itself, or the one it would be created in.
  let existing = dir;
  let stats: Stats | undefined;
  for (;;) {
    try {
      stats = statSync(existing);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = path.dirname(existing);
      // ENOTDIR: a component on the way is a file; the walk up finds it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === existing) {
        throw new UsageError(`${label}: cannot look at ${existing} (${messageOf(err)}); give a folder you can write (created if missing), or --no-store`);
      }
      existing = parent;
    }
  }
  if (!stats.isDirectory()) {
    throw new UsageError(
      existing === dir
        ? `${label}: ${dir} is a file, not a folder; give a folder for the runs (created if missing), or --no-store`
        : `${label}: ${existing} is a file, so no folder can be made under it; give a folder for the runs (created if missing), or --no-store`,
    );
  }
  // Permission bits do not tell (root writes through them; a read-only mount or /proc refuses
  // everyone): writing is the only reliable test.
  const probe = path.join(existing, `.bilevel-write-probe-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (err) {
    throw new UsageError(`${label}: cannot write in ${existing} (${messageOf(err)}); give a folder you can write (created if missing), or --no-store`);
  }
  rmSync(probe, { force: true });
}
