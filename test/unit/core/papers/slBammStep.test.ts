// sl-BAMM, one iteration at a time (docs/methods.md §5.2–5.3): every quantity of the step against a float64 hand
// computation on a quadratic whose lower Hessian is singular, and the step-size strategies.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { OptionsError, compileProblem, createBuiltinProblem, createRng, defineProblem, hypergradientAt, resolveRunOptions, startingPoint } from '../../../../src/core';
import type { CompiledProblem, HypergradientResult, ResolvedOptions } from '../../../../src/core';
import { createCounters } from '../../../../src/core/derivatives';
import { averagedMultiplierStep } from '../../../../src/core/hypergrad/averagedMultiplierStep';
import { SlBammState, slBamm, slBammStepSizes } from '../../../../src/core/methods/slBamm';
import { readList } from '../../../../src/core/tensorList';
import { assertAllClose } from '../../helpers/assertClose';
import { TEST_BACKENDS, useBackend } from '../../helpers/backends';

// F(x, y) = ½ yᵀPy + xᵀQy + ½‖x − x̂‖², f(x, y) = ½ yᵀRy − xᵀSy with y = (u ∈ R², w ∈ R¹) as two
// tensors, x ∈ R². R has rank 2 (rows 1 and 2 agree), so f(x, ·) is convex but not strongly convex.
// Closed forms: ∇_yF = Py + Qᵀx, ∇_xF = Qy + x − x̂, ∇_yf = Ry − Sᵀx, H_ψ = μP + (1−μ)R,
// M_ψᵀv = μQv − (1−μ)Sv.
const P = [
  [2, 0.5, 0.2],
  [0.5, 1.5, -0.3],
  [0.2, -0.3, 1.2],
];
const R = [
  [1, 1, 0],
  [1, 1, 0],
  [0, 0, 0.5],
];
const Q = [
  [0.3, -0.4, 0.1],
  [0.2, 0.5, -0.6],
];
const S = [
  [1, 0.2, 0],
  [-0.3, 0.7, 0.4],
];
const X_HAT = [1, -0.5];
const X = [0.4, -0.7];
const Y = [0.5, -1.2, 0.8];
const Z = [0.3, -0.2, 0.5];

type Mat = number[][];
const mv = (M: Mat, v: number[]): number[] => M.map((row) => row.reduce((s, m, j) => s + m * v[j]!, 0));
const mtv = (M: Mat, v: number[]): number[] => M[0]!.map((_, j) => M.reduce((s, row, i) => s + row[j]! * v[i]!, 0));
const add = (a: number[], b: number[], c = 1): number[] => a.map((v, i) => v + c * b[i]!);
const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
const norm = (a: number[]): number => Math.sqrt(dot(a, a));

/** Float64 sl-BAMM iteration (docs/methods.md §5.2) at (x, y, z) with weight μ, step β and η (a number, or adaptive). */
function referenceStep(x: number[], y: number[], z: number[], mu: number, beta: number, eta: number | 'adaptive', useNew: boolean) {
  const gyF = add(mv(P, y), mtv(Q, x));
  const gxF = add(mv(Q, y), add(x, X_HAT, -1));
  const gyf = add(mv(R, y), mtv(S, x), -1);
  const hpsi = (v: number[]): number[] => add(mv(P, v).map((t) => mu * t), mv(R, v).map((t) => (1 - mu) * t));
  const mpsi = (v: number[]): number[] => add(mv(Q, v).map((t) => mu * t), mv(S, v).map((t) => (1 - mu) * t), -1);
  const yNext = add(y, add(gyF.map((t) => mu * t), gyf.map((t) => (1 - mu) * t)), -beta);
  const r = add(hpsi(z), gyF, -1);
  const etaUsed = eta === 'adaptive' ? dot(r, r) / dot(r, hpsi(r)) : eta;
  const zNext = add(z, r, -etaUsed);
  const d = add(gxF, mpsi(useNew ? zNext : z), -1);
  return { yNext, r, eta: etaUsed, zNext, d, gyf };
}

