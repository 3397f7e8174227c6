// Small tensor helpers shared by the re-registered gradients in this folder.
import * as tf from '@tensorflow/tfjs-core';

/** `x` as float32, without a Cast kernel when it already is (tfjs gradients cast integer inputs first). */
export function toFloat(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/** Sums a broadcast gradient back to `shape` (the reverse of broadcasting `shape` to `g.shape`). */
export function sumToShape(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape as number[], g.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, shape as number[]);
}

/** A float32 zero gradient for an input of this shape: the tape rejects gradients of any other dtype. */
export function floatZeros(like: tf.Tensor): tf.Tensor {
  // A Fill kernel: tf.zeros builds the array in JS and copies it to the backend.
  return tf.fill(like.shape, 0, 'float32');
}

/** The single dy of a single-output kernel (the tape passes an array only to multi-output kernels). */
export function single(dy: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(dy)) throw new Error('expected the gradient of a single-output kernel');
  return dy;
}
