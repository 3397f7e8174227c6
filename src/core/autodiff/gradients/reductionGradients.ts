// Gradients of softmax, products and cumulative sums/products, re-written so that nested tf.grad
// differentiates them correctly, and of Sum and Mean, re-written to be cheaper with the same values.
// tfjs 4.22's Softmax gradient uses the saved output (disconnected from the outer tape, see
// elementwiseGradients.ts); its Prod gradient calls chained tensor methods (`x.reshape`) that are
// not registered in this bundle, so even the first derivative throws, and it relies on Cumprod,
// which has no gradient at all; its Cumsum gradient transposes the result for a non-last axis,
// which returns the wrong shape.
import * as tf from '@tensorflow/tfjs-core';
import { single, toFloat } from './gradHelpers';

/** Softmax: with y = softmax(x) recomputed from x, dx = y ⊙ (dy − Σ_dim dy ⊙ y). */
export const softmaxGradConfig: tf.GradConfig = {
  kernelName: tf.Softmax,
  inputsToSave: ['logits'],
  gradFunc: (dy, saved, attrs) => {
    const [logits] = saved as [tf.Tensor];
    const { dim } = attrs as unknown as tf.SoftmaxAttrs;
    return {
      logits: () => {
        const y = tf.softmax(toFloat(logits), dim);
        const dyTimesY = tf.mul(single(dy), y);
        return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, dim, true), y));
      },
    };
  },
};

/**
 * Prod: ∂/∂x_i Π_j x_j = Π_{j≠i} x_j, computed as (exclusive cumprod) ⊙ (reverse exclusive
 * cumprod) over the reduced axes, so zeros in x are handled exactly (no division).
 */
export const prodGradConfig: tf.GradConfig = {
  kernelName: tf.Prod,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const { axis } = attrs as unknown as tf.ProdAttrs;
    return {
      x: () => {
        const rank = x.rank;
        const axes = tf.util.parseAxisParam(axis, x.shape);
        // Move the reduced axes last and flatten them into one, as tfjs's prodsGradFn_ does.
        const perm = tf.backend_util.getAxesPermutation(axes, rank);
        const permuted = perm == null ? toFloat(x) : tf.transpose(toFloat(x), perm);
        const keptShape = permuted.shape.slice(0, rank - axes.length);
        const reducedSize = permuted.shape.slice(rank - axes.length).reduce((p, c) => p * c, 1);
        const flat = tf.reshape(permuted, [...keptShape, reducedSize]);
        const last = keptShape.length;
        const othersProduct = tf.mul(tf.cumprod(flat, last, true, false), tf.cumprod(flat, last, true, true));
        const flatGrad = tf.mul(tf.reshape(single(dy), [...keptShape, 1]), othersProduct);
        const grad = tf.reshape(flatGrad, permuted.shape);
        return perm == null ? grad : tf.transpose(grad, tf.backend_util.getUndoAxesPermutation(perm));
      },
    };
  },
};

/** Cumsum: the adjoint of a prefix sum is the suffix sum in the opposite direction. */
export const cumsumGradConfig: tf.GradConfig = {
  kernelName: tf.Cumsum,
  gradFunc: (dy, _saved, attrs) => {
    const { axis, exclusive, reverse } = attrs as unknown as tf.CumsumAttrs;
    return { x: () => tf.cumsum(single(dy), axis, exclusive, !reverse) };
  },
};

/**
 * Cumprod: with y = cumprod(x) recomputed from x, dx = cumsum(dy ⊙ y, opposite direction) / x, as in
 * TensorFlow's _CumprodGrad. Like TensorFlow's, it is undefined (NaN) where an input is exactly 0;
 * Prod's first derivative does not go through it, only Prod's second derivative does.
 */
export const cumprodGradConfig: tf.GradConfig = {
  kernelName: tf.Cumprod,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const { axis, exclusive, reverse } = attrs as unknown as tf.CumprodAttrs;
    return {
      x: () => {
        const xf = toFloat(x);
        const y = tf.cumprod(xf, axis, exclusive, reverse);
        return tf.div(tf.cumsum(tf.mul(single(dy), y), axis, exclusive, !reverse), xf);
      },
    };
  },
};

/** dy reshaped to x's rank (reduced axes of size 1) and spread over x's shape, as tfjs's Sum and Mean gradients do. */
function spreadOver(dy: tf.Tensor | tf.Tensor[], x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const expandedShape = x.shape.slice();
  for (const a of tf.util.parseAxisParam(axis, x.shape)) expandedShape[a] = 1;
  // tfjs multiplies by ones(x.shape), filled in JS and copied to the backend on every call (0.3 ms
  // for 50 000 floats on wasm, once per backward pass through a sum); a Fill kernel gives the same ones.
  return tf.mul(tf.reshape(single(dy), expandedShape), tf.fill(x.shape, 1, 'float32'));
}

/** Sum: dx = dy spread over the reduced axes (tfjs's gradient, with the ones made by a kernel). */
export const sumGradConfig: tf.GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => spreadOver(dy, x, (attrs as unknown as tf.SumAttrs).axis) };
  },
};

/** Mean: dx = dy spread over the reduced axes, divided by their size (tfjs's gradient, ones from a kernel). */
export const meanGradConfig: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const { axis } = attrs as unknown as tf.MeanAttrs;
    const reduceSize = tf.util.sizeFromShape(tf.backend_util.computeOutAndReduceShapes(x.shape, tf.util.parseAxisParam(axis, x.shape))[1]);
    return { x: () => tf.div(spreadOver(dy, x, axis), reduceSize) };
  },
};

/** The reduction-family gradients above, in registration order. */
export const reductionGradients: readonly tf.GradConfig[] = [
  sumGradConfig,
  meanGradConfig,
  softmaxGradConfig,
  prodGradConfig,
  cumsumGradConfig,
  cumprodGradConfig,
];