const quadraticProblem = defineProblem<{ P: tf.Tensor2D; Q: tf.Tensor2D; R: tf.Tensor2D; S: tf.Tensor2D; xHat: tf.Tensor1D }>({
  id: 'sl-bamm-step-quadratic',
  upper: {
    variables: { x: { shape: [2], init: X } },
    objective: ({ x }, { u, w }, d) => {
      const y = tf.reshape(tf.concat([u!, w!]), [3, 1]);
      const xc = tf.reshape(x!, [2, 1]);
      return tf.addN([tf.mul(0.5, tf.sum(tf.mul(y, tf.matMul(d.P, y)))), tf.sum(tf.mul(xc, tf.matMul(d.Q, y))), tf.mul(0.5, tf.sum(tf.square(tf.sub(x!, d.xHat))))]) as tf.Scalar;
    },
  },
  lower: {
    variables: { u: { shape: [2], init: Y.slice(0, 2) }, w: { shape: [1], init: Y.slice(2) } },
    objective: ({ x }, { u, w }, d) => {
      const y = tf.reshape(tf.concat([u!, w!]), [3, 1]);
      const xc = tf.reshape(x!, [2, 1]);
      return tf.sub(tf.mul(0.5, tf.sum(tf.mul(y, tf.matMul(d.R, y)))), tf.sum(tf.mul(xc, tf.matMul(d.S, y))));
    },
  },
  data: () => ({ P: tf.tensor2d(P), Q: tf.tensor2d(Q), R: tf.tensor2d(R), S: tf.tensor2d(S), xHat: tf.tensor1d(X_HAT) }),
});

/** y or z as the problem's two lower tensors (u, w). */
const lowerTensors = (v: number[]): tf.Tensor[] => [tf.tensor1d(v.slice(0, 2)), tf.tensor1d(v.slice(2))];
const flat = async (list: tf.Tensor[]): Promise<number[]> => (await readList(list)).flat();
const TOL = { rtol: 1e-5, atol: 1e-6 };

async function withProblem<T>(fn: (problem: CompiledProblem) => Promise<T>): Promise<T> {
  const problem = await compileProblem(quadraticProblem, createRng(0));
  try {
    return await fn(problem);
  } finally {
    problem.dispose();
  }
}

/** Runs slBamm.hypergradient from a state at iteration k with (y_k, z_k) = (Y, Z), at x = X. */
async function methodStep(problem: CompiledProblem, options: ResolvedOptions<typeof slBamm.options>, k: number) {
  const state = new SlBammState();
  state.y = lowerTensors(Y);
  state.z = lowerTensors(Z);
  state.iteration = k;
  const x = [tf.tensor1d(X)];
  const y0 = lowerTensors([0, 0, 0]);
  const counters = createCounters();
  const result: HypergradientResult = await slBamm.hypergradient({ problem, x, y0, options, counters, state, rng: createRng(0), needsLowerStartGradient: false });
  const out = { d: await flat(result.gx), yK: await flat(result.yK), yNext: await flat(state.y), zNext: await flat(state.z!), iteration: state.iteration, stats: result.stats, counters, warning: result.warning };
  tf.dispose([...x, ...y0, ...result.gx, ...result.yK]);
  state.dispose();
  return out;
}

