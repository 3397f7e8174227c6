// Named datasets that core problems load by name. Core reads no files, so whoever runs core in Node
// (CLI, worker, bench, tests) registers the loaders (src/datasets/registerNodeDatasets.ts).
import type { LabelledImages } from './labelledImages';

const loaders = new Map<string, () => LabelledImages>();
const loaded = new Map<string, LabelledImages>();

/** Makes `name` loadable; the loader runs once, on first use. */
export function registerDataset(name: string, load: () => LabelledImages): void {
  loaders.set(name, load);
  loaded.delete(name);
}

/** The dataset `name` (loaded once per process); throws naming the registered ones. */
export function loadDataset(name: string): LabelledImages {
  const cached = loaded.get(name);
  if (cached) return cached;
  const load = loaders.get(name);
  if (!load) {
    const known = [...loaders.keys()];
    throw new Error(`dataset '${name}' is not registered${known.length > 0 ? ` (registered: ${known.join(', ')})` : ''}; in Node, call registerNodeDatasets() from src/datasets first (the CLI and the worker do)`);
  }
  const set = load();
  loaded.set(name, set);
  return set;
}
