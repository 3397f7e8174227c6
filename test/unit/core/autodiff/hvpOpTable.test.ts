// Nested tf.grad against finite differences for every op in supportedOps, on cpu and wasm.
//
// For each entry, with seeded inputs inside its domain and away from its kinks, and seeded weights w
// and directions v (in x) and u (in y):
//   unary  g(x) = Σ w ⊙ op(x):   ⟨∇g, v⟩ and H v;
//   both   h(x, y) = Σ w ⊙ op(x, y) for binary entries, Σ w ⊙ op(x ⊙ y) for unary ones (y ≈ 1):
//          ⟨∇ₓh, v⟩, ⟨∇ᵧh, u⟩, Hₓₓ v, ∂ᵧ⟨∇ₓh, v⟩, ∂ₓ⟨∇ᵧh, u⟩ and Hᵧᵧ u.
// First derivatives are checked against central differences of the value, second derivatives
// against central differences of the (first-order, autodiff) gradient; since the first-order
// gradient is itself checked, a wrong gradient at either order fails the test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { registerSecondOrderGradients, supportedOps } from '../../../../src/core/autodiff';
import type { SupportedOp } from '../../../../src/core/autodiff';
import { createRng } from '../../../../src/core/rng';
import type { Rng } from '../../../../src/core/rng';
import { assertAllClose } from '../../helpers/assertClose';
import { TEST_BACKENDS, useBackend } from '../../helpers/backends';

// Step and tolerance. Central differences in float32 with step ε = 1e-2 along directions with
// entries in [−1, 1] have truncation error ≈ ε²/6 times the next derivative (≲ 1e-3 relative over
// the domains in supportedOps) and round-off ≈ 2⁻²⁴·|f|/ε (≲ 1e-4 absolute here), so nested
// results must match to 5e-3 of the largest entry of the compared vector, plus 5e-4 absolute for
// entries that are 0 or nearly so. Every entry passes at 2e-3 / 2e-4 on cpu and wasm; the bugs
// this guards against are O(1) (tfjs's own gradients give a 4× wrong H v through log(1 + exp(x)),
// or 0, or throw).
const EPS = 1e-2;
const RTOL = 5e-3;
const ATOL = 5e-4;
// Samples keep this far from kinks and from each other (where an entry asks), more than the
// largest move a finite-difference step makes (|εv| + |x|·|εu| ≤ 0.03 for |x| ≤ 2).
const MARGIN = 0.05;
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

function farFrom(value: number, points: readonly number[]): boolean {
  return points.every((p) => Math.abs(value - p) >= MARGIN);
}

/** Seeded x and y for an entry: y in its domain (or near 1 for unary entries), x away from kinks and ties. */
function sampleInputs(op: SupportedOp, rng: Rng): { x: number[]; y: number[] } {
  const shape = op.shape ?? [2, 3];
  const n = size(shape);
  const binary = op.yShape !== undefined;
  const yDomain = binary ? (op.yDomain ?? [-1, 1]) : MIX_DOMAIN;
  const y = Array.from({ length: binary ? size(op.yShape!) : n }, () => uniform(rng, yDomain));
  const kinks = op.kinks ?? [];
  const x: number[] = [];
  const z: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let attempt = 0; ; attempt++) {
      assert.ok(attempt < 10_000, `${op.name}: cannot sample inputs away from kinks and ties`);
      const xi = uniform(rng, op.domain ?? [-1, 1]);
      // For unary entries h evaluates op at x ⊙ y, which must keep the same distances.
      const zi = binary ? xi : xi * y[i]!;
      if (!farFrom(xi, kinks) || !farFrom(zi, kinks)) continue;
      if (op.distinct === true && (!farFrom(xi, x) || !farFrom(zi, z))) continue;
      if (op.apart === true && !farFrom(xi, [y[i]!])) continue;
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

function read(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, ai, i) => s + ai * b[i]!, 0);
}

function centralDifference(plus: readonly number[], minus: readonly number[]): number[] {
  return plus.map((p, i) => (p - minus[i]!) / (2 * EPS));
}

function assertNear(actual: readonly number[], expected: readonly number[], what: string): void {
  const scale = expected.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
  assertAllClose(actual, expected, { rtol: RTOL, atol: ATOL + RTOL * scale }, what);
}

/** Runs `fn` in a tidy scope and returns its tensors' values. */
function values(fn: () => tf.Tensor[]): number[][] {
  return tf.tidy(() => fn().map(read));
}