for (const backend of TEST_BACKENDS) {
  describe(`sl-BAMM iteration on ${backend}`, () => {
    test('setup', () => useBackend(backend));

    for (const [eta, useNew] of [
      ['adaptive', false],
      ['adaptive', true],
      [0.37, false],
      [0.37, true],
    ] as const) {
      test(`averagedMultiplierStep (η ${eta}, ${useNew ? 'z_{k+1}' : 'z_k'} in d_k): y_{k+1}, r_k, η_k, z_{k+1}, d_k match float64 (rtol 1e-5)`, async () => {
        await withProblem(async (problem) => {
          const [mu, beta] = [0.6, 0.1];
          const before = tf.memory().numTensors;
          const x = [tf.tensor1d(X)];
          const y = lowerTensors(Y);
          const z = lowerTensors(Z);
          const counters = createCounters();
          const step = averagedMultiplierStep(
            problem,
            x,
            y,
            z,
            { mu, lowerLr: beta, multiplierLr: eta === 'adaptive' ? 0.01 : eta, adaptive: eta === 'adaptive', useNewMultiplier: useNew, curvatureFloor: 1e-10 },
            counters,
          );
          const ref = referenceStep(X, Y, Z, mu, beta, eta, useNew);
          assertAllClose(await flat(step.yNext), ref.yNext, TOL, 'y_{k+1}');
          assertAllClose(await flat(step.residual), ref.r, TOL, 'r_k');
          assertAllClose(await step.eta.data(), [ref.eta], TOL, 'η_k');
          assertAllClose(await flat(step.zNext), ref.zNext, TOL, 'z_{k+1}');
          assertAllClose(await flat(step.direction), ref.d, TOL, 'd_k');
          assertAllClose(await flat(step.lowerGradient), ref.gyf, TOL, '∇_y f');
          assert.equal((await step.curvatureFallback.data())[0], 0);
          // Two gradients; (H_ψz_k, M_ψᵀz_k) in one double backward, or two with z_{k+1}; +1 HVP for the line search.
          assert.deepEqual([counters.gradientEvals, counters.hvpEvals], [2, (useNew ? 2 : 1) + (eta === 'adaptive' ? 1 : 0)]);
          // The inputs are untouched and alive; the outputs are the only new tensors.
          assertAllClose(await flat(z), Z.map(Math.fround), { rtol: 0, atol: 0 }, 'z_k unchanged');
          tf.dispose([...x, ...y, ...z, ...step.yNext, ...step.zNext, ...step.direction, ...step.residual, ...step.lowerGradient, step.eta, step.curvatureFallback]);
          assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
        });
      });
    }

    test('slBamm.hypergradient at k = 3: gx = d_k, yK = y_k, state → (y_{k+1}, z_{k+1}), statistics with global norms', async () => {
      await withProblem(async (problem) => {
        const options = resolveRunOptions(quadraticProblem, slBamm, { lowerLr: 0.1 });
        const k = 3;
        const mu = 0.9 / Math.pow(k + 1, 1 / 10);
        const ref = referenceStep(X, Y, Z, mu, 0.1, 'adaptive', false);
        const out = await methodStep(problem, options, k);
        assertAllClose(out.d, ref.d, TOL, 'gx = d_k');
        assertAllClose(out.yK, Y.map(Math.fround), { rtol: 0, atol: 0 }, 'yK = y_k');
        assertAllClose(out.yNext, ref.yNext, TOL, 'state y = y_{k+1}');
        assertAllClose(out.zNext, ref.zNext, TOL, 'state z = z_{k+1}');
        assert.equal(out.iteration, k + 1);
        const lambda = Math.pow(k + 1, -1.5 / 40) * mu ** 3 * 0.1;
        const expected = {
          'slbamm.mu': mu,
          'slbamm.eta': ref.eta,
          'slbamm.lambda': lambda,
          'slbamm.multiplierNorm': norm(Z),
          'slbamm.residualNorm': norm(ref.r),
          'slbamm.directionNorm': norm(ref.d),
          'slbamm.kktProxy': norm(ref.d) + norm(ref.r) + norm(ref.gyf),
        };
        for (const [key, value] of Object.entries(expected)) assertAllClose([out.stats[key] as number], [value], TOL, key);
        // The pitfall of docs/methods.md §11.4: the sum of per-tensor norms is measurably different here.
        const perTensorSum = norm(ref.r.slice(0, 2)) + norm(ref.r.slice(2));
        assert.ok(Math.abs(perTensorSum - norm(ref.r)) > 1e-2, 'the test point must separate the two norms');
        assert.equal(out.warning, undefined);
        assert.equal(options.lowerSteps, 20, 'K is resolved but unused');
      });
    });

    test('slBamm.hypergradient with --multiplier-step schedule --use-new-multiplier --strategy s2', async () => {
      await withProblem(async (problem) => {
        const options = resolveRunOptions(quadraticProblem, slBamm, { lowerLr: 0.2, multiplierStep: 'schedule', useNewMultiplier: true, strategy: 's2', muInit: 0.8, muPower: 4, tau: 0.1 });
        const k = 5;
        const mu = 0.8 / Math.pow(k + 1, 1 / 4);
        const eta = Math.pow(k + 1, -0.05) * mu * 0.2;
        const ref = referenceStep(X, Y, Z, mu, 0.2, eta, true);
        const out = await methodStep(problem, options, k);
        assertAllClose(out.d, ref.d, TOL, 'gx = d_k');
        assertAllClose(out.yNext, ref.yNext, TOL, 'y_{k+1}');
        assertAllClose(out.zNext, ref.zNext, TOL, 'z_{k+1}');
        assertAllClose([out.stats['slbamm.eta'] as number], [eta], TOL, 'η_k');
        assertAllClose([out.stats['slbamm.lambda'] as number], [Math.pow(k + 1, -0.15) * mu ** 5 * 0.2], TOL, 'λ_k');
      });
    });

    test('zero curvature along r (ψ = f on toy-nonsingleton): falls back to the scheduled η and warns', async () => {
      // x = 0.5, y = (1, 1), z_0 = 0: r = (0, x − y²) lies in the null space of H_f = diag(1, 0).
      const definition = createBuiltinProblem('toy-nonsingleton', { n: 1, x0: 0.5, y0: 1 });
      const options = resolveRunOptions(definition, slBamm, { muInit: 0, muSchedule: 'fixed', strategy: 'constant', multiplierLr: 0.25 });
      const problem = await compileProblem(definition, createRng(0));
      const state = new SlBammState();
      const x = problem.initialUpper();
      const y0 = problem.initialLower();
      const result = await slBamm.hypergradient({ problem, x, y0, options, counters: createCounters(), state, rng: createRng(0), needsLowerStartGradient: false });
      assert.match(result.warning ?? '', /non-positive curvature/);
      assert.equal(result.stats['slbamm.eta'], 0.25);
      assertAllClose(await flat(state.z!), [0, 0.25 * 0.5], TOL, 'z_1 = −η r_0 with r_0 = (0, −0.5)');
      tf.dispose([...x, ...y0, ...result.gx, ...result.yK]);
      state.dispose();
      problem.dispose();
    });

    test('without a state (check/grad) it runs iteration 0 from y_0: d_0 = ∇_xF = x − y² on toy-nonsingleton', async () => {
      const definition = createBuiltinProblem('toy-nonsingleton', { n: 2, y0: 0.3 });
      const options = resolveRunOptions(definition, slBamm, {});
      const problem = await compileProblem(definition, createRng(0));
      const before = tf.memory().numTensors;
      const x = startingPoint(problem, { x: [0.9, -0.4] });
      const { gx } = await hypergradientAt(problem, slBamm, options, x);
      assertAllClose(gx.flat(), [0.6, -0.7], TOL);
      tf.dispose(x);
      assert.equal(tf.memory().numTensors, before, 'the transient state is released');
      problem.dispose();
    });
  });
}

