// The derivative primitives of docs/methods.md §1.1, on tensor lists. Every hypergradient reduces to these.
// All of them are nested reverse mode (double backward), which is correct only because
// registerSecondOrderGradients() replaced tfjs's output-based gradients (see autodiff/).
import * as tf from '@tensorflow/tfjs-core';
import { dotLists } from './tensorList';
import type { TensorList } from './tensorList';

/** Cost counters of a run: first-order gradients, second-order products (one double backward = 1), memory peaks. */
export interface Counters {
  gradientEvals: number;
  hvpEvals: number;
  /** Largest tf.memory() seen at the sampling points (after each lower step and reverse step). */
  peakTensors: number;
  peakBytes: number;
}

/** Fresh zero counters. */
export function createCounters(): Counters {
  return { gradientEvals: 0, hvpEvals: 0, peakTensors: 0, peakBytes: 0 };
}

/** Records the current live tensors/bytes into the peaks (cheap: reads engine counters). */
export function sampleMemory(counters: Counters): void {
  const m = tf.memory();
  if (m.numTensors > counters.peakTensors) counters.peakTensors = m.numTensors;
  if (m.numBytes > counters.peakBytes) counters.peakBytes = m.numBytes;
}

/**
 * Value and gradients of a scalar function of tensors it closes over. Tensors in `wrt` that do not
 * reach the value get zero gradients (tf.grads would throw), e.g. f ignoring part of y (docs/methods.md §9a).
 * Works nested inside another gradient computation, so the result stays differentiable.
 */
export function valueAndGradients(fn: () => tf.Scalar, wrt: TensorList): { value: tf.Scalar; grads: TensorList } {
  const { value, grads } = tf.engine().gradients(fn, wrt, undefined, true);
  return { value: value as tf.Scalar, grads: grads.map((g, i) => g ?? tf.zerosLike(wrt[i]!)) };
}

/** Gradients of a scalar function of tensors it closes over (zeros where unconnected). */
export function gradients(fn: () => tf.Scalar, wrt: TensorList): TensorList {
  const { value, grads } = valueAndGradients(fn, wrt);
  value.dispose();
  return grads;
}

/** A scalar objective of both levels, on tensor lists. */
export type BilevelObjective = (x: TensorList, y: TensorList) => tf.Scalar;

/** ∇_y g(x, y); counts one gradient. */
export function gradY(g: BilevelObjective, x: TensorList, y: TensorList, counters?: Counters): TensorList {
  if (counters) counters.gradientEvals++;
  return gradients(() => g(x, y), y);
}

/** ∇_x g(x, y); counts one gradient. */
export function gradX(g: BilevelObjective, x: TensorList, y: TensorList, counters?: Counters): TensorList {
  if (counters) counters.gradientEvals++;
  return gradients(() => g(x, y), x);
}

/** (∇_x g, ∇_y g) from one backward pass; counts one gradient. */
export function gradXY(g: BilevelObjective, x: TensorList, y: TensorList, counters?: Counters): { gx: TensorList; gy: TensorList } {
  if (counters) counters.gradientEvals++;
  const all = gradients(() => g(x, y), [...x, ...y]);
  return { gx: all.slice(0, x.length), gy: all.slice(x.length) };
}

/** H_g v = ∇_y ⟨∇_y g(x, y), v⟩ with v constant (docs/methods.md §1.1); counts one second-order product. */
export function hessianVectorProduct(g: BilevelObjective, x: TensorList, y: TensorList, v: TensorList, counters?: Counters): TensorList {
  if (counters) counters.hvpEvals++;
  return gradients(() => dotLists(gradients(() => g(x, y), y), v), y);
}

/** M_gᵀ v = ∇_x ⟨∇_y g(x, y), v⟩, the mixed second-derivative VJP (docs/methods.md §1.1); counts one product. */
export function mixedVectorProduct(g: BilevelObjective, x: TensorList, y: TensorList, v: TensorList, counters?: Counters): TensorList {
  if (counters) counters.hvpEvals++;
  return gradients(() => dotLists(gradients(() => g(x, y), y), v), x);
}

/**
 * Vector–Jacobian product of a map (x, s) ↦ s' (one lower-level step on the state s) with cotangent
 * p: returns (Bᵀp, Aᵀp) = (∂s'/∂x)ᵀp, (∂s'/∂s)ᵀp (docs/methods.md §1.4). When the map contains ∇_y f, this is
 * one double backward that yields the HVP and the mixed product together.
 */
export function stepVectorJacobianProduct(
  step: (x: TensorList, s: TensorList) => TensorList,
  x: TensorList,
  s: TensorList,
  p: TensorList,
): { px: TensorList; ps: TensorList } {
  const all = gradients(() => dotLists(step(x, s), p), [...x, ...s]);
  return { px: all.slice(0, x.length), ps: all.slice(x.length) };
}
