// A log-softmax that, unlike tf.logSoftmax (a customGrad op), has correct second derivatives.
import * as tf from '@tensorflow/tfjs-core';
import { maxShift } from './logSumExp';
import { registerSecondOrderGradients } from './registerSecondOrderGradients';

/**
 * log softmax(logits) along `axis` (default last): z − m − log Σ exp(z − m) with m = max(z) held
 * constant, so it is stable for |z| ~ 100 and beyond. Its gradient is dy − softmax(z)·Σ dy and its
 * second derivatives are exact under nested tf.grad. Does not dispose `logits`.
 */
export function logSoftmax(logits: tf.Tensor, axis = -1): tf.Tensor {
  registerSecondOrderGradients();
  const ax = tf.util.parseAxisParam(axis, logits.shape);
  return tf.tidy(() => {
    const z = logits.dtype === 'float32' ? logits : tf.cast(logits, 'float32');
    const shifted = tf.sub(z, maxShift(z, ax));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), ax, true)));
  });
}
