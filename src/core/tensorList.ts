// Arithmetic on lists of tensors: a level's variables (x or y) are a list of named tensors, and
// every vector operation of the spec (norms, dots, axpy) runs over the whole list.
import * as tf from '@tensorflow/tfjs-core';

/** A level's variables as an ordered list (the order of the problem's variable names). */
export type TensorList = tf.Tensor[];

/** Element-wise a + b. */
export function addLists(a: TensorList, b: TensorList): TensorList {
  return a.map((t, i) => tf.add(t, b[i]!));
}

/** Element-wise a − b. */
export function subLists(a: TensorList, b: TensorList): TensorList {
  return a.map((t, i) => tf.sub(t, b[i]!));
}

/** c · a for a scalar c (number or scalar tensor). */
export function scaleList(a: TensorList, c: number | tf.Scalar): TensorList {
  return a.map((t) => tf.mul(t, c));
}

/** a + c · b (the BLAS axpy). */
export function axpyList(a: TensorList, c: number | tf.Scalar, b: TensorList): TensorList {
  return a.map((t, i) => tf.add(t, tf.mul(b[i]!, c)));
}

/** Σ_i ⟨a_i, b_i⟩ as a scalar tensor. */
export function dotLists(a: TensorList, b: TensorList): tf.Scalar {
  let acc: tf.Scalar = tf.scalar(0);
  for (let i = 0; i < a.length; i++) acc = tf.add(acc, tf.sum(tf.mul(a[i]!, b[i]!)));
  return acc;
}

/** ‖a‖² over all tensors of the list. */
export function squaredNormList(a: TensorList): tf.Scalar {
  return dotLists(a, a);
}

/** The true global Euclidean norm over all tensors (not the sum of per-tensor norms; docs/methods.md §5). */
export function normList(a: TensorList): tf.Scalar {
  return tf.sqrt(squaredNormList(a));
}

/** Zeros shaped like each tensor of the list. */
export function zerosLikeList(a: TensorList): TensorList {
  return a.map((t) => tf.zerosLike(t));
}

/** Copies that survive the disposal of the originals. */
export function cloneList(a: TensorList): TensorList {
  return a.map((t) => tf.clone(t));
}

/** Flattens the list into one plain array (row-major, tensors in order); reads asynchronously. */
export async function readList(a: TensorList): Promise<number[][]> {
  return Promise.all(a.map(async (t) => Array.from(await t.data())));
}
