// Test helper: allclose with the tolerance stated at the call site (after jax-js toBeAllclose).
import assert from 'node:assert/strict';

/** Asserts |a_i − b_i| ≤ atol + rtol·|b_i| for every entry, naming the first offending index. */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, { rtol = 1e-5, atol = 1e-8 } = {}, what = 'value'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    assert.ok(Math.abs(a - b) <= atol + rtol * Math.abs(b), `${what}[${i}]: ${a} vs expected ${b} (rtol ${rtol}, atol ${atol})`);
  }
}

/** ‖a − b‖ / ‖b‖. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num) / Math.sqrt(den);
}
