// The registered tfjs kernels of the fused softmax family: src/core/autodiff declares their
// gradients and calls them, src/runtime/webgpu implements them in WGSL. The names are the whole
// contract between the two layers, so they live here, where both may import them.

/** Kernel names of the fused softmax family, each over the last axis of `logits`. */
export const SOFTMAX_KERNELS = {
  /** softmax(logits). */
  softmax: 'BilevelSoftmax',
  /** J(z)·u = p⊙u − p·Σₖ pₖuₖ with p = softmax(z): the softmax Jacobian (symmetric) times u. */
  jvp: 'BilevelSoftmaxJvp',
  /** Per-row loss log Σ exp(z) − z[label] for int32 class labels (0 for a label outside [0, classes)). */
  crossEntropy: 'BilevelSoftmaxCrossEntropy',
  /** dy·(softmax(z) − oneHot(label)), 0 on rows whose label is out of range: the cross-entropy's gradient for the per-row cotangent dy. */
  crossEntropyGrad: 'BilevelSoftmaxCrossEntropyGrad',
  /** dy·(J(z)·u) on rows whose label is in range, 0 on the others: the cross-entropy's Hessian-vector product. */
  crossEntropyHvp: 'BilevelSoftmaxCrossEntropyHvp',
} as const;

/** The most classes the fused kernels take: each GPU thread walks its row, which pays only for short rows. */
export const MAX_FUSED_SOFTMAX_CLASSES = 256;
