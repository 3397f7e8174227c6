// UFOM (docs/methods.md §6) and its toy (docs/methods.md §9e): closed forms, the exact pass against float64, store vs
// recompute, unbiasedness over coin draws, memory in r, the adaptive rule, cost accounting, leaks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { OptionsError, Solver, createBuiltinProblem, createRng, getMethod, runProblem } from '../../../../src/core';
import type { RunSummary } from '../../../../src/core';
import { createCounters, gradients } from '../../../../src/core/derivatives';
import { gradientDescent } from '../../../../src/core/dynamics/gradientDescent';
import { disposeTrajectory, unrollDynamics } from '../../../../src/core/dynamics/unrollDynamics';
import { reverseByRecomputation } from '../../../../src/core/hypergrad/reverseByRecomputation';
import { reverseThroughDynamics } from '../../../../src/core/hypergrad/reverseThroughDynamics';
import { addStartPath } from '../../../../src/core/methods/addStartPath';
import { readList } from '../../../../src/core/tensorList';
import { adaptiveExactProbability, createUfomState, ufom } from '../../../../src/core/methods/ufom';
import type { UfomState } from '../../../../src/core/methods/ufom';
import { smoothedHuber, smoothedHuberTensor, ufomToyInstance, ufomToyObjective, ufomToyTaskGradients } from '../../../../src/core/problems/toyUfom';
import { assertAllClose } from '../../helpers/assertClose';
import { TEST_BACKENDS, useBackend } from '../../helpers/backends';
import { compileBuiltin, meanAndStandardError, ufomAt, ufomOptions } from './ufomHelpers';

const inst = ufomToyInstance();
const R = inst.r;

