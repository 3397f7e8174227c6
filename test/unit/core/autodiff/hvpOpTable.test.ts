// Nested tf.grad against finite differences for every op in supportedOps, on cpu, wasm and webgpu.
//
// For each entry, with seeded inputs inside its domain and away from its kinks, and seeded weights w
// and directions v (in x) and u (in y):
//   unary  g(x) = Σ w ⊙ op(x):   ∇g and H v;
//   both   h(x, y) = Σ w ⊙ op(x, y) for binary entries, Σ w ⊙ op(x ⊙ y) for unary ones (y ≈ 1):
//          ∇ₓh, ∇ᵧh, Hₓₓ v, ∂ᵧ⟨∇ₓh, v⟩, ∂ₓ⟨∇ᵧh, u⟩ and Hᵧᵧ u.
// Gradients are checked coordinate by coordinate against central differences of the value, second
// derivatives against central differences of the (autodiff) gradient along v or u; since the
// gradient is itself checked, a wrong gradient at either order fails the test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { registerSecondOrderGradients, supportedOps } from '../../../../src/core/autodiff';
import type { SupportedOp } from '../../../../src/core/autodiff';
import { createRng } from '../../../../src/core/rng';
import type { Rng } from '../../../../src/core/rng';
import { assertAllClose } from '../../helpers/assertClose';
import { TEST_BACKENDS, readTidy, useBackend } from '../../helpers/backends';

// Step and tolerance. Central differences in float32 with step ε = 1e-2 (directions have entries in
// [−1, 1]) have truncation error ≈ ε²/6 times the next derivative and round-off ≈ 2⁻²⁴·|f|/ε; over
// the domains in supportedOps that measures at most 3e-4 of the largest entry of the compared vector
// (Tan, Asin, Prod) on cpu and wasm. So each entry must match to 2e-3 of that largest entry, plus
// 2e-4 absolute for vectors that are 0 or nearly so: about 7× headroom, while a gradient that is off
// by 1% (tried on Elu, Selu, Pow, Conv2D's backprop kernels) still fails. tfjs's own gradients are
// off by O(1): a 4× wrong H v through log(1 + exp(x)), or 0, or an exception.
const EPS = 1e-2;
const TOLERANCE = [2e-3, 2e-4] as const;
// y for unary entries multiplies x: near 1 so that x ⊙ y stays inside the entry's domain.
const MIX_DOMAIN: readonly [number, number] = [0.9, 1.1];

type Fn2 = (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;

function size(shape: readonly number[]): number {
  return shape.reduce((p, c) => p * c, 1);
}

function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

function uniform(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * rng.uniform();
}

function farFrom(value: number, points: readonly number[], margin: number): boolean {
  return points.every((p) => Math.abs(value - p) >= margin);
}

/** Seeded x and y for an entry: y in its domain (or near 1 for unary entries), x away from kinks and ties. */
function sampleInputs(op: SupportedOp, rng: Rng): { x: number[]; y: number[] } {
  const shape = op.shape ?? [2, 3];
  const n = size(shape);
  const binary = op.yShape !== undefined;
  const yDomain = binary ? (op.yDomain ?? [-1, 1]) : MIX_DOMAIN;
  const y = Array.from({ length: binary ? size(op.yShape!) : n }, () => uniform(rng, yDomain));
  const kinks = op.kinks ?? [];
  const [lo, hi] = op.domain ?? [-1, 1];
  // A finite-difference step moves an input of the op by at most ε·max(|y|, |x|) (x and x ⊙ y move
  // with v or with u), so kinks must be farther than that and ties twice that.
  const margin = 2 * EPS * Math.max(MIX_DOMAIN[1], Math.abs(lo), Math.abs(hi));
  const x: number[] = [];
  const z: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let attempt = 0; ; attempt++) {
      assert.ok(attempt < 10_000, `${op.name}: cannot sample inputs away from kinks and ties`);
      const xi = uniform(rng, [lo, hi]);
      // For unary entries h evaluates op at x ⊙ y, which must keep the same distances.
      const zi = binary ? xi : xi * y[i]!;
      if (!farFrom(xi, kinks, margin) || !farFrom(zi, kinks, margin)) continue;
      if (op.distinct === true && (!farFrom(xi, x, margin) || !farFrom(zi, z, margin))) continue;
      if (op.apart === true && !farFrom(xi, [y[i]!], margin)) continue;
      x.push(xi);
      z.push(zi);
      break;
    }
  }
  return { x, y };
}

