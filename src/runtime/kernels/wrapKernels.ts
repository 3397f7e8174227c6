// The one way to put a wrapper around every kernel of a backend (timers, counters) and take it off.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';

/**
 * Re-registers every kernel of `backendName` with the kernelFunc `wrap` makes from its config, and
 * returns a function that registers the originals back. Kernels registered later are not wrapped.
 */
export function wrapKernels(backendName: string, wrap: (original: KernelConfig) => KernelFunc): () => void {
  const originals: KernelConfig[] = tf.getKernelsForBackend(backendName).map((k) => ({ ...k }));
  for (const original of originals) {
    const kernelFunc = wrap(original);
    tf.unregisterKernel(original.kernelName, backendName);
    tf.registerKernel({ ...original, kernelFunc });
  }
  return () => {
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, backendName);
      tf.registerKernel(original);
    }
  };
}
