// Softmax cross-entropy as registered kernels, where a backend implements them (webgpu:
// src/runtime/webgpu/softmaxRowProgram.ts). Generic ops cost the lower-level step of a classifier
// ~28 GPU dispatches for the loss, its gradient and the Hessian-vector product through it; these
// kernels cost 1 each (docs/performance.md). Their gradients are declared here, in the kernels
// themselves and plain ops, so every order stays exact under nested tf.grad:
//   crossEntropy  → crossEntropyGrad
//   crossEntropyGrad → crossEntropyHvp (logits), Σ w·crossEntropyGrad(·, 1) (dy)
//   crossEntropyHvp  → crossEntropyHvp (logits, u), Σ w·crossEntropyHvp(·, 1, u) (dy)
//   jvp → jvp;   softmax → jvp
// with the logits' part of a Jacobian product's derivative from d(J(z)u)ᵀw = J(z)·v,
// v = w⊙(u − pᵀu) − (pᵀw)·u, p = softmax(z) (J is symmetric).
import * as tf from '@tensorflow/tfjs-core';
import { MAX_FUSED_SOFTMAX_CLASSES, SOFTMAX_KERNELS } from '../../common/softmaxKernelNames';

let enabled = true;

/** Turns the fused kernels off (true: on, the default) for an A/B comparison; returns the previous setting. */
export function setFusedSoftmax(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}

/** Whether crossEntropy can take the fused kernels for these logits on the current backend. */
export function fusedSoftmaxApplies(logits: tf.Tensor): boolean {
  return (
    enabled &&
    logits.shape[logits.rank - 1]! <= MAX_FUSED_SOFTMAX_CLASSES &&
    tf.getKernel(SOFTMAX_KERNELS.crossEntropy, tf.getBackend()) !== undefined
  );
}

const run = (name: string, inputs: tf.NamedTensorMap): tf.Tensor => tf.engine().runKernel(name, inputs) as tf.Tensor;

/** Per-row softmax cross-entropy log Σ exp(z) − z[label] of int32 labels (0 where a label is outside [0, classes)), one kernel. */
export function fusedCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return run(SOFTMAX_KERNELS.crossEntropy, { logits, labels });
}

function softmax(logits: tf.Tensor): tf.Tensor {
  return run(SOFTMAX_KERNELS.softmax, { logits });
}

function jvp(logits: tf.Tensor, u: tf.Tensor): tf.Tensor {
  return run(SOFTMAX_KERNELS.jvp, { logits, u });
}

function crossEntropyGrad(logits: tf.Tensor, labels: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return run(SOFTMAX_KERNELS.crossEntropyGrad, { logits, labels, dy });
}

function crossEntropyHvp(logits: tf.Tensor, labels: tf.Tensor, dy: tf.Tensor, u: tf.Tensor): tf.Tensor {
  return run(SOFTMAX_KERNELS.crossEntropyHvp, { logits, labels, dy, u });
}

/** v with d(J(z)u)ᵀw = J(z)·v: the logits' part of a Jacobian product's derivative. */
function jvpLogitsCotangent(logits: tf.Tensor, u: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const last = logits.rank - 1;
  const p = softmax(logits);
  const pu = tf.sum(tf.mul(p, u), last, true);
  const pw = tf.sum(tf.mul(p, w), last, true);
  return tf.sub(tf.mul(w, tf.sub(u, pu)), tf.mul(pw, u));
}

/** The gradients of the fused softmax kernels, registered with the second-order-safe ones. */
export const fusedSoftmaxGradients: readonly tf.GradConfig[] = [
  {
    kernelName: SOFTMAX_KERNELS.softmax,
    inputsToSave: ['logits'],
    gradFunc: (w, [z]) => ({ logits: () => jvp(z!, w as tf.Tensor) }),
  },
  {
    kernelName: SOFTMAX_KERNELS.jvp,
    inputsToSave: ['logits', 'u'],
    gradFunc: (w, [z, u]) => ({
      logits: () => jvp(z!, jvpLogitsCotangent(z!, u!, w as tf.Tensor)),
      u: () => jvp(z!, w as tf.Tensor),
    }),
  },
  {
    kernelName: SOFTMAX_KERNELS.crossEntropy,
    inputsToSave: ['logits', 'labels'],
    gradFunc: (dy, [z, labels]) => ({
      logits: () => crossEntropyGrad(z!, labels!, dy as tf.Tensor),
      labels: () => tf.zerosLike(labels!),
    }),
  },
  {
    kernelName: SOFTMAX_KERNELS.crossEntropyGrad,
    inputsToSave: ['logits', 'labels', 'dy'],
    gradFunc: (w, [z, labels, dy]) => ({
      logits: () => crossEntropyHvp(z!, labels!, dy!, w as tf.Tensor),
      labels: () => tf.zerosLike(labels!),
      dy: () => tf.sum(tf.mul(w as tf.Tensor, crossEntropyGrad(z!, labels!, tf.onesLike(dy!))), -1),
    }),
  },
  {
    kernelName: SOFTMAX_KERNELS.crossEntropyHvp,
    inputsToSave: ['logits', 'labels', 'dy', 'u'],
    gradFunc: (w, [z, labels, dy, u]) => ({
      logits: () => crossEntropyHvp(z!, labels!, dy!, jvpLogitsCotangent(z!, u!, w as tf.Tensor)),
      labels: () => tf.zerosLike(labels!),
      dy: () => tf.sum(tf.mul(w as tf.Tensor, crossEntropyHvp(z!, labels!, tf.onesLike(dy!), u!)), -1),
      u: () => crossEntropyHvp(z!, labels!, dy!, w as tf.Tensor),
    }),
  },
];
