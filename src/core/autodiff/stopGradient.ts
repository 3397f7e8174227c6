// A gradient barrier for tfjs-core, which has no stop_gradient op.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Returns a copy of `x` that every tf.grad, at any nesting depth, treats as a constant: its
 * gradient is zero. The copy is computed inside a customGrad forward pass, which the engine never
 * records on the tape, and the zero it sends back is itself constant, so second derivatives through
 * it are zero as well. Does not dispose `x`.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const barrier = tf.customGrad((input: tf.Tensor) => ({
    value: tf.clone(input),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return barrier(x) as T;
}
