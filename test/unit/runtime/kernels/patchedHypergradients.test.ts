// Hypergradients with every wasm kernel patch on (src/runtime/kernels/patchWasmKernels.ts) on a small
// hyper-cleaning problem whose data matrix (64×300) is large enough for the transpose cache and the
// product memo: bit-for-bit those of wasm before the patches, within float32 accuracy of the cpu
// backend, and as close to finite differences as the cpu backend's.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { checkHypergradient } from '../../../../src/core';
import type { CheckResult, ProblemDefinition } from '../../../../src/core';
import { selectBackend } from '../../../../src/runtime/backend';
import { memoizeWasmMatMul } from '../../../../src/runtime/kernels/memoizeWasmMatMul';
import { patchWasmKernels } from '../../../../src/runtime/kernels/patchWasmKernels';
import { syntheticHyperCleaning } from '../../../../bench/syntheticHyperCleaning';
import { relativeError } from '../../helpers/assertClose';

const problem = (): ProblemDefinition<unknown, unknown> => syntheticHyperCleaning(64, 300, 10) as ProblemDefinition<unknown, unknown>;
// The comparison matrix's methods with its settings (bench/compare.ts), at K = 6 for speed.
const METHODS: readonly [string, Record<string, number>][] = [
  ['rhg', {}],
  ['t-rhg', { truncation: 3 }],
  ['cg', { cgIterations: 10, cgTolerance: 1e-30 }],
  ['neumann', { neumannTerms: 10 }],
  ['fom', {}],
  ['iaptt-gm', {}],
];
const run = (method: string, options: Record<string, number>): Promise<CheckResult> =>
  checkHypergradient(problem(), method, { options: { lowerSteps: 6, lowerLr: 0.5, ...options }, directions: 2 });

describe('hypergradients through the patched wasm kernels', () => {
  const cpu = new Map<string, CheckResult>();
  const unpatched = new Map<string, CheckResult>();
  before(async () => {
    await selectBackend('cpu');
    for (const [method, options] of METHODS) cpu.set(method, await run(method, options));
    // selectBackend applies only patchWasmMatMul; the other patches come in after these runs.
    await selectBackend('wasm');
    for (const [method, options] of METHODS) unpatched.set(method, await run(method, options));
    patchWasmKernels();
  });

  for (const [method, options] of METHODS) {
    it(`${method}: identical to unpatched wasm, close to cpu and to finite differences`, async () => {
      const patched = await run(method, options);
      const before = unpatched.get(method)!;
      const reference = cpu.get(method)!;
      assert.deepEqual(patched.hypergradient, before.hypergradient, 'the patches change no bit of the hypergradient');
      assert.equal(patched.upperLoss, before.upperLoss);
      const norm = Math.hypot(...reference.hypergradient);
      if (norm > 0) assert.ok(relativeError(patched.hypergradient, reference.hypergradient) < 1e-3, `wasm vs cpu: ${relativeError(patched.hypergradient, reference.hypergradient)}`);
      else assert.ok(Math.hypot(...patched.hypergradient) < 1e-6, 'both zero (FOM on hyper-cleaning)');
      // The finite-difference check of the method's own objective is no worse than on cpu.
      assert.ok(patched.maxRelativeError <= Math.max(2 * reference.maxRelativeError, 1e-3), `FD rel. error wasm ${patched.maxRelativeError} vs cpu ${reference.maxRelativeError}`);
    });
  }

  it('the runs above went through the product memo', () => {
    const stats = memoizeWasmMatMul();
    assert.ok(stats && stats.hits > 0, `memo hits: ${JSON.stringify(stats)}`);
  });
});
