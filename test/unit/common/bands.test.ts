// Bands over seeds and the first crossing of a target, against values worked out by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandOf, firstReach } from '../../../src/common/bands';

const line = (pts: [number, number][]) => pts.map(([x, y]) => ({ x, y }));

describe('bandOf', () => {
  it('gives the median and the type-7 q20/q80 of five curves at each grid x', () => {
    // Five constant curves 1..5 on [0, 10]: median 3, q20 = 1 + 0.8·1 = 1.8, q80 = 4.2 at every x.
    const curves = [5, 1, 4, 2, 3].map((v) => line([[0, v], [10, v]]));
    const band = bandOf(curves, { stat: 'median', points: 3 });
    assert.deepEqual(band.map((p) => p.x), [0, 5, 10]);
    for (const p of band) {
      assert.equal(p.n, 5);
      assert.equal(p.center, 3);
      assert.ok(Math.abs(p.lower - 1.8) < 1e-12 && Math.abs(p.upper - 4.2) < 1e-12);
    }
  });

  it('interpolates each curve between its own points before summarising', () => {
    // At x = 5: curve a is 5 (0→10), curve b is 15 (10→20): median of two = 10.
    const band = bandOf([line([[0, 0], [10, 10]]), line([[0, 10], [10, 20]])], { stat: 'median', points: 3 });
    assert.equal(band[1]!.x, 5);
    assert.equal(band[1]!.center, 10);
    assert.equal(band[1]!.lower, 5 + 0.2 * 10);
  });

  it('gives mean ± t(0.975, n−1)·s/√n', () => {
    // Values 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.302653, half-width 4.302653/√3 = 2.484138.
    const band = bandOf([1, 2, 3].map((v) => line([[0, v], [1, v]])), { stat: 'mean', points: 2 });
    assert.equal(band[0]!.center, 2);
    assert.ok(Math.abs(band[0]!.upper - 2 - 2.484138) < 1e-6, String(band[0]!.upper));
    assert.ok(Math.abs(2 - band[0]!.lower - 2.484138) < 1e-6);
  });

  it('holds a finished curve at its last value, and drops a live one past its end', () => {
    const short = line([[0, 1], [5, 1]]);
    const long = line([[0, 3], [10, 3]]);
    const held = bandOf([short, long], { stat: 'median', points: 3 });
    assert.deepEqual(held.map((p) => p.n), [2, 2, 2]);
    assert.equal(held[2]!.center, 2);
    const live = bandOf([short, long], { stat: 'median', points: 3, hold: [false, true] });
    assert.deepEqual(live.map((p) => p.n), [2, 2, 1]);
    assert.equal(live[2]!.center, 3);
  });

  it('leaves out a diverged seed, and curves not yet started', () => {
    const band = bandOf([line([[0, NaN], [10, NaN]]), line([[0, 2], [10, 2]]), line([[5, 4], [10, 4]])], { stat: 'median', points: 3 });
    assert.deepEqual(band.map((p) => [p.x, p.n, p.center]), [[0, 1, 2], [5, 2, 3], [10, 2, 3]]);
  });

  it('keeps a recorded value whose next point diverged', () => {
    const band = bandOf([line([[0, 1], [5, 2], [10, NaN]])], { stat: 'median', points: 3 });
    assert.deepEqual(band.map((p) => [p.x, p.center]), [[0, 1], [5, 2]]);
  });

  it('spaces a log grid geometrically and skips x ≤ 0', () => {
    const band = bandOf([line([[0, 9], [1, 1], [100, 1]])], { stat: 'median', points: 3, logX: true });
    assert.deepEqual(band.map((p) => Math.round(p.x * 1e9) / 1e9), [1, 10, 100]);
    assert.equal(bandOf([], { stat: 'median' }).length, 0);
  });
});

describe('firstReach', () => {
  it('interpolates inside the step that crossed the target', () => {
    assert.equal(firstReach(line([[0, 1], [10, 0.5], [20, 0.1]]), 0.3), 15);
    assert.equal(firstReach(line([[0, 0.1], [10, 0.05]]), 0.3), 0);
  });

  it('says undefined when the target is never reached, NaN included', () => {
    assert.equal(firstReach(line([[0, 1], [10, NaN], [20, 0.9]]), 0.3), undefined);
  });
});
