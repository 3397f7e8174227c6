// Where `bilevel.history.extraStores` points: more runs folders the history shows beside the
// workspace's own (a shared store a SLURM sweep writes into). Pure, so the resolution is unit-tested.
import * as path from 'node:path';

/**
 * The runs folders the setting's entries name, absolute and each once, in the order given: an
 * absolute path as is, `~` or `~/…` under `home`, anything else relative to the first workspace
 * folder (skipped when no folder is open, since it would have nothing to be relative to). Folders in
 * `exclude` (the workspace's own stores) are left out.
 */
export function resolveExtraStores(entries: readonly string[], folders: readonly string[], home: string, exclude: readonly string[] = []): string[] {
  const seen = new Set(exclude.map((dir) => path.resolve(dir)));
  const out: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    let dir: string;
    if (entry === '~' || entry.startsWith('~/') || entry.startsWith(`~${path.sep}`)) dir = path.join(home, entry.slice(1));
    else if (path.isAbsolute(entry)) dir = path.resolve(entry);
    else if (folders[0] !== undefined) dir = path.resolve(folders[0], entry);
    else continue;
    if (seen.has(dir)) continue;
    seen.add(dir);
    out.push(dir);
  }
  return out;
}
