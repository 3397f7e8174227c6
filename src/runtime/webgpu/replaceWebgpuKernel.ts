// The one way this folder swaps a tfjs-backend-webgpu kernel for its own.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';

const replaced = new Set<string>();

/** Registers `kernelFunc` as webgpu's `kernelName`, keeping its gradient config; idempotent, a no-op without webgpu. */
export function replaceWebgpuKernel(kernelName: string, kernelFunc: KernelFunc): void {
  if (replaced.has(kernelName)) return;
  const original = tf.getKernel(kernelName, 'webgpu');
  if (!original) return;
  tf.unregisterKernel(kernelName, 'webgpu');
  tf.registerKernel({ ...original, kernelFunc });
  replaced.add(kernelName);
}
