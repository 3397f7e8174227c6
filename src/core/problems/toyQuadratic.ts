// Spec §9d(d2): sl-BAMM's strongly convex quadratic, whose hypergradient and solution are closed-form.
import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from '../problem/defineProblem';
import { createRng } from '../rng';
import type { BuiltinProblem } from './builtinProblem';
import { startParam, toyInit } from './toyStart';
import type { ToyStart } from './toyStart';
import { addMatrices, columnVector, matmul, orthogonalFactor, solve, spectralMatrix, transpose, uniformMatrix } from './denseLinearAlgebra';
import type { Matrix } from './denseLinearAlgebra';

/** The constants of one toy-quadratic instance, in float64. */
export interface QuadraticInstance {
  readonly n: number;
  readonly A: Matrix;
  readonly B: Matrix;
  readonly D: Matrix;
  readonly xHat: Matrix;
  /** x* = (B A⁻¹ Bᵀ + D)⁻¹ D x̂. */
  readonly xStar: Matrix;
  /** y* = A⁻¹ Bᵀ x*. */
  readonly yStar: Matrix;
}

/**
 * Draws A = QᵀΛQ (Λ ~ U[1,2]), D = Q'ᵀΛ'Q' (Λ' ~ U[0,1]), B ~ U[0,1]^{n×n}, x̂ ~ U[0,1]^n from a
 * seed, or the identity variant A = D = B = I, x̂ = e (x* = y* = ½e).
 */
export function quadraticInstance(n: number, seed: number, identity: boolean): QuadraticInstance {
  const eye = (): Matrix => {
    const data = new Float64Array(n * n);
    for (let i = 0; i < n; i++) data[i * n + i] = 1;
    return { rows: n, cols: n, data };
  };
  let A: Matrix, B: Matrix, D: Matrix, xHat: Matrix;
  if (identity) {
    [A, B, D, xHat] = [eye(), eye(), eye(), columnVector(new Array<number>(n).fill(1))];
  } else {
    const rng = createRng(seed);
    const lambdaA = Array.from({ length: n }, () => 1 + rng.uniform());
    A = spectralMatrix(orthogonalFactor(uniformMatrix(n, n, rng)), lambdaA);
    const lambdaD = Array.from({ length: n }, () => rng.uniform());
    D = spectralMatrix(orthogonalFactor(uniformMatrix(n, n, rng)), lambdaD);
    B = uniformMatrix(n, n, rng);
    xHat = uniformMatrix(n, 1, rng);
  }
  const hessian = addMatrices(matmul(B, solve(A, transpose(B))), D);
  const xStar = solve(hessian, matmul(D, xHat));
  const yStar = solve(A, matmul(transpose(B), xStar));
  return { n, A, B, D, xHat, xStar, yStar };
}

/** ∇φ(x) = B A⁻¹ Bᵀ x + D (x − x̂) in float64: the exact-hypergradient oracle. */
export function quadraticHypergradient(q: QuadraticInstance, x: readonly number[]): number[] {
  const xv = columnVector(x);
  const diff = columnVector(x.map((v, i) => v - q.xHat.data[i]!));
  const g = addMatrices(matmul(q.B, solve(q.A, matmul(transpose(q.B), xv))), matmul(q.D, diff));
  return Array.from(g.data);
}

const toTensor = (m: Matrix): tf.Tensor2D => tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);

/**
 * F(x, y) = ½ yᵀAy + ½ (x − x̂)ᵀD(x − x̂), f(x, y) = ½ yᵀAy − xᵀB y, x, y ∈ Rⁿ: y*(x) = A⁻¹Bᵀx,
 * x* = (B A⁻¹ Bᵀ + D)⁻¹ D x̂ (docs/methods.md §9d d2, general form; `--identity` gives x* = y* = ½e).
 */
export const toyQuadratic: BuiltinProblem = {
  id: 'toy-quadratic',
  title: 'Strongly convex quadratic (sl-BAMM toy d2)',
  summary: 'Spec §9d(d2): F = ½yᵀAy + ½(x−x̂)ᵀD(x−x̂), f = ½yᵀAy − xᵀBy; closed-form x* and ∇φ.',
  params: [
    { key: 'n', flag: 'n', type: 'integer', default: 5, min: 1, max: 1000, description: 'Dimension n of x and y; the instance and its closed form are dense n×n float64, O(n³) in JavaScript.' },
    { key: 'instanceSeed', flag: 'instance-seed', type: 'integer', default: 0, min: 0, description: 'Seed of A, B, D, x̂.' },
    { key: 'identity', flag: 'identity', type: 'boolean', default: false, description: 'Use A = B = D = I, x̂ = e (x* = ½e).' },
    { key: 'init', flag: 'init', type: 'number', default: 2, description: 'Initial x and y (every entry).' },
    // y keeps --init under `random`: the lower level is strongly convex, so y*(x) does not depend on y_0.
    startParam('x_0 = y_0 = --init', 'x_0 ~ U[−2, 2]ⁿ (y_0 = --init)'),
  ],
  seedDependent: ['x_0 when --start random (A, B, D, x̂ come from --instance-seed, not --seed)'],
  create(params) {
    const q = quadraticInstance(params.n as number, params.instanceSeed as number, params.identity as boolean);
    const n = q.n;
    const init = params.init as number;
    type Data = { A: tf.Tensor2D; B: tf.Tensor2D; D: tf.Tensor2D; xHat: tf.Tensor2D };
    const quad = (M: tf.Tensor2D, v: tf.Tensor): tf.Scalar => {
      const col = tf.reshape(v, [n, 1]);
      return tf.mul(0.5, tf.sum(tf.mul(col, tf.matMul(M, col))));
    };
    return defineProblem<Data>({
      id: 'toy-quadratic',
      title: this.title,
      description: this.summary,
      upper: {
        variables: { x: { shape: [n], init: toyInit(params.start as ToyStart, n, init, [-2, 2]) } },
        objective: ({ x }, { y }, d) => tf.add(quad(d.A, y!), quad(d.D, tf.sub(tf.reshape(x!, [n, 1]), d.xHat))),
      },
      lower: {
        variables: { y: { shape: [n], init } },
        objective: ({ x }, { y }, d) =>
          tf.sub(quad(d.A, y!), tf.sum(tf.mul(tf.reshape(x!, [n, 1]), tf.matMul(d.B, tf.reshape(y!, [n, 1]))))),
      },
      data: () => ({ A: toTensor(q.A), B: toTensor(q.B), D: toTensor(q.D), xHat: toTensor(q.xHat) }),
      solution: { upper: { x: Array.from(q.xStar.data) }, lower: { y: Array.from(q.yStar.data) } },
      // For n = 5, instance 0, ∇²φ has eigenvalues in [0.34, 5.7]: λ = 0.3 contracts by ≤ 0.9 per step,
      // and A's spectrum in [1, 2] makes s = 0.5 contract the lower loop by ≤ 0.5 per step.
      defaults: { method: 'rhg', iterations: 150, lowerSteps: 30, lowerLr: 0.5, outerLr: 0.3, outerOptimizer: 'sgd', tolerance: 1e-3 },
    });
  },
};
