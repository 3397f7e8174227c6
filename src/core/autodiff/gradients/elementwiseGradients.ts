// Elementwise gradients that tfjs 4.22 writes in terms of the kernel's saved output y (Exp, Sigmoid,
// Tanh, Elu, Pow's exponent), re-written in terms of the saved input x. Why: the engine clones a
// saved output onto the tape *before* the node that produced it, so an outer tf.grad sees y as a
// constant and second derivatives through it vanish or throw. Recomputing f(x) from x with ops
// whose own gradients are correct keeps every nested derivative connected. Selu is re-written too,
// because tfjs's version puts exp(x) for x > 0 in an unused where() branch, which overflows to Inf
// for x > 88 and turns the second derivative into 0 · Inf = NaN.
import * as tf from '@tensorflow/tfjs-core';
import { single, sumToShape, toFloat } from './gradHelpers';

// SELU's scale and scale·alpha, the constants tfjs's kernels use (Klambauer et al., 2017).
const { SELU_SCALE, SELU_SCALEALPHA } = tf.backend_util;

/** Exp: d/dx exp(x) = exp(x), recomputed from x. */
export const expGradConfig: tf.GradConfig = {
  kernelName: tf.Exp,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => tf.mul(single(dy), tf.exp(toFloat(x))) };
  },
};

/** Sigmoid: d/dx σ(x) = σ(x)(1 − σ(x)), recomputed from x. */
export const sigmoidGradConfig: tf.GradConfig = {
  kernelName: tf.Sigmoid,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return {
      x: () => {
        const s = tf.sigmoid(toFloat(x));
        return tf.mul(single(dy), tf.mul(s, tf.sub(1, s)));
      },
    };
  },
};

/** Tanh: d/dx tanh(x) = 1 − tanh²(x), recomputed from x. */
export const tanhGradConfig: tf.GradConfig = {
  kernelName: tf.Tanh,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => tf.mul(single(dy), tf.sub(1, tf.square(tf.tanh(toFloat(x))))) };
  },
};

/** Elu: d/dx elu(x) = 1 for x > 0 and exp(x) otherwise, which is exactly exp(min(x, 0)). */
export const eluGradConfig: tf.GradConfig = {
  kernelName: tf.Elu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    // One smooth-per-piece expression instead of a where(): nothing overflows for large x, and
    // its derivative (exp(x) for x ≤ 0, 0 for x > 0) is the second derivative of elu.
    return { x: () => tf.mul(single(dy), tf.exp(tf.minimum(toFloat(x), 0))) };
  },
};

/** Selu: d/dx selu(x) = scale for x > 0 and scale·alpha·exp(x) otherwise. */
export const seluGradConfig: tf.GradConfig = {
  kernelName: tf.Selu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return {
      x: () => {
        const xf = toFloat(x);
        // exp(min(x, 0)) stays finite in the branch where() discards, so its gradient is 0, not NaN.
        const negative = tf.mul(tf.exp(tf.minimum(xf, 0)), SELU_SCALEALPHA);
        const slope = tf.where(tf.greater(xf, 0), tf.mul(tf.onesLike(xf), SELU_SCALE), negative);
        return tf.mul(single(dy), slope);
      },
    };
  },
};

/** Pow: ∂/∂a a^b = b·a^(b−1) and ∂/∂b a^b = a^b·log(a) (0 where a ≤ 0), both from the inputs. */
export const powGradConfig: tf.GradConfig = {
  kernelName: tf.Pow,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const g = single(dy);
    return {
      a: () => {
        const bf = toFloat(b);
        return sumToShape(tf.mul(g, tf.mul(bf, tf.pow(a, tf.sub(bf, 1)))), a.shape);
      },
      b: () => {
        // log of a where a > 0 and of 1 elsewhere: tfjs's value (0 for a ≤ 0), but without the
        // log(0) = −Inf whose gradient would turn the discarded branch into NaN.
        const positive = tf.greater(a, 0);
        const logA = tf.log(tf.where(positive, a, tf.onesLike(a)));
        return sumToShape(tf.mul(g, tf.mul(tf.pow(a, b), logA)), b.shape);
      },
    };
  },
};

/** The elementwise gradients above, in registration order. */
export const elementwiseGradients: readonly tf.GradConfig[] = [
  expGradConfig,
  sigmoidGradConfig,
  tanhGradConfig,
  eluGradConfig,
  seluGradConfig,
  powGradConfig,
];
