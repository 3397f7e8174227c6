// The classification accuracy both data workloads report (hyperclean-mnist, fewshot-mnist).
import * as tf from '@tensorflow/tfjs-core';

/** Accuracy in percent of argmax(logits) against integer labels. */
export function accuracyOf(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.mul(tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')), 100) as tf.Scalar;
}
