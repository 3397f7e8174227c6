// A log-sum-exp whose derivatives of every order are correct under nested tf.grad.
import * as tf from '@tensorflow/tfjs-core';
import { registerSecondOrderGradients } from './registerSecondOrderGradients';
import { withoutGradient } from './stopGradient';

/**
 * The stabilizing shift max(x) over `axes` (keepDims), or 0 where that max is not finite, with a
 * zero gradient. Any constant shift c gives log Σ exp(x) = c + log Σ exp(x − c) exactly, so holding
 * it fixed (as TensorFlow's reduce_logsumexp does) leaves every derivative exact, and the tape
 * never walks back through Max and its equal() mask.
 */
export function maxShift(x: tf.Tensor, axes: number[]): tf.Tensor {
  return withoutGradient(x, (input) => {
    const m = tf.max(input, axes, true);
    // An all −∞ (or +∞/NaN) slice would make x − m NaN; shift it by 0 instead and let log Σ exp
    // give −∞ (or propagate the NaN) on its own, as TensorFlow does.
    return tf.where(tf.isFinite(m), m, tf.zerosLike(m));
  });
}

/**
 * exp(x − m) summed over `axes` (keepDims) for a shift m (see maxShift), giving log Σ exp(x) =
 * log(total) + m and, when `withP`, softmax(x) = exp(x − m) / total from the same Exp.
 */
export function shiftedExpParts(x: tf.Tensor, m: tf.Tensor, axes: number[], withP: boolean): { p?: tf.Tensor; lse: tf.Tensor } {
  const e = tf.exp(tf.sub(x, m));
  const total = tf.sum(e, axes, true);
  const lse = tf.add(tf.log(total), m);
  return withP ? { p: tf.div(e, total), lse } : { lse };
}

/**
 * log Σ exp(x) over `axis` (all axes by default), computed as m + log Σ exp(x − m) with m = max(x)
 * held constant, so it is finite for large |x| (logits of ±100 and beyond). Its gradient is
 * softmax(x) and its Hessian diag(p) − p pᵀ, both exact under nested tf.grad. Does not dispose `x`.
 */
export function logSumExp(x: tf.Tensor, axis: number | number[] | null = null, keepDims = false): tf.Tensor {
  registerSecondOrderGradients();
  const axes = axis == null ? x.shape.map((_, i) => i) : tf.util.parseAxisParam(axis, x.shape);
  return tf.tidy(() => {
    const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    const m = maxShift(xf, axes);
    const { lse } = shiftedExpParts(xf, m, axes, false);
    return keepDims ? lse : tf.reshape(lse, x.shape.filter((_, i) => !axes.includes(i)));
  });
}
