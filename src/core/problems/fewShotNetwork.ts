// Shared pieces of the few-shot families (fewShotSinusoid.ts, fewShotDigits.ts): a seeded ReLU MLP
// whose layers are named variables, its split into feature extractor (x) and head (y), the ℓ_q
// regularizer of spec §9g, the per-task evaluation loop, and a plain-GD adaptation for baselines.
import * as tf from '@tensorflow/tfjs-core';
import type { OptionSpec } from '../methods/options';
import type { VariableSpec, Vars } from '../problem/defineProblem';
import type { Rng } from '../rng';

/** Layer sizes [in, hidden…, out] of a fully connected ReLU network; layer i has `w{i}` and `b{i}`. */
export type MlpSizes = readonly number[];

/** Variable names of layers `from`..`to` (1-based, inclusive): w1, b1, w2, b2, … */
export function layerNames(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(`w${i}`, `b${i}`);
  return out;
}

/** Glorot-uniform limit √(6/(fan_in + fan_out)) of layer i. */
function glorotLimit(sizes: MlpSizes, i: number): number {
  return Math.sqrt(6 / (sizes[i - 1]! + sizes[i]!));
}

/**
 * Seeded Glorot-uniform values: w{i} ~ U(±√(6/(fan_in + fan_out))) · `scale`, b{i} = 0, in the order of
 * `layerNames(from, to)`. Used for the variables' inits and for the random-initialization baselines.
 */
export function initialLayerValues(sizes: MlpSizes, from: number, to: number, rng: Rng, scale = 1): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = from; i <= to; i++) {
    const fanIn = sizes[i - 1]!;
    const limit = glorotLimit(sizes, i) * scale;
    out.push(Float32Array.from({ length: fanIn * sizes[i]! }, () => (2 * rng.uniform() - 1) * limit), new Float32Array(sizes[i]!));
  }
  return out;
}

/** Tensors of layers `from`..`to` with fresh seeded Glorot-uniform values (the caller disposes them). */
export function randomLayers(sizes: MlpSizes, from: number, to: number, rng: Rng): Vars {
  const values = initialLayerValues(sizes, from, to, rng);
  const out: Vars = {};
  for (let i = from; i <= to; i++) {
    out[`w${i}`] = tf.tensor2d(values[2 * (i - from)]!, [sizes[i - 1]!, sizes[i]!]);
    out[`b${i}`] = tf.tensor1d(values[2 * (i - from) + 1]!);
  }
  return out;
}

/** Variable specs of layers `from`..`to`, initialized Glorot-uniform (or all zeros with `zero`). */
export function layerVariables(sizes: MlpSizes, from: number, to: number, init: 'random' | 'zero' = 'random'): Record<string, VariableSpec> {
  const specs: Record<string, VariableSpec> = {};
  for (let i = from; i <= to; i++) {
    const fanIn = sizes[i - 1]!;
    const limit = glorotLimit(sizes, i);
    specs[`w${i}`] = { shape: [fanIn, sizes[i]!], init: init === 'zero' ? 0 : (rng) => Float32Array.from({ length: fanIn * sizes[i]! }, () => (2 * rng.uniform() - 1) * limit) };
    specs[`b${i}`] = { shape: [sizes[i]!], init: 0 };
  }
  return specs;
}

/** Applies layers `from`..`to` of the MLP to `input` [n, sizes[from−1]]; ReLU after every layer but the network's last. */
export function applyLayers(params: Vars, input: tf.Tensor, sizes: MlpSizes, from: number, to: number): tf.Tensor2D {
  const last = sizes.length - 1;
  let h = input as tf.Tensor2D;
  for (let i = from; i <= to; i++) {
    const z = tf.add(tf.matMul(h, params[`w${i}`]! as tf.Tensor2D), params[`b${i}`]!) as tf.Tensor2D;
    h = i === last ? z : tf.relu(z);
  }
  return h;
}

/** Options of the ℓ_q regularizer (spec §9g, IAPTT `p_norm_reg`). */
export interface LqOptions {
  /** Weight in front of the sum; 0.25 in the reference code. */
  readonly weight: number;
  /** q of (‖w‖₂ + ε√numel)^(q/2); 0.5 in the reference code. */
  readonly q: number;
  /** ε; 0.1 in the reference code. */
  readonly eps: number;
}

/**
 * Non-convex ℓ_q term weight · Σ_w (‖w‖₂ + ε·√numel(w))^(q/2) over the given tensors (spec §9g). ‖w‖₂
 * is evaluated as √(Σw² + 1e−12), so its gradient stays finite at w = 0 (a zero head init); elsewhere
 * the difference is below float32 resolution. Built from Square, Sum, Sqrt and Pow, whose nested
 * gradients are exact (autodiff/supportedOps.ts), so HVPs through it are too.
 */
export function lqPenalty(tensors: readonly tf.Tensor[], { weight, q, eps }: LqOptions): tf.Scalar {
  return tf.tidy(() => {
    const terms = tensors.map((w) => {
      const norm = tf.sqrt(tf.add(tf.sum(tf.square(w)), 1e-12));
      return tf.pow(tf.add(norm, eps * Math.sqrt(w.size)), q / 2);
    });
    return tf.mul(tf.addN(terms), weight) as tf.Scalar;
  });
}

/** The ℓ_q parameters every few-shot family declares (weight 0 = off). */
export const LQ_PARAMS: readonly OptionSpec[] = [
  { key: 'lq', flag: 'lq', type: 'number', default: 0, min: 0, description: 'Weight of the non-convex ℓ_q term Σ_w (‖w‖₂ + ε√numel w)^(q/2) on the lower variables (spec §9g uses 0.25; 0 = off).' },
  { key: 'lqQ', flag: 'lq-q', type: 'number', default: 0.5, greaterThan: 0, description: 'q of the ℓ_q term.' },
  { key: 'lqEps', flag: 'lq-eps', type: 'number', default: 0.1, greaterThan: 0, description: 'ε of the ℓ_q term.' },
];

/** Plain gradient descent on `loss` from `start` (not disposed): `steps` steps of size `lr`; intermediates are released. */
export function descend(loss: (vars: Vars) => tf.Scalar, start: Vars, steps: number, lr: number): Vars {
  const names = Object.keys(start);
  let current: tf.Tensor[] = names.map((n) => start[n]!);
  for (let k = 0; k < steps; k++) {
    const previous = current;
    current = tf.tidy(() => {
      const grads = tf.grads((...values: tf.Tensor[]) => loss(Object.fromEntries(names.map((n, i) => [n, values[i]!]))))(previous);
      return previous.map((v, i) => tf.sub(v, tf.mul(grads[i]!, lr)));
    });
    if (k > 0) tf.dispose(previous);
  }
  return Object.fromEntries(names.map((n, i) => [n, steps === 0 ? tf.clone(current[i]!) : current[i]!]));
}

/** Per-task metric values as one 1-D tensor (the solver reports mean and 95% half-width). */
export function perTask(values: tf.Scalar[]): tf.Tensor1D {
  return tf.stack(values) as tf.Tensor1D;
}
