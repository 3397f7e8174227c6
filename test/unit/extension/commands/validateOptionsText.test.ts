// The Compare Methods options box checks its text as the user types (validateInput): every key and
// value against the catalog's mirror of core's declarations, with "did you mean" for typos, so no
// worker starts with an option it would reject. The mirror itself is checked in methodCatalog.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBuiltinProblem, getMethod, resolveRunOptions, RUN_OPTIONS } from '../../../../src/core';
import { optionKeysFor, parseOptionsText, validateOptionsText } from '../../../../src/extension/commands/parseOptionsText';

describe('validateOptionsText', () => {
  it('accepts empty text and valid run and method options', () => {
    assert.equal(validateOptionsText('', ['rhg', 'cg']), undefined);
    assert.equal(validateOptionsText('iterations=300, lowerSteps=30, seed=1, outerOptimizer=adam, warmStart=true', ['rhg', 'cg', 'sl-bamm']), undefined);
    assert.equal(validateOptionsText('cgIterations=20, damping=0', ['cg']), undefined);
    assert.equal(validateOptionsText('traceEvery=5, startLr=0.1', ['ia-gm', 'iaptt-gm']), undefined);
  });

  it('reports text that is not key=value', () => {
    assert.equal(validateOptionsText('iterations', ['rhg']), "'iterations' is not key=value");
  });

  it("suggests the nearest key for a typo, and the key for a flag", () => {
    assert.equal(validateOptionsText('lowerStep=30', ['rhg']), "Unknown option 'lowerStep'; did you mean 'lowerSteps'?");
    assert.equal(validateOptionsText('iterations=10, outerlr=0.1', ['rhg']), "Unknown option 'outerlr'; did you mean 'outerLr'?");
    assert.equal(validateOptionsText('K=30', ['rhg']), "Unknown option 'K'; did you mean 'lowerSteps'?");
    assert.equal(validateOptionsText('cgIteration=5', ['cg']), "Unknown option 'cgIteration'; did you mean 'cgIterations'?");
  });

  it('lists the valid keys when nothing is close', () => {
    const message = validateOptionsText('frobnicate=1', ['t-rhg']);
    assert.match(message ?? '', /^Unknown option 'frobnicate'; valid options: iterations, .*lowerSteps, .*seed.*, truncation$/);
  });

  it('names the methods a key belongs to when none of the picked ones takes it', () => {
    assert.equal(validateOptionsText('truncation=5', ['rhg', 'cg']), "Option 'truncation' belongs to t-rhg, not to rhg, cg");
  });

  it('rejects a key only some picked methods take: the options apply to every method', () => {
    assert.equal(
      validateOptionsText('cgIterations=5', ['cg', 'rhg']),
      "Option 'cgIterations' is taken by cg but not by rhg; the options apply to every method",
    );
  });

  it('checks value types, ranges and choices, per method where declarations differ', () => {
    assert.equal(validateOptionsText('lowerSteps=0', ['rhg']), 'lowerSteps: must be ≥ 1, got 0');
    assert.equal(validateOptionsText('lowerSteps=2.5', ['rhg']), 'lowerSteps: must be a whole number, got 2.5');
    assert.equal(validateOptionsText('lowerLr=0', ['rhg']), 'lowerLr: must be > 0, got 0');
    assert.equal(validateOptionsText('iterations=many', ['rhg']), "iterations: must be a whole number, got 'many'");
    assert.equal(validateOptionsText('warmStart=yes', ['rhg']), "warmStart: must be true or false, got 'yes'");
    assert.equal(validateOptionsText('outerOptimizer=adma', ['rhg']), "outerOptimizer: must be one of sgd, adam, got 'adma'; did you mean 'adam'?");
    assert.equal(validateOptionsText('memoryMode=two-pass', ['iaptt-gm', 'ptt']), undefined);
    assert.equal(validateOptionsText('memoryMode=two-pass', ['ptt', 'ufom']), "memoryMode: must be one of recompute, store, got 'two-pass' (ufom)");
    assert.equal(validateOptionsText('memoryMode=store', ['ptt', 'ufom']), undefined);
    assert.equal(validateOptionsText('q=2', ['ufom']), 'q: must be ≤ 1, got 2 (ufom)');
  });

  it('accepts exactly what core accepts for a sample of texts', () => {
    const problem = createBuiltinProblem('toy-quadratic');
    const texts = ['lowerSteps=3', 'lowerStep=3', 'lowerSteps=0', 'truncation=2', 'cgIterations=4, damping=0.1', 'outerOptimizer=adma', 'q=0.5', 'warmStart=true'];
    for (const method of ['rhg', 't-rhg', 'cg', 'ufom']) {
      for (const text of texts) {
        let coreOk = true;
        try {
          resolveRunOptions(problem, getMethod(method), parseOptionsText(text));
        } catch {
          coreOk = false;
        }
        assert.equal(validateOptionsText(text, [method]) === undefined, coreOk, `${method}: ${text}`);
      }
    }
  });
});

describe('optionKeysFor', () => {
  it('lists the run options, then the options every picked method shares', () => {
    const run = RUN_OPTIONS.map((s) => s.key);
    assert.deepEqual(optionKeysFor(['rhg']), run);
    assert.deepEqual(optionKeysFor(['t-rhg']), [...run, 'truncation']);
    assert.deepEqual(optionKeysFor(['ia-gm', 'iaptt-gm']), [...run, 'startLr', 'startOptimizer', 'traceEvery']);
    assert.deepEqual(optionKeysFor(['cg', 'rhg']), run);
  });
});
