// Spec §9b: IAPTT-GM's Eq. (10), a non-convex lower level with many minima and box constraints.
import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from '../problem/defineProblem';
import type { BuiltinProblem } from './builtinProblem';
import { startParam, toyInit } from './toyStart';
import type { ToyStart } from './toyStart';

/** x* = 11π/4 (docs/methods.md §9b). */
const X_STAR = (11 * Math.PI) / 4;

/**
 * min_{x∈[1,10]} x + x·y s.t. y ∈ argmin_{y∈[−2,2]} −sin(x·y). Unique solution x* = 11π/4,
 * y* = −2, F* = −11π/4. Defaults are the paper's Table 4 (T = 500, K = 40, s = 0.0005, λ = 0.1).
 */
export const toyNonconvex: BuiltinProblem = {
  id: 'toy-nonconvex',
  title: 'Non-convex lower level (IAPTT-GM Eq. 10)',
  summary: 'Spec §9b: F = x + xy, f = −sin(xy), x ∈ [1,10], y ∈ [−2,2]; x* = 11π/4, y* = −2.',
  params: [
    { key: 'x0', flag: 'x0', type: 'number', default: 1, min: 1, max: 10, description: 'Initial x in [1, 10].' },
    { key: 'y0', flag: 'y0', type: 'number', default: 2, min: -2, max: 2, description: 'Initial y (the lower start) in [−2, 2].' },
    // Both are drawn: the lower start picks the local minimum of −sin(xy) a method reaches (the paper's several starts).
    startParam('(x_0, y_0) = (--x0, --y0)', 'x_0 ~ U[1, 10], y_0 ~ U[−2, 2] (the feasible boxes)'),
  ],
  seedDependent: ['x_0 and y_0 (= z_0) when --start random'],
  create(params) {
    return defineProblem({
      id: 'toy-nonconvex',
      title: this.title,
      description: this.summary,
      upper: {
        variables: { x: { shape: [1], init: toyInit(params.start as ToyStart, 1, params.x0 as number, [1, 10]), bounds: [1, 10] } },
        objective: ({ x }, { y }) => tf.sum(tf.add(x!, tf.mul(x!, y!))),
      },
      lower: {
        variables: { y: { shape: [1], init: toyInit(params.start as ToyStart, 1, params.y0 as number, [-2, 2]), bounds: [-2, 2] } },
        objective: ({ x }, { y }) => tf.neg(tf.sum(tf.sin(tf.mul(x!, y!)))) as tf.Scalar,
      },
      solution: { upper: { x: X_STAR }, lower: { y: -2 } },
      defaults: { method: 'iaptt-gm', iterations: 500, lowerSteps: 40, lowerLr: 0.0005, outerLr: 0.1, tolerance: 0.15 },
    });
  },
};
