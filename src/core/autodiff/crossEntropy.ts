// Softmax cross-entropy with correct second derivatives. tf.losses.softmaxCrossEntropy is built on
// customGrad with a gradient that reuses the forward's softmax, which nested tf.grad sees as a
// constant, so its Hessians are wrong. This one is a customGrad too (one tape node: few kernels),
// but its gradient rebuilds the softmax from the taped logits whenever a tape records it.
import * as tf from '@tensorflow/tfjs-core';
import { fusedCrossEntropy, fusedSoftmaxApplies } from './fusedSoftmax';
import { maxShift, shiftedExpParts } from './logSumExp';
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
 * With int32 labels, on a backend that implements the fused softmax kernels (webgpu) and up to
 * MAX_FUSED_SOFTMAX_CLASSES classes, the loss, its gradient and its Hessian products are one kernel
 * each (fusedSoftmax.ts). Does not dispose its inputs.
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
    const losses = labels.dtype === 'int32' && fusedSoftmaxApplies(logits) ? fusedCrossEntropy(logits, labels) : unfusedLosses(logits, labels, classes);
    if (reduction === 'none') return losses;
    return reduction === 'sum' ? tf.sum(losses) : tf.mean(losses);
  });
}

/** Per-example losses from generic ops (fusedLoss), on backends without the fused kernels (fusedSoftmax.ts). */
function unfusedLosses(logits: tf.Tensor, labels: tf.Tensor, classes: number): tf.Tensor {
  const targets = labels.dtype === 'int32' ? tf.cast(tf.oneHot(labels, classes), 'float32') : labels;
  return fusedLoss(logits, targets, labels.dtype === 'int32');
}

/** softmax(z) over the last axis and log Σ exp(z), from one Exp, for a constant shift m (maxShift). */
function softmaxParts(z: tf.Tensor, m: tf.Tensor, withP = true): { p?: tf.Tensor; lse: tf.Tensor } {
  return shiftedExpParts(z, m, [z.rank - 1], withP);
}

// One tape node for the whole loss instead of ~14 (log-softmax, products, sums): a lower-level step
// differentiates it twice per inner step in RHG and per Hessian-vector product, so the kernel and
// tape work of the cross-entropy chain dominated everything but the data products (docs/performance.md).
function fusedLoss(logits: tf.Tensor, targets: tf.Tensor, hard: boolean): tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, t, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const last = z.rank - 1;
    const m = maxShift(z, [last]);
    // A plain first-order gradient (tape depth 1 here, 0 in its backward pass) reuses p and lse.
    // Inside a gradient that is itself differentiated (depth > 1) the backward pass is recorded:
    // soft targets rebuild p from the taped z there; hard ones take p's values into
    // hardLossGradient, whose own derivative does not depend on how they were computed. With no
    // gradient at all (depth 0) nothing is saved.
    const depth = tf.engine().state.gradientDepth;
    const { p, lse } = softmaxParts(z, m, depth === 1 || (depth > 1 && hard));
    const mass = tf.sum(t, last, true);
    // Saved: z, t, the shift m, Σt (constant for hard targets), then p and lse when used.
    save(p === undefined ? [z, t, m, mass] : [z, t, m, mass, p, lse]);
    const value = tf.sub(tf.mul(lse, mass), tf.sum(tf.mul(t, z), last, true));
    return {
      value: tf.reshape(value, z.shape.slice(0, -1)),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [zs, ts, ms, masses, ps, lses] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor?, tf.Tensor?];
        const d = tf.expandDims(dy as tf.Tensor, -1);
        // Whether a tape records this backward pass (the gradient is itself differentiated).
        const taped = tf.engine().isTapeOn();
        if (hard) {
          // ∂/∂z = c·(p − t) with c = dy·Σt: the one-hot rows are constants, whose Σt is 1, or 0 for
          // an out-of-range label (zero loss, zero gradient). Taped, it is one node whose own
          // derivative is written out (hardLossGradient).
          const c = tf.mul(d, masses);
          const p = ps ?? softmaxParts(zs, ms).p!;
          return [taped ? hardLossGradient(ts, ms, p)(zs, c) : tf.mul(c, tf.sub(p, ts)), tf.zerosLike(ts)];
        }
        // Soft targets: ∂/∂z = dy·(p·Σt − t) and ∂/∂t_k = dy·(lse(z) − z_k). Untaped, the forward's
        // p and lse serve. Taped, they are rebuilt from the taped z with recorded, second-order-safe
        // ops, or the outer derivative would not see how they depend on z (the reason tfjs's own
        // softmax gradients are wrong there); the saved shift m is a constant either way.
        const { p, lse } = !taped && ps !== undefined && lses !== undefined ? { p: ps, lse: lses } : softmaxParts(zs, ms);
        return [tf.mul(d, tf.sub(tf.mul(p!, tf.sum(ts, last, true)), ts)), tf.mul(d, tf.sub(lse, zs))];
      },
    };
  })(logits, targets);
}

/**
 * The hard-target gradient g(z, c) = c·(softmax(z) − t) as one tape node (t one-hot, m a shift: both
 * constants; p: softmax(z)'s values from the loss's forward pass), for a backward pass that a tape
 * records (Hessian-vector products, RHG's reverse steps). Its own derivative is written out: for a
 * cotangent u, ∂/∂z = c·(p⊙u − p·Σ_k p_k u_k) (the softmax Jacobian is symmetric) and
 * ∂/∂c = Σ_k u_k (p_k − t_k). Recorded op by op, the second backward went through the softmax's exp,
 * division, log and sums (~35 kernels and a second exp per product); this takes 7 and reuses p.
 * Under yet another tape it rebuilds p from the taped z with recorded ops, so derivatives of every
 * order stay exact.
 */
function hardLossGradient(t: tf.Tensor, m: tf.Tensor, p: tf.Tensor): (z: tf.Tensor, c: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [zIn, c, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const last = zIn.rank - 1;
    const residual = tf.sub(p, t);
    // p and p − t serve the derivative only when no tape records it (see fusedLoss).
    save(tf.engine().state.gradientDepth === 1 ? [zIn, c, p, residual] : [zIn, c]);
    return {
      value: tf.mul(c, residual),
      gradFunc: (u: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [zs, cs, ps, residuals] = saved as [tf.Tensor, tf.Tensor, tf.Tensor?, tf.Tensor?];
        const reuse = !tf.engine().isTapeOn() && ps !== undefined && residuals !== undefined;
        const pz = reuse ? ps : softmaxParts(zs, m).p!;
        const r = reuse ? residuals : tf.sub(pz, t);
        const pu = tf.mul(pz, u as tf.Tensor);
        const gz = tf.mul(cs, tf.sub(pu, tf.mul(pz, tf.sum(pu, last, true))));
        return [gz, tf.sum(tf.mul(u as tf.Tensor, r), last, true)];
      },
    };
  }) as (z: tf.Tensor, c: tf.Tensor) => tf.Tensor;
}
