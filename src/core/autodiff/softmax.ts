// A softmax along any axis whose derivatives of every order are correct under nested tf.grad.
import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax } from './logSoftmax';
import { registerSecondOrderGradients } from './registerSecondOrderGradients';

/**
 * softmax(logits) along `axis` (default last): tfjs's Softmax kernel (with this module's
 * input-based gradient) on the last axis, exp(logSoftmax) on any other. Does not dispose `logits`.
 */
export function softmax(logits: tf.Tensor, axis = -1): tf.Tensor {
  registerSecondOrderGradients();
  const [ax] = tf.util.parseAxisParam(axis, logits.shape) as [number];
  return tf.tidy(() => {
    if (ax !== logits.rank - 1) return tf.exp(logSoftmax(logits, ax));
    return tf.softmax(logits.dtype === 'float32' ? logits : tf.cast(logits, 'float32'));
  });
}
