// Zero gradients for kernels whose outputs are piecewise constant in their inputs (comparisons,
// logical ops, argmax). Their derivative is 0 wherever it exists, but tfjs 4.22 registers no
// gradient for most of them, so any tape path through one throws "gradient function not found".
// First-order code rarely meets them; nested tf.grad does all the time, because gradients such as
// Max's (equal(x, max)), LeakyRelu's (greater(x, 0)) or ClipByValue's (logicalAnd(...)) compute
// masks from x, and the outer tape walks back through those masks.
import * as tf from '@tensorflow/tfjs-core';
import { floatZeros } from './gradHelpers';

/** A gradient config returning float32 zeros for each named input (inputs are saved for their shapes). */
export function zeroGradConfig(kernelName: string, inputNames: readonly string[]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: [...inputNames],
    gradFunc: (_dy, saved) => {
      const grads: Record<string, () => tf.Tensor> = {};
      inputNames.forEach((name, i) => {
        grads[name] = () => floatZeros(saved[i]!);
      });
      return grads;
    },
  };
}

/** Zero gradients for the comparison, logical and arg-reduction kernels. */
export const zeroGradients: readonly tf.GradConfig[] = [
  ...[tf.Equal, tf.NotEqual, tf.Greater, tf.GreaterEqual, tf.Less, tf.LessEqual].map((k) => zeroGradConfig(k, ['a', 'b'])),
  ...[tf.LogicalAnd, tf.LogicalOr, tf.LogicalXor].map((k) => zeroGradConfig(k, ['a', 'b'])),
  // tfjs's ArgMax/ArgMin gradients return zerosLike(x), which is int32 (and rejected) for int32 x.
  ...[tf.LogicalNot, tf.ArgMax, tf.ArgMin].map((k) => zeroGradConfig(k, ['x'])),
];