describe('toy-ufom closed forms and f_i (docs/methods.md §9e, float64)', () => {
  test('b_2, A, θ_FOM, θ*, M′(θ_FOM) = √(2D), M(θ_FOM), M(θ*) match the spec to 1e-6', () => {
    assertAllClose([inst.tasks[1].b, inst.A, inst.thetaFom, inst.thetaStar], [17.39527, 12.596847, 5.758867, 2.840282], { rtol: 0, atol: 1e-6 });
    const atFom = ufomToyObjective(inst, inst.thetaFom);
    const atStar = ufomToyObjective(inst, inst.thetaStar);
    assertAllClose([atFom.derivative, Math.sqrt(2 * inst.D), atFom.value, atStar.value], [0.34641, 0.34641, 1.9815, 1.47599], { rtol: 0, atol: 1e-5 });
    // θ* is stationary for M; θ_FOM is the zero of E[g_FO] (both lie in the quadratic zone of both tasks).
    assert.ok(Math.abs(atStar.derivative) < 1e-12, `M′(θ*) = ${atStar.derivative}`);
    const foMean = (inst.tasks.map((t) => ufomToyTaskGradients(inst, t, inst.thetaFom).fo) as number[]).reduce((a, b) => a + b) / 2;
    assert.ok(Math.abs(foMean) < 1e-12, `E[g_FO](θ_FOM) = ${foMean}`);
  });

  test('adaptive rule: q_min before any exact pass, q = 1 when D̂² is large, the root of the reference quadratic otherwise', () => {
    const o = { lowerSteps: 10, emaDecay: 0.99, qMin: 0.05 };
    assert.equal(adaptiveExactProbability({ emaBias: 0, emaSecondMoment: 0, exactPasses: 0 }, o).q, 0.05);
    // n = 1: D̂² = EMA_D/0.01/10, V̂² = EMA_V/0.01.
    const big = adaptiveExactProbability({ emaBias: 0.01 * 10 * 5, emaSecondMoment: 0.01 * 6, exactPasses: 1 }, o);
    assertAllClose([big.dHat, big.vHat, big.q], [5, 6, 1], { rtol: 1e-12 });
    const mid = adaptiveExactProbability({ emaBias: 0.01 * 10 * 0.2, emaSecondMoment: 0.01 * 4, exactPasses: 1 }, o);
    const [cDet, cRnd] = [11, 55];
    const residual = (4 - 0.2) * cRnd * mid.q ** 2 - 0.2 * cRnd * mid.q - 2 * 0.2 * cDet;
    assert.ok(mid.q > 0.05 && mid.q < 1 && Math.abs(residual) < 1e-9, `q = ${mid.q}, residual ${residual}`);
    const tiny = adaptiveExactProbability({ emaBias: 1e-9, emaSecondMoment: 1, exactPasses: 3 }, o);
    assert.equal(tiny.q, 0.05, 'raised to q_min');
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`UFOM on ${backend}`, () => {
    test('setup', () => useBackend(backend));

    test('f_i as tensors: f, f′ (tf.grad) and f″ (nested tf.grad) equal the table in all three zones, both sides, both tasks', async () => {
      for (const task of inst.tasks) {
        const c = task.b / task.a;
        const offsets = [0.3, 4, inst.A - 0.2, inst.A + 0.3, inst.A + 0.8, inst.A + 3];
        const points = offsets.flatMap((o) => [c + o, c - o]);
        const expected = points.map((p) => smoothedHuber(task, inst.A, p));
        // One [3, points] tensor (f, f′, f″ per point), read once.
        const stacked = tf.tidy(() => {
          const u = tf.tensor1d(points);
          const loss = (v: tf.Tensor): tf.Scalar => smoothedHuberTensor(v, task, inst.A);
          // f is a sum of per-point terms, so ∇f is f′ per point and ∇⟨∇f, 1⟩ is f″ per point.
          const elementwise = tf.stack(points.map((_, i) => smoothedHuberTensor(tf.slice(u, [i], [1]), task, inst.A)));
          const df = gradients(() => loss(u), [u])[0]!;
          const d2f = gradients(() => tf.sum(gradients(() => loss(u), [u])[0]!) as tf.Scalar, [u])[0]!;
          return tf.stack([elementwise, df, d2f]);
        });
        const values = Array.from(await stacked.data());
        stacked.dispose();
        const n = points.length;
        // float32: f reaches ~10² in the linear zone, so an absolute 1e-4 plus rtol 1e-5.
        assertAllClose(values.slice(0, n), expected.map((e) => e.f), { rtol: 1e-5, atol: 1e-4 }, `f (task ${task.index + 1})`);
        assertAllClose(values.slice(n, 2 * n), expected.map((e) => e.df), { rtol: 1e-5, atol: 1e-4 }, `f′ (task ${task.index + 1})`);
        assertAllClose(values.slice(2 * n), expected.map((e) => e.d2f), { rtol: 1e-5, atol: 1e-4 }, `f″ (task ${task.index + 1})`);
      }
    });

    test('q = 0 gives FOM′s f′(u_r) and q = 1 the exact f′(u_r)Π(1 − αf″(u_j)) in both memory modes, in every zone (float64 oracle, rtol 1e-4)', async () => {
      const problem = await compileBuiltin('toy-ufom');
      try {
        for (const task of inst.tasks) {
          // θ in the quadratic zone and in the two outer zones (where f″ < a and f″ = 0 on the path).
          const thetas = [inst.thetaStar, task.b / task.a + inst.A + 0.5, task.b / task.a - inst.A - 4];
          for (const theta of thetas) {
            const oracle = ufomToyTaskGradients(inst, task, theta);
            const x = [tf.tensor1d([theta])];
            for (const memoryMode of ['store', 'recompute']) {
              const view = problem.withTask(task);
              const fo = await ufomAt(view, x, ufomOptions('toy-ufom', { q: 0, memoryMode }), { rng: createRng(1) });
              const ex = await ufomAt(view, x, ufomOptions('toy-ufom', { q: 1, memoryMode }), { rng: createRng(1) });
              assertAllClose(fo.g, [oracle.fo], { rtol: 1e-4, atol: 1e-5 }, `g_FO task ${task.index + 1} θ = ${theta} (${memoryMode})`);
              assertAllClose(ex.g, [oracle.exact], { rtol: 1e-4, atol: 1e-5 }, `g_ex task ${task.index + 1} θ = ${theta} (${memoryMode})`);
              assert.equal(ex.stats['ufom.coin'], 1);
              assert.equal(fo.stats['ufom.coin'], 0);
            }
            tf.dispose(x);
          }
        }
      } finally {
        problem.dispose();
      }
    });

    test('store and recompute give the same exact gradient (rtol 1e-5), equal to RHG, on toy-ufom and on toy-quadratic (x enters f: B_kᵀp terms)', async () => {
      for (const [id, params, given] of [
        ['toy-ufom', {}, { lowerSteps: 10 }],
        ['toy-quadratic', { n: 4 }, { lowerSteps: 12, lowerLr: 0.3 }],
      ] as const) {
        const problem = await compileBuiltin(id, params);
        const view = problem.hasTasks ? problem.withTask(inst.tasks[1]) : problem;
        const x = problem.initialUpper();
        const byMode: Record<string, number[]> = {};
        for (const memoryMode of ['store', 'recompute']) {
          byMode[memoryMode] = (await ufomAt(view, x, ufomOptions(id, { ...given, q: 1, memoryMode }, params), { rng: createRng(3) })).g;
        }
        assertAllClose(byMode['recompute']!, byMode['store']!, { rtol: 1e-5, atol: 1e-7 }, `${id}: recompute vs store`);
        const rhg = getMethod('rhg');
        const y0 = view.lowerStart ? tf.tidy(() => view.lowerStart!(x).map((t) => tf.clone(t))) : view.initialLower();
        const r = await rhg.hypergradient({
          problem: view,
          x,
          y0,
          options: ufomOptions(id, given, params),
          counters: createCounters(),
          rng: createRng(0),
          needsLowerStartGradient: view.lowerStart !== undefined,
        });
        const total = addStartPath(view, x, r.gx, r.gy0);
        const rhgG = Array.from(await tf.concat(total.map((t) => tf.reshape(t, [-1]))).data());
        assertAllClose(byMode['recompute']!, rhgG, { rtol: 1e-5, atol: 1e-7 }, `${id}: UFOM(q = 1) vs RHG`);
        tf.dispose([...x, ...y0, ...r.gx, ...(r.gy0 ?? []), ...r.yK, ...total]);
        problem.dispose();
      }
    });

    test('reverseByRecomputation returns reverseThroughDynamics′s gx, gState and adjoint norms (full and truncated), recomputing Σk steps', async () => {
      const problem = await compileBuiltin('toy-quadratic', { n: 3 });
      const x = problem.initialUpper();
      const y0 = problem.initialLower();
      const K = 8;
      const dynamics = gradientDescent(problem, { lr: 0.3 });
      const trajectory = await unrollDynamics(dynamics, x, y0, { steps: K, keepFrom: 0 }, createCounters());
      for (const stop of [0, 3]) {
        const stored = reverseThroughDynamics(problem, dynamics, x, trajectory, { end: K, stop }, createCounters());
        const counters = createCounters();
        const recomputed = reverseByRecomputation(problem, dynamics, x, y0, trajectory.states[K]!, { end: K, stop }, counters);
        const read = async (r: typeof stored): Promise<number[][]> => [...(await readList(r.gx)), ...(await readList(r.gState)), Array.from(await r.adjointNorms.data())];
        const [a, b] = [await read(stored), await read(recomputed)];
        a.forEach((v, i) => assertAllClose(b[i]!, v, { rtol: 1e-5, atol: 1e-7 }, `stop ${stop}, part ${i}`));
        // Recomputing s_k costs k steps for k = stop..K−1; plus one ∇F.
        let steps = 0;
        for (let k = stop; k < K; k++) steps += k;
        assert.equal(counters.gradientEvals, steps + 1);
        assert.equal(counters.hvpEvals, K - stop);
        tf.dispose([...stored.gx, ...stored.gState, stored.adjointNorms, ...recomputed.gx, ...recomputed.gState, recomputed.adjointNorms]);
      }
      disposeTrajectory(trajectory);
      tf.dispose([...x, ...y0]);
      problem.dispose();
    });

    test('--clip-adjoint clips the adjoint after every backward step (float64 oracle of reptile.py′s loop)', async () => {
      const problem = await compileBuiltin('toy-ufom');
      const task = inst.tasks[1];
      const theta = 20;
      const clip = 0.1; // reptile.py's clip_grad_value
      // a := f′(u_r); for j = r..1: a := clip(a − α f″(u_{j−1}) a).
      const us = [theta];
      for (let j = 0; j < R; j++) us.push(us[j]! - inst.alpha * smoothedHuber(task, inst.A, us[j]!).df);
      let a = smoothedHuber(task, inst.A, us[R]!).df;
      for (let j = R; j >= 1; j--) a = Math.max(-clip, Math.min(clip, a - inst.alpha * smoothedHuber(task, inst.A, us[j - 1]!).d2f * a));
      const x = [tf.tensor1d([theta])];
      const got = await ufomAt(problem.withTask(task), x, ufomOptions('toy-ufom', { q: 1, clipAdjoint: clip }), { rng: createRng(0) });
      const unclipped = ufomToyTaskGradients(inst, task, theta).exact;
      assert.ok(Math.abs(unclipped) > clip, `the test point must need clipping (|g_ex| = ${unclipped})`);
      assertAllClose(got.g, [a], { rtol: 1e-5, atol: 1e-6 }, 'clipped g_ex');
      tf.dispose(x);
      problem.dispose();
    });

    test('memory: peak tensors and bytes grow with K in store mode and stay flat in recompute mode (solver summary peaks, q = 1)', async () => {
      // Measured: RunSummary.peakTensors/peakBytes, the largest tf.memory() seen at the sampling points
      // (after every lower step and every reverse step) over 2 outer iterations, every task exact.
      const peaks = async (memoryMode: string, K: number): Promise<RunSummary> => {
        const solver = await Solver.create(createBuiltinProblem('toy-quadratic', { n: 3 }), 'ufom', { q: 1, memoryMode, lowerSteps: K, lowerLr: 0.3 });
        await solver.step();
        await solver.step();
        const s = await solver.summary();
        solver.dispose();
        return s;
      };
      const Ks = [5, 10, 20];
      // Sequential on purpose: tf.memory() is global, so concurrent runs would see each other's tensors.
      const store: RunSummary[] = [];
      const recompute: RunSummary[] = [];
      for (const K of Ks) store.push(await peaks('store', K));
      for (const K of Ks) recompute.push(await peaks('recompute', K));
      const detail = JSON.stringify({ store: store.map((s) => [s.peakTensors, s.peakBytes]), recompute: recompute.map((s) => [s.peakTensors, s.peakBytes]) });
      // Store keeps s_0..s_K (one tensor of n = 3 floats each) and reverseThroughDynamics's trace of
      // adjoint norms (one scalar per step): 2 tensors and 3·4 + 4 bytes more per extra step.
      assert.equal(store[2]!.peakTensors - store[0]!.peakTensors, 2 * 15, detail);
      assert.equal(store[2]!.peakBytes - store[0]!.peakBytes, 15 * (3 * 4 + 4), detail);
      assert.equal(new Set(recompute.map((s) => s.peakTensors)).size, 1, detail);
      assert.equal(new Set(recompute.map((s) => s.peakBytes)).size, 1, detail);
      assert.ok(recompute[2]!.peakTensors < store[2]!.peakTensors, detail);
    });

    for (const [label, problemId, given] of [
      ['toy-ufom (tasks, lower start), q = 1 recompute', 'toy-ufom', { q: 1 }],
      ['toy-ufom, q = 1 store, meta-batch 3', 'toy-ufom', { q: 1, memoryMode: 'store', metaBatch: 3 }],
      ['toy-ufom, adaptive', 'toy-ufom', { adaptive: true, metaBatch: 2 }],
      ['toy-quadratic (no tasks, no start), q = 0.5 store', 'toy-quadratic', { q: 0.5, memoryMode: 'store' }],
    ] as const) {
      test(`no tensor leaks: ${label}`, async () => {
        const before = tf.memory().numTensors;
        const solver = await Solver.create(createBuiltinProblem(problemId), 'ufom', { ...given, lowerSteps: 4, outerLr: 0.01 });
        const counts: number[] = [];
        for (let i = 0; i < 5; i++) counts.push((await solver.step()).numTensors);
        // After each step the solver holds x, the optimizer state, the last y_K, the problem's data and
        // solution; UFOM's state is plain numbers. So every count equals the first.
        assert.deepEqual(counts, new Array(5).fill(counts[0]), counts.join(', '));
        solver.dispose();
        assert.equal(tf.memory().numTensors, before);
      });
    }
  });
}

describe('UFOM: unbiasedness, cost accounting, adaptive q, options (cpu)', () => {
  test('setup', () => useBackend('cpu'));

  test('unbiased: over 2000 coin draws at θ_FOM (both tasks) the mean of UFOM (q = 0.1) is within 3 s.e. of M′(θ_FOM); FOM′s is not', async (t) => {
    // At θ_FOM, E[g_FO] = 0 while M′ = √(2D) = 0.3464; g_FO = ±1.72 by task, so FOM's mean sits
    // ≈ 9 s.e. (0.038) away. UFOM's s.d. there is ≈ 3.3 (s.e. ≈ 0.075).
    const problem = await compileBuiltin('toy-ufom');
    const x = [tf.tensor1d([inst.thetaFom])];
    const target = ufomToyObjective(inst, inst.thetaFom).derivative;
    const means: Record<string, { mean: number; standardError: number; exact: number }> = {};
    const draws = 2000;
    for (const q of [0.1, 0]) {
      const options = ufomOptions('toy-ufom', { q, memoryMode: 'store' });
      const rng = createRng(2024);
      const samples: number[] = [];
      let exact = 0;
      for (let i = 0; i < draws; i++) {
        const task = problem.sampleTask(rng);
        const e = await ufomAt(problem.withTask(task), x, options, { rng });
        samples.push(e.g[0]!);
        exact += e.stats['ufom.coin'] as number;
      }
      means[q] = { ...meanAndStandardError(samples), exact };
    }
    const u = means[0.1]!;
    const f = means[0]!;
    const detail = JSON.stringify({ target, ufom: u, fom: f });
    t.diagnostic(detail);
    assert.ok(u.exact > 150 && u.exact < 250, `q = 0.1 must draw ≈ 200 exact passes: ${detail}`);
    assert.equal(f.exact, 0);
    assert.ok(Math.abs(u.mean - target) <= 3 * u.standardError, `UFOM biased: ${detail}`);
    assert.ok(Math.abs(f.mean - target) > 3 * f.standardError, `FOM should be biased here: ${detail}`);
    tf.dispose(x);
    problem.dispose();
  });

  test('cost accounting: ufom.cost = T(K+1) + (exact passes)·K(K+1)/2 (recompute) or ·K (store); same seed, same coins in both modes', async () => {
    const K = R;
    const T = 40;
    const lastStats: Record<string, Record<string, unknown>> = {};
    const counts: Record<string, number> = {};
    for (const memoryMode of ['recompute', 'store']) {
      let coins = 0;
      const outcome = await runProblem(createBuiltinProblem('toy-ufom'), 'ufom', { q: 0.3, memoryMode, iterations: T, outerLr: 0.05, seed: 5 }, { onRecord: (r) => void (coins += r.stats['ufom.coin'] as number) });
      assert.equal(outcome.status, 'completed', outcome.message);
      lastStats[memoryMode] = { ...outcome.summary.last!.stats };
      counts[memoryMode] = coins;
    }
    const n = counts['recompute']!;
    assert.ok(n > 0 && n < T, `coins ${n}`);
    assert.equal(counts['store'], n, 'the coins depend on the seed only');
    assert.equal(lastStats['recompute']!['ufom.exactPasses'], n);
    assert.equal(lastStats['recompute']!['ufom.cost'], T * (K + 1) + (n * K * (K + 1)) / 2);
    assert.equal(lastStats['store']!['ufom.cost'], T * (K + 1) + n * K);
  });

  test('adaptive EMAs: --bias-estimate code uses ‖g_U − g_ex‖² = (1/q − 1)²‖g_FO − g_ex‖² (quirk §11.7), fom uses ‖g_FO − g_ex‖²', async () => {
    const problem = await compileBuiltin('toy-ufom');
    const x = [tf.tensor1d([inst.thetaFom])];
    const view = problem.withTask(inst.tasks[1]);
    for (const biasEstimate of ['code', 'fom']) {
      const options = ufomOptions('toy-ufom', { adaptive: true, qMin: 0.25, biasEstimate });
      const state = createUfomState();
      const rng = createRng(11);
      let e = await ufomAt(view, x, options, { state, rng });
      while (e.stats['ufom.coin'] !== 1) e = await ufomAt(view, x, options, { state, rng });
      const q = e.stats['ufom.q'] as number;
      assert.equal(q, 0.25, 'q = q_min until the first exact pass');
      const biasSq = e.stats['ufom.biasSq'] as number;
      const fo = ufomToyTaskGradients(inst, inst.tasks[1], inst.thetaFom);
      assertAllClose([biasSq], [(fo.exact - fo.fo) ** 2], { rtol: 1e-4 }, 'biasSq');
      const term = biasEstimate === 'code' ? (1 / q - 1) ** 2 * biasSq : biasSq;
      const s = state as UfomState;
      assertAllClose([s.emaBias, s.emaSecondMoment, s.exactPasses], [0.01 * term, 0.01 * (e.stats['ufom.exactSq'] as number), 1], { rtol: 1e-4 }, biasEstimate);
      const next = await ufomAt(view, x, options, { state, rng });
      assert.ok(Number.isFinite(next.stats['ufom.dHat']) && Number.isFinite(next.stats['ufom.vHat']), JSON.stringify(next.stats));
      assertAllClose([next.stats['ufom.dHat'] as number], [term / 10], { rtol: 1e-4 }, 'D̂² = EMA/(1 − β)/10');
    }
    tf.dispose(x);
    problem.dispose();
  });

  test('adaptive UFOM runs through the solver; q stays in [q_min, 1]', async () => {
    const qs: number[] = [];
    const outcome = await runProblem(createBuiltinProblem('toy-ufom'), 'ufom', { adaptive: true, iterations: 40, outerLr: 0.05, metaBatch: 2 }, { onRecord: (r) => void qs.push(r.stats['ufom.q'] as number) });
    assert.equal(outcome.status, 'completed', outcome.message);
    assert.ok(qs.every((q) => q >= 0.05 && q <= 1), qs.join(', '));
    assert.ok(qs.some((q) => q !== 0.05), 'q adapts after the first exact pass');
  });

  test('options are validated with the flag named', async () => {
    await assert.rejects(Solver.create(createBuiltinProblem('toy-ufom'), 'ufom', { q: 1.5 }), (e: Error) => e instanceof OptionsError && /--q \(q\)/.test(e.message));
    await assert.rejects(Solver.create(createBuiltinProblem('toy-ufom'), 'ufom', { emaDecay: 1 }), /--ema-decay/);
    await assert.rejects(Solver.create(createBuiltinProblem('toy-ufom'), 'ufom', { clipAdjoint: 0.1, memoryMode: 'store' }), /--clip-adjoint .*--memory-mode recompute/);
    await assert.rejects(Solver.create(createBuiltinProblem('toy-ufom'), 'ufom', { memoryMode: 'disk' }), /--memory-mode/);
    const flags = ufom.options.map((o) => o.flag);
    assert.deepEqual(flags, ['q', 'adaptive', 'memory-mode', 'bias-estimate', 'q-min', 'ema-decay', 'clip-adjoint']);
  });
});
