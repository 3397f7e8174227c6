// checkRunMemory: what each method stores of the lower iterates, against the 4 GiB limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBuiltinProblem, getMethod, resolveRunOptions } from '../../../src/core';
import { checkRunMemory, STORED_ITERATES_LIMIT_BYTES } from '../../../src/cli/checkRunMemory';

/** toy-nonsingleton with n = 1e6: 2e6 lower entries (y1, y2), 8 MB a state. */
const big = createBuiltinProblem('toy-nonsingleton', { n: 1_000_000 });
const check = (method: string, options: Record<string, number | string>): void => checkRunMemory(big, getMethod(method), resolveRunOptions(big, getMethod(method), options));

void describe('checkRunMemory', () => {
  void it('lets a run through up to the limit: K × entries × 4 bytes ≤ 4 GiB', () => {
    const K = Math.floor(STORED_ITERATES_LIMIT_BYTES / (2_000_000 * 4));
    assert.doesNotThrow(() => check('rhg', { lowerSteps: K }));
    assert.throws(() => check('rhg', { lowerSteps: K + 1 }), /--K 537 with 2000000 lower entries \(y1: 1000000, y2: 1000000\) would store 4\.3e\+9 bytes \(4\.00 GiB\) of lower iterates \(rhg keeps all K states of y; limit 4 GiB\)/);
  });

  void it('counts what each method keeps: M for t-rhg, nothing for implicit and first-order methods, K for ufom only in store mode', () => {
    assert.throws(() => check('t-rhg', { lowerSteps: 100_000, truncation: 1000 }), /^UsageError: --M 1000 with 2000000 lower entries/);
    assert.doesNotThrow(() => check('t-rhg', { lowerSteps: 100_000, truncation: 100 }));
    for (const m of ['cg', 'neumann', 'fom', 'sl-bamm']) assert.doesNotThrow(() => check(m, { lowerSteps: 100_000 }), m);
    assert.doesNotThrow(() => check('ufom', { lowerSteps: 100_000 }));
    assert.throws(() => check('ufom', { lowerSteps: 100_000, memoryMode: 'store' }), /ufom --memory-mode store keeps all K states/);
    for (const m of ['bda', 'ia-gm', 'ia-gm-a', 'iaptt-gm', 'ptt']) assert.throws(() => check(m, { lowerSteps: 100_000 }), /--K 100000/, m);
  });
});
