// The hypergradient check's pass rule (src/protocol/checkRule.ts, docs/methods.md §13):
// |g·d − FD| ≤ 3·fdError + rtol·max(|g·d|, |FD|).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FD_ERROR_FACTOR, absoluteError, checkRuleText, directionPasses, directionTolerance, directionsPass } from '../../../src/protocol/checkRule';

const RTOL = 1e-3;

describe('checkRule', () => {
  // The case of the issue: a tiny directional derivative whose central difference at ε = 0.03 is off
  // by 6e-6, float32 noise. fdError: a neighbour gap of 1.5e-6 plus the round-off
  // eps32·|φ|/ε ≈ 1.19e-7·0.25/0.03 ≈ 1e-6 of φ ≈ 0.25.
  const tiny = { analytic: -0.00137, finiteDifference: -0.00137 - 6e-6, fdError: 2.5e-6 };

  it('passes a correct tiny directional derivative with float32-level FD noise that the purely relative rule fails', () => {
    const relative = absoluteError(tiny) / Math.max(Math.abs(tiny.analytic), Math.abs(tiny.finiteDifference));
    assert.ok(relative > RTOL, `the relative rule alone would fail it (${relative})`);
    assert.ok(Math.abs(absoluteError(tiny) - 6e-6) < 1e-12);
    assert.ok(Math.abs(directionTolerance(tiny, RTOL) - (3 * 2.5e-6 + 1e-3 * 0.001376)) < 1e-15);
    assert.equal(directionPasses(tiny, RTOL), true);
  });

  it('fails a gradient 10% off, on a large and on the same tiny derivative', () => {
    assert.equal(directionPasses({ analytic: 1.1 * 0.8, finiteDifference: 0.8, fdError: 1e-6 }, RTOL), false);
    assert.equal(directionPasses({ ...tiny, analytic: 1.1 * tiny.finiteDifference }, RTOL), false);
  });

  it('fails a sign flip and non-finite numbers', () => {
    assert.equal(directionPasses({ analytic: 0.5, finiteDifference: -0.5, fdError: 1e-6 }, RTOL), false);
    assert.equal(directionPasses({ analytic: Number.NaN, finiteDifference: 0.5, fdError: 1e-6 }, RTOL), false);
    assert.equal(directionPasses({ analytic: 0.5, finiteDifference: 0.5, fdError: Number.POSITIVE_INFINITY }, RTOL), false);
  });

  it('with fdError = 0 it is the relative rule', () => {
    assert.equal(directionPasses({ analytic: 1, finiteDifference: 1.0009, fdError: 0 }, RTOL), true);
    assert.equal(directionPasses({ analytic: 1, finiteDifference: 1.0011, fdError: 0 }, RTOL), false);
  });

  it('passes a check only when every direction passes', () => {
    assert.equal(directionsPass([], RTOL), true);
    assert.equal(directionsPass([tiny, { analytic: 1, finiteDifference: 1, fdError: 0 }], RTOL), true);
    assert.equal(directionsPass([tiny, { analytic: 1.1, finiteDifference: 1, fdError: 1e-6 }], RTOL), false);
  });

  it('states the rule with its constant', () => {
    assert.equal(FD_ERROR_FACTOR, 3);
    assert.equal(checkRuleText(0.001), '|g·d − FD| ≤ 3·fdError + 0.001·max(|g·d|, |FD|)');
  });
});