function randomArray(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => uniform(rng, [-1, 1]));
}

/** x + s·d for plain arrays. */
function step(x: readonly number[], d: readonly number[], s: number): number[] {
  return x.map((xi, i) => xi + s * d[i]!);
}

function centralDifference(plus: readonly number[], minus: readonly number[]): number[] {
  return plus.map((p, i) => (p - minus[i]!) / (2 * EPS));
}

/**
 * ∂f/∂x_i for every i by central differences of f's (scalar) value; f runs on plain arrays. All 2n
 * values are read back at once: one GPU round trip on webgpu instead of 2n.
 */
async function coordinateDifferences(f: (x: number[]) => tf.Tensor, x: readonly number[]): Promise<number[]> {
  const [at] = await readTidy(() => [tf.stack(x.flatMap((_, i) => [EPS, -EPS].map((s) => tf.reshape(f(x.map((xj, j) => (j === i ? xj + s : xj))), []))))]);
  return x.map((_, i) => (at![2 * i]! - at![2 * i + 1]!) / (2 * EPS));
}

/** |actual_i − expected_i| ≤ rtol·max_j |expected_j| + atol, for every i. */
function assertNear(actual: readonly number[], expected: readonly number[], [rtol, atol]: readonly [number, number], what: string): void {
  const scale = expected.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
  assertAllClose(actual, expected, { rtol: 0, atol: atol + rtol * scale }, what);
}


/**
 * Gradients of f at xs, with zeros where f does not depend on an input (tf.grads throws there, and
 * linear ops have structurally zero second derivatives). Works nested: the result stays on the tape.
 */
function gradients(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): tf.Tensor[] {
  const { grads } = tf.engine().gradients(() => f(...xs), xs, undefined, true);
  return grads.map((g, i) => g ?? tf.zerosLike(xs[i]!));
}

/** Checks ∇g and H v of a one-argument scalar function at x. */
async function checkUnary(g: (x: tf.Tensor) => tf.Tensor, shape: number[], x: number[], v: number[], label: string): Promise<void> {
  const t = (a: number[]): tf.Tensor => tf.tensor(a, shape);
  const grad = (xx: tf.Tensor): tf.Tensor => gradients(g, [xx])[0]!;
  const [gx, hv, gPlus, gMinus] = await readTidy(() => {
    const vt = t(v);
    const hvp = gradients((xx) => tf.sum(tf.mul(grad(xx), vt)), [t(x)])[0]!;
    return [grad(t(x)), hvp, grad(t(step(x, v, EPS))), grad(t(step(x, v, -EPS)))];
  });
  assertNear(gx!, await coordinateDifferences((a) => g(t(a)), x), TOLERANCE, `${label}: ∇g`);
  assertNear(hv!, centralDifference(gPlus!, gMinus!), TOLERANCE, `${label}: H v`);
}

