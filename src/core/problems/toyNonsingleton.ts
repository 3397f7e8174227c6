// Spec §9a: the BDA counter-example whose lower-level solution set is not a singleton.
import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from '../problem/defineProblem';
import type { BuiltinProblem } from './builtinProblem';
import { startParam, toyInit } from './toyStart';
import type { ToyStart } from './toyStart';

const half = (t: tf.Tensor): tf.Scalar => tf.mul(0.5, tf.sum(tf.square(t)));

/**
 * F(x, y) = ½‖x − y²‖² + ½‖y¹ − e‖², f(x, y) = ½‖y¹‖² − ⟨x, y¹⟩ (f ignores y²), x, y¹, y² ∈ Rⁿ.
 * S(x) = {(x, w)}; the optimistic solution is x* = e, y* = (e, e). RHG from y_0 = 0 converges to
 * x = ½e instead (docs/methods.md §9a), and H_f = diag(I, 0) is singular, so CG must flag it.
 */
export const toyNonsingleton: BuiltinProblem = {
  id: 'toy-nonsingleton',
  title: 'Non-singleton lower level (BDA toy)',
  summary: 'Spec §9a: LL solution set {(x, w)}; x* = e, y* = (e, e); RHG converges to ½e.',
  params: [
    { key: 'n', flag: 'n', type: 'integer', default: 1, min: 1, max: 1_000_000, description: 'Dimension n of x, y¹ and y².' },
    { key: 'x0', flag: 'x0', type: 'number', default: 0, description: 'Initial x (every entry).' },
    { key: 'y0', flag: 'y0', type: 'number', default: 0, description: 'Initial y¹ and y² (every entry).' },
    // y keeps --y0 under `random`: f never moves y², so its start decides where RHG ends ((1 + y²_0)/2).
    startParam('x_0 = --x0', 'x_0 ~ U[−1, 3]ⁿ around x* = e (y_0 = --y0)'),
  ],
  seedDependent: ['x_0 when --start random'],
  create(params) {
    const n = params.n as number;
    return defineProblem({
      id: 'toy-nonsingleton',
      title: this.title,
      description: this.summary,
      upper: {
        variables: { x: { shape: [n], init: toyInit(params.start as ToyStart, n, params.x0 as number, [-1, 3]) } },
        objective: ({ x }, { y1, y2 }) => tf.add(half(tf.sub(x!, y2!)), half(tf.sub(y1!, 1))),
      },
      lower: {
        variables: { y1: { shape: [n], init: params.y0 as number }, y2: { shape: [n], init: params.y0 as number } },
        objective: ({ x }, { y1 }) => tf.sub(half(y1!), tf.sum(tf.mul(x!, y1!))),
      },
      solution: { upper: { x: 1 }, lower: { y1: 1, y2: 1 } },
      defaults: { method: 'rhg', iterations: 200, lowerSteps: 20, lowerLr: 0.5, outerLr: 0.1, tolerance: 1e-2 },
    });
  },
};
