// Spec §9e end to end: SGD on FOM's estimate converges to θ_FOM = 5.759, which is not stationary for
// the meta-objective M; SGD on UFOM's unbiased estimate converges to the stationary point θ* = 2.840.
//
// The spec's protocol exactly, through the Solver: θ_0 ~ U(−10, 30), one task per step, λ_k = 10/(k+1)
// (toy-ufom's defaults: --outer-lr 10 --outer-schedule harmonic), 10⁴ iterations, mean of the last 1000
// iterates; FOM within 0.2 of θ_FOM, UFOM with q = 0.1 within 0.6 of θ*. The seed is fixed, so the
// outcome is deterministic. A float64 re-simulation of this loop over seeds 0–399 passes FOM in 100 %
// and UFOM(q = 0.1) in 89 % of seeds (the mean of the last 1000 iterates has s.d. ≈ 0.4 at q = 0.1),
// so seed 0 is one of the passing seeds, not a property of every seed; a biased estimator misses θ* by
// ≈ 3 (θ_FOM − θ*), far outside the tolerance. ≈ 4–5 ms per iteration on cpu: ≈ 100 s for the pair.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ufomToyInstance } from '../../../../src/core/problems/toyUfom';
import { useBackend } from '../../helpers/backends';
import { Solver, createBuiltinProblem } from '../../../../src/core';

const { thetaFom, thetaStar } = ufomToyInstance();

/** Runs the Solver with toy-ufom's defaults (the spec protocol); mean of the last 1000 θ and the exact passes. */
async function solverProtocol(given: Record<string, unknown>): Promise<{ tailMean: number; exactPasses: number }> {
  const solver = await Solver.create(createBuiltinProblem('toy-ufom'), 'ufom', { ...given, seed: 0 });
  const total = solver.options.iterations as number;
  assert.equal(total, 10000);
  let sum = 0;
  let exactPasses = 0;
  for (let i = 0; i < total; i++) {
    const record = await solver.step();
    exactPasses = record.stats['ufom.exactPasses'] as number;
    if (i >= total - 1000) sum += (await solver.variables()).x['theta']![0]!;
  }
  solver.dispose();
  return { tailMean: sum / 1000, exactPasses };
}

// The cpu backend: this toy is a chain of 1-element ops, where tfjs's per-op overhead decides, and
// cpu's is lower than wasm's; the claim is about the estimator, not the backend.
describe('toy-ufom: FOM stalls at θ_FOM, UFOM reaches θ* (docs/methods.md §9e, cpu)', () => {
  test('setup', () => useBackend('cpu'));

  test('full protocol (10⁴ iterations, Solver): FOM within 0.2 of θ_FOM; UFOM (q = 0.1) within 0.6 of θ*', async (t) => {
    const fom = await solverProtocol({ q: 0, memoryMode: 'store' });
    const unbiased = await solverProtocol({ q: 0.1, memoryMode: 'store' });
    const detail = JSON.stringify({ fom, ufom: unbiased, thetaFom, thetaStar });
    t.diagnostic(detail);
    assert.ok(Math.abs(fom.tailMean - thetaFom) < 0.2, `FOM: ${detail}`);
    assert.ok(Math.abs(unbiased.tailMean - thetaStar) < 0.6, `UFOM: ${detail}`);
    assert.ok(unbiased.exactPasses > 900 && unbiased.exactPasses < 1100, detail);
  });
});