/** Checks both gradients, both Hessian blocks and both mixed products of a two-argument scalar function. */
async function checkBinary(h: Fn2, xShape: number[], yShape: number[], p: { x: number[]; y: number[]; v: number[]; u: number[] }, label: string): Promise<void> {
  const tx = (a: number[]): tf.Tensor => tf.tensor(a, xShape);
  const ty = (a: number[]): tf.Tensor => tf.tensor(a, yShape);
  const grads = ([xx, yy]: tf.Tensor[]): tf.Tensor[] => gradients(h, [xx!, yy!]);
  const { x, y, v, u } = p;
  const r = await readTidy(() => {
    const [vt, ut] = [tx(v), ty(u)];
    // The derivative of ⟨∇ₓh, v⟩ is (Hₓₓ v, ∂ᵧ⟨∇ₓh, v⟩); that of ⟨∇ᵧh, u⟩ is (∂ₓ⟨∇ᵧh, u⟩, Hᵧᵧ u).
    const alongV = gradients((xx, yy) => tf.sum(tf.mul(grads([xx!, yy!])[0]!, vt)), [tx(x), ty(y)]);
    const alongU = gradients((xx, yy) => tf.sum(tf.mul(grads([xx!, yy!])[1]!, ut)), [tx(x), ty(y)]);
    return [
      ...grads([tx(x), ty(y)]),
      ...alongV,
      ...alongU,
      ...grads([tx(step(x, v, EPS)), ty(y)]),
      ...grads([tx(step(x, v, -EPS)), ty(y)]),
      ...grads([tx(x), ty(step(y, u, EPS))]),
      ...grads([tx(x), ty(step(y, u, -EPS))]),
    ];
  });
  const [gx, gy, hxxV, hyxV, hxyU, hyyU, gxPv, gyPv, gxMv, gyMv, gxPu, gyPu, gxMu, gyMu] = r as number[][];
  assertNear(gx!, await coordinateDifferences((a) => h(tx(a), ty(y)), x), TOLERANCE, `${label}: ∇ₓh`);
  assertNear(gy!, await coordinateDifferences((b) => h(tx(x), ty(b)), y), TOLERANCE, `${label}: ∇ᵧh`);
  assertNear(hxxV!, centralDifference(gxPv!, gxMv!), TOLERANCE, `${label}: Hₓₓ v`);
  assertNear(hyxV!, centralDifference(gyPv!, gyMv!), TOLERANCE, `${label}: ∂ᵧ⟨∇ₓh, v⟩`);
  assertNear(hxyU!, centralDifference(gxPu!, gxMu!), TOLERANCE, `${label}: ∂ₓ⟨∇ᵧh, u⟩`);
  assertNear(hyyU!, centralDifference(gyPu!, gyMu!), TOLERANCE, `${label}: Hᵧᵧ u`);
}

/** The whole check for one table entry on the active backend. */
async function checkEntry(op: SupportedOp): Promise<void> {
  const rng = createRng(seedOf(op.name));
  const xShape = [...(op.shape ?? [2, 3])];
  const binary = op.yShape !== undefined;
  const yShape = binary ? [...op.yShape!] : xShape;
  const { x, y } = sampleInputs(op, rng);
  const outShape = tf.tidy(() => (binary ? op.fn(tf.tensor(x, xShape), tf.tensor(y, yShape)) : op.fn(tf.tensor(x, xShape))).shape);
  const w = randomArray(rng, size(outShape));
  const v = randomArray(rng, x.length);
  const u = randomArray(rng, y.length);
  const weighted = (out: tf.Tensor): tf.Tensor => tf.sum(tf.mul(out, tf.tensor(w, outShape)));
  if (!binary) await checkUnary((xx) => weighted(op.fn(xx)), xShape, x, v, `${op.name} g(x)`);
  const h: Fn2 = binary ? (xx, yy) => weighted(op.fn(xx, yy)) : (xx, yy) => weighted(op.fn(tf.mul(xx, yy)));
  await checkBinary(h, xShape, yShape, { x, y, v, u }, binary ? `${op.name} h(x, y)` : `${op.name} h(x, y) = g(x ⊙ y)`);
}

for (const backend of TEST_BACKENDS) {
  describe(`nested derivatives of the supported ops (${backend})`, () => {
    test('setup', async () => {
      await useBackend(backend);
      registerSecondOrderGradients();
    });
    for (const op of supportedOps) {
      test(op.name, async () => {
        assert.equal(tf.getBackend(), backend);
        const before = tf.memory().numTensors;
        await checkEntry(op);
        // Everything above runs in tidy scopes: no tensor may outlive the check.
        assert.equal(tf.memory().numTensors, before, `${op.name}: tensors leaked`);
      });
    }
  });
}
