// What a file event under a runs folder means for the history: which run or sweep changed, so the
// history re-reads only that one (storeCache.ts). Pure: paths in, a change out.
import * as path from 'node:path';
import { RUN_ID_PATTERN } from '../../store/runId';
import { SWEEPS_DIR } from '../../store/sweepStore';

/** A change in a runs folder: one run's folder or files, one sweep's record, or the folder as a whole. */
export type StoreChange =
  | { readonly kind: 'run'; readonly storeDir: string; readonly id: string }
  | { readonly kind: 'sweep'; readonly storeDir: string; readonly id: string }
  | { readonly kind: 'store'; readonly storeDir: string };

/**
 * The change an event on `file` stands for, given the runs folders watched: `<store>/<run id>[/…]` is
 * that run, `<store>/.sweeps/<sweep id>[/…]` that sweep, the store folder itself (or anything else
 * in it) the whole store; undefined for a path under none of them. The deepest store wins, so a
 * store inside another store's folder gets its own events.
 */
export function storeChangeOf(storeDirs: readonly string[], file: string): StoreChange | undefined {
  const target = path.resolve(file);
  let best: string | undefined;
  for (const dir of storeDirs) {
    const root = path.resolve(dir);
    if ((target === root || target.startsWith(root + path.sep)) && (best === undefined || root.length > best.length)) best = root;
  }
  if (best === undefined) return undefined;
  const parts = path.relative(best, target).split(path.sep).filter((p) => p !== '');
  if (parts[0] === SWEEPS_DIR && parts[1] !== undefined && RUN_ID_PATTERN.test(parts[1])) return { kind: 'sweep', storeDir: best, id: parts[1] };
  if (parts[0] !== undefined && parts[0] !== SWEEPS_DIR && RUN_ID_PATTERN.test(parts[0])) return { kind: 'run', storeDir: best, id: parts[0] };
  return { kind: 'store', storeDir: best };
}
