// Registers the file-backed datasets with core's registry (core itself reads no files). Every Node
// process that runs core problems on data calls this once at start: the CLI, the worker, the bench.
import { registerDataset } from '../core/data/datasetRegistry';
import { loadMnist, type LoadMnistOptions } from './loadMnist';

// The cache folder of the last registration; registering again with the same options is a no-op, so
// a set that is already loaded stays loaded (core's registerDataset forgets it).
let registeredCacheDir: string | null | undefined;

/** Makes `loadDataset('mnist')` work in this process; idempotent for the same options. */
export function registerNodeDatasets(options: LoadMnistOptions = {}): void {
  const key = options.cacheDir ?? null;
  if (registeredCacheDir === key) return;
  registeredCacheDir = key;
  const own = { ...options };
  registerDataset('mnist', () => loadMnist(own));
}