/**
 * Gradients of f at xs, with zeros where f does not depend on an input (tf.grads throws there, and
 * linear ops have structurally zero second derivatives). Works nested: the result stays on the tape.
 */
function gradients(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): tf.Tensor[] {
  const { grads } = tf.engine().gradients(() => f(...xs), xs, undefined, true);
  return grads.map((g, i) => g ?? tf.zerosLike(xs[i]!));
}

/** Checks ⟨∇g, v⟩ and H v of a one-argument scalar function at x. */
function checkUnary(g: (x: tf.Tensor) => tf.Tensor, shape: number[], x: number[], v: number[], label: string): void {
  const t = (a: number[]): tf.Tensor => tf.tensor(a, shape);
  const grad = (xx: tf.Tensor): tf.Tensor => gradients(g, [xx])[0]!;
  const [gx, hv, gPlus, gMinus, fPlus, fMinus] = values(() => {
    const vt = t(v);
    const hvp = gradients((xx) => tf.sum(tf.mul(grad(xx), vt)), [t(x)])[0]!;
    return [grad(t(x)), hvp, grad(t(step(x, v, EPS))), grad(t(step(x, v, -EPS))), g(t(step(x, v, EPS))), g(t(step(x, v, -EPS)))];
  });
  assertNear([dot(gx!, v)], centralDifference(fPlus!, fMinus!), `${label}: ⟨∇g, v⟩`);
  assertNear(hv!, centralDifference(gPlus!, gMinus!), `${label}: H v`);
}

/** Checks first derivatives, both Hessian blocks and both mixed products of a two-argument scalar function. */
function checkBinary(h: Fn2, xShape: number[], yShape: number[], p: { x: number[]; y: number[]; v: number[]; u: number[] }, label: string): void {
  const tx = (a: number[]): tf.Tensor => tf.tensor(a, xShape);
  const ty = (a: number[]): tf.Tensor => tf.tensor(a, yShape);
  const grads = ([xx, yy]: tf.Tensor[]): tf.Tensor[] => gradients(h, [xx!, yy!]);
  const { x, y, v, u } = p;
  const r = values(() => {
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
      h(tx(step(x, v, EPS)), ty(y)),
      h(tx(step(x, v, -EPS)), ty(y)),
      h(tx(x), ty(step(y, u, EPS))),
      h(tx(x), ty(step(y, u, -EPS))),
    ];
  });
  const [gx, gy, hxxV, hyxV, hxyU, hyyU, gxPv, gyPv, gxMv, gyMv, gxPu, gyPu, gxMu, gyMu, hPv, hMv, hPu, hMu] = r as number[][];
  assertNear([dot(gx!, v)], centralDifference(hPv!, hMv!), `${label}: ⟨∇ₓh, v⟩`);
  assertNear([dot(gy!, u)], centralDifference(hPu!, hMu!), `${label}: ⟨∇ᵧh, u⟩`);
  assertNear(hxxV!, centralDifference(gxPv!, gxMv!), `${label}: Hₓₓ v`);
  assertNear(hyxV!, centralDifference(gyPv!, gyMv!), `${label}: ∂ᵧ⟨∇ₓh, v⟩`);
  assertNear(hxyU!, centralDifference(gxPu!, gxMu!), `${label}: ∂ₓ⟨∇ᵧh, u⟩`);
  assertNear(hyyU!, centralDifference(gyPu!, gyMu!), `${label}: Hᵧᵧ u`);
}

/** The whole check for one table entry on the active backend. */
function checkEntry(op: SupportedOp): void {
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
  if (!binary) checkUnary((xx) => weighted(op.fn(xx)), xShape, x, v, `${op.name} g(x)`);
  const h: Fn2 = binary ? (xx, yy) => weighted(op.fn(xx, yy)) : (xx, yy) => weighted(op.fn(tf.mul(xx, yy)));
  checkBinary(h, xShape, yShape, { x, y, v, u }, binary ? `${op.name} h(x, y)` : `${op.name} h(x, y) = g(x ⊙ y)`);
}

for (const backend of TEST_BACKENDS) {
  describe(`nested derivatives of the supported ops (${backend})`, () => {
    test('setup', async () => {
      await useBackend(backend);
      registerSecondOrderGradients();
    });
    for (const op of supportedOps) {
      test(op.name, () => {
        assert.equal(tf.getBackend(), backend);
        const before = tf.memory().numTensors;
        checkEntry(op);
        // Everything above runs in tidy scopes: no tensor may outlive the check.
        assert.equal(tf.memory().numTensors, before, `${op.name}: tensors leaked`);
      });
    }
  });
}
