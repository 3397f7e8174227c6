// A monotonic millisecond clock without DOM or node typings (core's tsconfig has neither), and the
// wait that makes it honest on a GPU.
import * as tf from '@tensorflow/tfjs-core';

declare const performance: { now(): number } | undefined;

/** Milliseconds from a monotonic clock where the runtime has one (Node, browsers), else Date.now. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Resolves once `tensor` is computed: on an asynchronous (GPU) backend a kernel returns before its
 * work is done, so a phase's time is honest only after this. It reads back one float (the sum), not
 * the tensor: the wait is the point, and a weight matrix read back whole (940 KB for the MLP) adds
 * a copy to it. Does not dispose `tensor`.
 */
export async function computed(tensor: tf.Tensor): Promise<void> {
  const total = tf.tidy(() => tf.sum(tensor));
  await total.data();
  total.dispose();
}
