// A gradient barrier for tfjs-core, which has no stop_gradient op.
import * as tf from '@tensorflow/tfjs-core';

/**
 * compute(x) with a zero gradient with respect to x, at every nesting depth of tf.grad: compute runs
 * inside a customGrad forward pass, which the engine never records on the tape, and the zero it
 * sends back is a constant. For values that are locally constant (masks, argmax shifts) or meant to
 * be held fixed. Does not dispose `x`.
 */
export function withoutGradient(x: tf.Tensor, compute: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    // The shape, not the tensor: `input` may be an intermediate that a caller's tidy has disposed
    // by the time the backward pass runs.
    const shape = input.shape;
    return { value: compute(input), gradFunc: () => tf.zeros(shape, 'float32') };
  });
  return op(x);
}

/** A copy of `x` that every tf.grad, at any nesting depth, treats as a constant. Does not dispose `x`. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return withoutGradient(x, (t) => tf.clone(t)) as T;
}
