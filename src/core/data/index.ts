// Plain-array datasets for the workloads (no files: loaders are registered by the Node side).
export { registerDataset, loadDataset } from './datasetRegistry';
export { shuffledIndices, selectRows, splitRows, corruptLabels } from './labelledImages';
export type { LabelledImages, CorruptedLabels } from './labelledImages';
