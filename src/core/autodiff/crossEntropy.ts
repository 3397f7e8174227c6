// Softmax cross-entropy with correct second derivatives. tf.losses.softmaxCrossEntropy is built on
// customGrad with a gradient that uses saved intermediates, which nested tf.grad sees as constants,
// so its Hessians are wrong; this one is plain ops over logSoftmax.
import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax } from './logSoftmax';
import { registerSecondOrderGradients } from './registerSecondOrderGradients';

/** How per-example losses are combined. */
export type CrossEntropyReduction = 'mean' | 'sum' | 'none';

/** Options of crossEntropy. */
export interface CrossEntropyOptions {
  /** 'mean' (default) averages over examples, 'sum' adds them, 'none' returns one loss per example. */
  reduction?: CrossEntropyReduction;
}

const REDUCTIONS: readonly CrossEntropyReduction[] = ['mean', 'sum', 'none'];

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Softmax cross-entropy over the last axis: loss = −Σ_k t_k · log softmax(logits)_k, where the
 * targets t are `labels` as given (float32, same shape as logits: one-hot or soft labels, which
 * stay differentiable) or oneHot(labels) for int32 class indices of shape logits.shape[:-1]
 * (indices outside [0, classes) give a zero target row, hence a zero loss). Stable for |logits| ~
 * 100; gradient (softmax·Σt − t), Hessian and mixed derivatives exact under nested tf.grad.
 * Does not dispose its inputs.
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, options: CrossEntropyOptions = {}): tf.Tensor {
  const { reduction = 'mean' } = options;
  if (!REDUCTIONS.includes(reduction)) {
    throw new Error(`crossEntropy: options.reduction must be one of ${REDUCTIONS.join(', ')}, got '${String(reduction)}'`);
  }
  if (logits.rank < 1 || logits.dtype !== 'float32') {
    throw new Error(`crossEntropy: logits must be a float32 tensor of rank ≥ 1, got ${logits.dtype} of shape [${logits.shape.join(', ')}]`);
  }
  const classes = logits.shape[logits.rank - 1]!;
  const exampleShape = logits.shape.slice(0, -1);
  if (labels.dtype === 'int32') {
    if (!sameShape(labels.shape, exampleShape)) {
      throw new Error(
        `crossEntropy: int32 labels (class indices) must have shape [${exampleShape.join(', ')}] (logits without the class axis), got [${labels.shape.join(', ')}]`,
      );
    }
  } else if (labels.dtype !== 'float32' || !sameShape(labels.shape, logits.shape)) {
    throw new Error(
      `crossEntropy: labels must be int32 class indices of shape [${exampleShape.join(', ')}] or float32 targets of shape [${logits.shape.join(', ')}], got ${labels.dtype} of shape [${labels.shape.join(', ')}]`,
    );
  }
  registerSecondOrderGradients();
  return tf.tidy(() => {
    const targets = labels.dtype === 'int32' ? tf.cast(tf.oneHot(labels, classes), 'float32') : labels;
    const losses = tf.neg(tf.sum(tf.mul(targets, logSoftmax(logits, -1)), -1));
    if (reduction === 'none') return losses;
    return reduction === 'sum' ? tf.sum(losses) : tf.mean(losses);
  });
}
