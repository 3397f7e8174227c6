// The workloads of the PyTorch reference script (../shared/bench/torch_blo_bench.py), as tfjs
// problems for `npm run bench:compare`: data hyper-cleaning with N×784 inputs and 10 classes, one
// weight σ(x_i) per training sample, and a linear or 784-300-10 ReLU lower-level model. Mirrors
// HyperCleanProblem in that script; the differences that matter for timing are none, and the ones
// that do not are listed in docs/performance.md (data values, the outer optimizer).
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, defineProblem } from '../src/core';
import type { ProblemDefinition, Rng } from '../src/core';
import { syntheticHyperCleaning } from './syntheticHyperCleaning';

/** A reference workload: its name in the torch script and how to build our problem. */
export interface ReferenceWorkload {
  /** The torch script's `--workload` value. */
  readonly id: 'hyperclean-linear' | 'hyperclean-mlp';
  readonly label: string;
  /** Our problem, with `samples` training and validation samples (default 5000, as the torch script). */
  readonly make: (samples?: number) => ProblemDefinition<unknown, unknown>;
}

type Data = { trainX: tf.Tensor2D; trainY: tf.Tensor1D; valX: tf.Tensor2D; valY: tf.Tensor1D };

/**
 * f = mean σ(x_i)·CE(relu(a_i W1 + b1) W2 + b2, l_i) on training, F = mean CE on validation, with
 * the torch script's start y_0 = U(±1/√fan_in) for every weight and bias (its `unif`), l2 = 0.
 */
export function syntheticHyperCleaningMlp(samples = 5000, features = 784, hidden = 300, classes = 10): ProblemDefinition<Data> {
  const table = (rng: Rng, rows: number): tf.Tensor2D => tf.tensor2d(Float32Array.from({ length: rows * features }, () => rng.uniform()), [rows, features]);
  const labels = (rng: Rng, rows: number): tf.Tensor1D => tf.tensor1d(Int32Array.from({ length: rows }, () => Math.floor(rng.uniform() * classes)), 'int32');
  const uniform = (size: number, fanIn: number) => (rng: Rng) => Float32Array.from({ length: size }, () => (rng.uniform() * 2 - 1) / Math.sqrt(fanIn));
  const logits = (y: Record<string, tf.Tensor>, inputs: tf.Tensor2D): tf.Tensor => {
    const h = tf.relu(tf.add(tf.matMul(inputs, y['W1'] as tf.Tensor2D), y['b1']!));
    return tf.add(tf.matMul(h as tf.Tensor2D, y['W2'] as tf.Tensor2D), y['b2']!);
  };
  return defineProblem<Data>({
    id: 'bench-hyperclean-mlp',
    upper: {
      variables: { x: { shape: [samples], init: 0 } },
      objective: (_x, y, d) => crossEntropy(logits(y, d.valX), d.valY) as tf.Scalar,
    },
    lower: {
      variables: {
        W1: { shape: [features, hidden], init: uniform(features * hidden, features) },
        b1: { shape: [hidden], init: uniform(hidden, features) },
        W2: { shape: [hidden, classes], init: uniform(hidden * classes, hidden) },
        b2: { shape: [classes], init: uniform(classes, hidden) },
      },
      objective: ({ x }, y, d) => tf.mean(tf.mul(tf.sigmoid(x!), crossEntropy(logits(y, d.trainX), d.trainY, { reduction: 'none' }))) as tf.Scalar,
    },
    data: (rng) => ({ trainX: table(rng, samples), trainY: labels(rng, samples), valX: table(rng, samples), valY: labels(rng, samples) }),
    defaults: { lowerLr: 0.03, outerLr: 0.01, outerOptimizer: 'adam' },
  });
}

/** The two reference workloads: 5000 training and 5000 validation samples, as in the torch script's defaults. */
export const REFERENCE_WORKLOADS: readonly ReferenceWorkload[] = [
  { id: 'hyperclean-linear', label: 'linear LL', make: (samples) => syntheticHyperCleaning(samples) as ProblemDefinition<unknown, unknown> },
  { id: 'hyperclean-mlp', label: 'MLP 784-300-10', make: (samples) => syntheticHyperCleaningMlp(samples) as ProblemDefinition<unknown, unknown> },
];