describe('sl-BAMM step sizes (docs/methods.md §5.3)', () => {
  const definition = createBuiltinProblem('toy-nonsingleton', { n: 1 });
  const resolve = (given: Record<string, unknown>): ResolvedOptions<typeof slBamm.options> => resolveRunOptions(definition, slBamm, { lowerLr: 0.1, ...given });

  test('s1, s2, s3: η_k = (k+1)^(−τ/2) μ_k^{2,1,0} β and λ_k = (k+1)^(−3τ/2) μ_k^{7,5,3} β, μ_k = μ_0/(k+1)^(1/p)', () => {
    for (const [strategy, a, b] of [
      ['s1', 2, 7],
      ['s2', 1, 5],
      ['s3', 0, 3],
    ] as const) {
      const options = resolve({ strategy, muInit: 0.9, muPower: 10, tau: 1 / 40 });
      const schedule = slBamm.outerLrSchedule!(options);
      for (const k of [0, 1, 9, 999]) {
        const mu = 0.9 / Math.pow(k + 1, 0.1);
        const sizes = slBammStepSizes(options, k);
        assertAllClose([sizes.mu, sizes.eta, sizes.lambda, schedule(k)], [mu, Math.pow(k + 1, -1 / 80) * mu ** a * 0.1, Math.pow(k + 1, -3 / 80) * mu ** b * 0.1, sizes.lambda], { rtol: 1e-12 }, `${strategy} k=${k}`);
      }
    }
  });

  test('constant strategy and fixed μ: η = --multiplier-lr (default β), λ = --outer-lr, μ_k = μ_0', () => {
    const sizes = slBammStepSizes(resolve({ strategy: 'constant', muSchedule: 'fixed', muInit: 0.1, outerLr: 0.3 }), 500);
    assert.deepEqual(sizes, { mu: 0.1, eta: 0.1, lambda: 0.3 });
    assert.equal(slBammStepSizes(resolve({ strategy: 'constant', multiplierLr: 0.7 }), 0).eta, 0.7);
  });

  test('defaults are the merely convex toy of the sl-BAMM code: μ_0 = 0.9, p = 10, τ = 1/40, s3, adaptive η, z_k', () => {
    const o = resolve({});
    assert.deepEqual([o.muInit, o.muPower, o.muSchedule, o.tau, o.strategy, o.multiplierStep, o.useNewMultiplier], [0.9, 10, 'decay', 1 / 40, 's3', 'adaptive', false]);
  });

  test('a μ-scaled strategy with μ_0 = 0 is rejected, naming the flags', () => {
    assert.throws(() => resolve({ muInit: 0, strategy: 's3' }), (e: unknown) => e instanceof OptionsError && /--strategy s3.*--mu0 0/.test(e.message));
    assert.doesNotThrow(() => resolve({ muInit: 0, strategy: 'constant' }));
  });
});
