// Shared pieces of the few-shot families (fewShotSinusoid.ts, fewShotDigits.ts): a seeded ReLU MLP
// whose layers are named variables, its split into feature extractor (x) and head (y), the ℓ_q
// regularizer of docs/methods.md §9g, and the per-task evaluation loop.
import * as tf from '@tensorflow/tfjs-core';
import type { OptionSpec, OptionRecord } from '../methods/options';
import type { EvaluationContext, VariableSpec, Vars } from '../problem/defineProblem';
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

/** Options of the ℓ_q regularizer (docs/methods.md §9g, IAPTT `p_norm_reg`). */
export interface LqOptions {
  /** Weight in front of the sum; 0.25 in the reference code. */
  readonly weight: number;
  /** q of (‖w‖₂ + ε√numel)^(q/2); 0.5 in the reference code. */
  readonly q: number;
  /** ε; 0.1 in the reference code. */
  readonly eps: number;
}

/**
 * Non-convex ℓ_q term weight · Σ_w (‖w‖₂ + ε·√numel(w))^(q/2) over the given tensors (docs/methods.md §9g). ‖w‖₂
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
  { key: 'lq', flag: 'lq', type: 'number', default: 0, min: 0, description: 'Weight of the non-convex ℓ_q term Σ_w (‖w‖₂ + ε√numel w)^(q/2) on the lower variables (docs/methods.md §9g uses 0.25; 0 = off).' },
  { key: 'lqQ', flag: 'lq-q', type: 'number', default: 0.5, greaterThan: 0, description: 'q of the ℓ_q term.' },
  { key: 'lqEps', flag: 'lq-eps', type: 'number', default: 0.1, greaterThan: 0, description: 'ε of the ℓ_q term.' },
];

/** Per-task metric values as one 1-D tensor (the solver reports mean and 95% half-width). */
export function perTask(values: tf.Scalar[]): tf.Tensor1D {
  return tf.stack(values) as tf.Tensor1D;
}

/** The settings both few-shot families read from their parameters. */
export interface FewShotSettings {
  readonly mode: 'maml' | 'head';
  readonly hidden: number;
  readonly headInit: 'random' | 'zero';
  readonly lq: LqOptions;
  readonly testTasks: number;
  /** Tasks of the last evaluation (never fewer than testTasks). */
  readonly finalTestTasks: number;
  readonly testSteps: number;
  readonly testLr: number;
}

/** Reads the parameters the two families share (mode, hidden, headInit, ℓ_q, evaluation). */
export function fewShotSettings(params: OptionRecord): FewShotSettings {
  const testTasks = params.testTasks as number;
  return {
    mode: params.mode as 'maml' | 'head',
    hidden: params.hidden as number,
    headInit: params.headInit as 'random' | 'zero',
    lq: { weight: params.lq as number, q: params.lqQ as number, eps: params.lqEps as number },
    testTasks,
    finalTestTasks: Math.max(testTasks, params.finalTestTasks as number),
    testSteps: params.testSteps as number,
    testLr: params.testLr as number,
  };
}

/** A task's support (lower level) and query (upper level) sets. */
export interface SupportQuery {
  readonly supportX: tf.Tensor;
  readonly supportY: tf.Tensor;
  readonly queryX: tf.Tensor;
  readonly queryY: tf.Tensor;
}

/** How a family's network is split into x and y, and its two losses. */
export interface FewShotModel<T extends SupportQuery> {
  /** Layers 1..upperTo are x; layers lowerFrom..last are y (all of them in maml mode). */
  readonly upperVariables: Record<string, VariableSpec>;
  readonly lowerVariables: Record<string, VariableSpec>;
  readonly lowerNames: readonly string[];
  /** The network's output for `input` with features from x (head mode) and the rest from y. */
  predict(x: Vars, y: Vars, input: tf.Tensor): tf.Tensor2D;
  /** f: the fit on the support set (+ ℓ_q on y). */
  lowerLoss(x: Vars, y: Vars, task: T): tf.Scalar;
  /** F: the fit on the query set. */
  upperLoss(x: Vars, y: Vars, task: T): tf.Scalar;
  /** y_0 = x in maml mode (MAML-type start, docs/methods.md §6.1); undefined in head mode. */
  readonly start?: (x: Vars) => Vars;
}

/**
 * The split of a 3-layer network for few-shot learning: mode `maml` makes every layer both x (the
 * initialization) and y (y_0 = x); mode `head` makes the two hidden layers x and the last layer y.
 */
export function fewShotModel<T extends SupportQuery>(sizes: MlpSizes, settings: FewShotSettings, fit: (output: tf.Tensor2D, target: tf.Tensor) => tf.Scalar): FewShotModel<T> {
  const maml = settings.mode === 'maml';
  const upperTo = maml ? 3 : 2;
  const lowerFrom = maml ? 1 : 3;
  const lowerNames = layerNames(lowerFrom, 3);
  const predict = (x: Vars, y: Vars, input: tf.Tensor): tf.Tensor2D =>
    maml ? applyLayers(y, input, sizes, 1, 3) : applyLayers(y, applyLayers(x, input, sizes, 1, 2), sizes, 3, 3);
  const { lq } = settings;
  return {
    upperVariables: layerVariables(sizes, 1, upperTo),
    lowerVariables: layerVariables(sizes, lowerFrom, 3, maml ? 'random' : settings.headInit),
    lowerNames,
    predict,
    lowerLoss(x, y, task) {
      const loss = fit(predict(x, y, task.supportX), task.supportY);
      return lq.weight > 0 ? tf.add(loss, lqPenalty(lowerNames.map((n) => y[n]!), lq)) : loss;
    },
    upperLoss: (x, y, task) => fit(predict(x, y, task.queryX), task.queryY),
    ...(maml ? { start: (x: Vars) => Object.fromEntries(lowerNames.map((n) => [n, tf.clone(x[n]!)])) } : {}),
  };
}

/**
 * A metric per test task before and after adapting from the run's start (`testSteps` GD steps of
 * `testLr`), as 1-D tensors; `makeTask(i)` builds task i (inside a tidy that frees its tensors).
 */
export function adaptationMetrics<D, T>(
  context: EvaluationContext<D, T>,
  count: number,
  makeTask: (i: number) => T,
  metric: (x: Vars, y: Vars, task: T) => tf.Scalar,
  settings: FewShotSettings,
): { before: tf.Tensor1D; after: tf.Tensor1D } {
  const before: tf.Scalar[] = [];
  const after: tf.Scalar[] = [];
  for (let i = 0; i < count; i++) {
    const [b, a] = tf.tidy(() => {
      const task = makeTask(i);
      const start = context.start(task);
      const adapted = context.adapt(start, { task, steps: settings.testSteps, lr: settings.testLr });
      return [metric(context.x, start, task), metric(context.x, adapted, task)];
    });
    before.push(b!);
    after.push(a!);
  }
  return { before: perTask(before), after: perTask(after) };
}
