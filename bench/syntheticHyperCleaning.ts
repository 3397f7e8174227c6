// The data hyper-cleaning shape of docs/methods.md §9f with synthetic data: N×784 inputs, 10 classes, a
// linear lower-level model, and one weight σ(x_i) per training sample. Timing only: the labels
// are random, so the numbers it learns mean nothing.
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, defineProblem } from '../src/core';
import type { ProblemDefinition, Rng } from '../src/core';

type Data = { trainX: tf.Tensor2D; trainY: tf.Tensor1D; valX: tf.Tensor2D; valY: tf.Tensor1D };

/** F = mean CE on validation; f = mean σ(x_i)·CE_i on training (docs/methods.md §9f), h_y linear 784→10. */
export function syntheticHyperCleaning(samples = 5000, features = 784, classes = 10): ProblemDefinition<Data> {
  const table = (rng: Rng, rows: number): tf.Tensor2D =>
    tf.tensor2d(Float32Array.from({ length: rows * features }, () => rng.uniform()), [rows, features]);
  const labels = (rng: Rng, rows: number): tf.Tensor1D =>
    tf.tensor1d(Int32Array.from({ length: rows }, () => Math.floor(rng.uniform() * classes)), 'int32');
  const logits = (y: Record<string, tf.Tensor>, inputs: tf.Tensor2D): tf.Tensor => tf.add(tf.matMul(inputs, y['W'] as tf.Tensor2D), y['b']!);
  return defineProblem<Data>({
    id: 'bench-hyperclean',
    upper: {
      variables: { x: { shape: [samples], init: 0 } },
      objective: (_x, y, d) => crossEntropy(logits(y, d.valX), d.valY) as tf.Scalar,
    },
    lower: {
      variables: { W: { shape: [features, classes], init: 0 }, b: { shape: [classes], init: 0 } },
      objective: ({ x }, y, d) => tf.mean(tf.mul(tf.sigmoid(x!), crossEntropy(logits(y, d.trainX), d.trainY, { reduction: 'none' }))) as tf.Scalar,
    },
    data: (rng) => ({ trainX: table(rng, samples), trainY: labels(rng, samples), valX: table(rng, samples), valY: labels(rng, samples) }),
    defaults: { lowerLr: 0.03, outerLr: 0.01, outerOptimizer: 'adam' },
  });
}
