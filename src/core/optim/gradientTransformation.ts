// Optimizers as composable gradient transformations, after optax (ekzhang/jax-js packages/optax).
import * as tf from '@tensorflow/tfjs-core';
import type { TensorList } from '../tensorList';

/** Explicit optimizer state: tensor slots (e.g. Adam's moments), a step count, and chained parts' states. */
export type TransformState = {
  readonly count: number;
  readonly slots: TensorList[];
  readonly inner?: TransformState[];
};

/** `{ init, update }`: update maps gradients to updates and returns the next state (old state is not disposed). */
export interface GradientTransformation {
  init(params: TensorList): TransformState;
  update(updates: TensorList, state: TransformState): { updates: TensorList; state: TransformState };
}

/** Composes transformations left to right; its state holds the parts' states in order. */
export function chain(...parts: GradientTransformation[]): GradientTransformation {
  return {
    init: (params) => ({ count: 0, slots: [], inner: parts.map((p) => p.init(params)) }),
    update(updates, state) {
      let current = updates;
      const inner: TransformState[] = [];
      parts.forEach((part, i) => {
        const result = part.update(current, state.inner![i]!);
        // Intermediate updates belong to the chain; the caller's gradients do not.
        if (current !== updates) tf.dispose(current);
        current = result.updates;
        inner.push(result.state);
      });
      return { updates: current, state: { count: state.count + 1, slots: [], inner } };
    },
  };
}

/** A step size, constant or scheduled by the step count t = 0, 1, … */
export type LearningRate = number | ((t: number) => number);

/** Multiplies updates by −lr_t (descent). */
export function scaleByLearningRate(lr: LearningRate): GradientTransformation {
  return {
    init: () => ({ count: 0, slots: [] }),
    update: (updates, state) => {
      const rate = typeof lr === 'number' ? lr : lr(state.count);
      return { updates: updates.map((u) => tf.mul(u, -rate)), state: { count: state.count + 1, slots: [] } };
    },
  };
}

/**
 * Adam's rescaling: m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², update = m̂ / (√v̂ + ε) with bias
 * correction by the step count. Reference: Kingma & Ba, ICLR 2015.
 */
export function scaleByAdam(b1 = 0.9, b2 = 0.999, eps = 1e-8): GradientTransformation {
  return {
    init: (params) => ({ count: 0, slots: [params.map((p) => tf.zerosLike(p)), params.map((p) => tf.zerosLike(p))] }),
    update(updates, state) {
      const [m, v] = state.slots as [TensorList, TensorList];
      const t = state.count + 1;
      const m2 = updates.map((g, i) => tf.add(tf.mul(m[i]!, b1), tf.mul(g, 1 - b1)));
      const v2 = updates.map((g, i) => tf.add(tf.mul(v[i]!, b2), tf.mul(tf.square(g), 1 - b2)));
      const c1 = 1 - Math.pow(b1, t);
      const c2 = 1 - Math.pow(b2, t);
      const out = m2.map((mi, i) => tf.div(tf.div(mi, c1), tf.add(tf.sqrt(tf.div(v2[i]!, c2)), eps)));
      return { updates: out, state: { count: t, slots: [m2, v2] } };
    },
  };
}

/** Plain SGD: x ← x − lr·g. */
export function sgd(lr: LearningRate): GradientTransformation {
  return chain(scaleByLearningRate(lr));
}

/** Adam: x ← x − lr·m̂/(√v̂ + ε). */
export function adam(lr: LearningRate, b1 = 0.9, b2 = 0.999, eps = 1e-8): GradientTransformation {
  return chain(scaleByAdam(b1, b2, eps), scaleByLearningRate(lr));
}

/** Applies updates: params + updates (new tensors). */
export function applyUpdates(params: TensorList, updates: TensorList): TensorList {
  return params.map((p, i) => tf.add(p, updates[i]!));
}

/** Releases the tensors of a state, chained parts included. */
export function disposeState(state: TransformState): void {
  for (const slot of state.slots) tf.dispose(slot);
  for (const part of state.inner ?? []) disposeState(part);
}
