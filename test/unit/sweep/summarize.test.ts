// summarize, quantileSorted and studentT975 (src/sweep/summarize.ts): the statistics of a group of
// seeds, against values computed by hand (each computation is written beside its assertion).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incompleteBeta, logGamma, quantileSorted, studentT975 } from '../../../src/common/quantiles';
import { summarize } from '../../../src/sweep/summarize';

const close = (actual: number | undefined, expected: number, tol: number, what: string): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, got ${actual}`);
};

describe('studentT975', () => {
  it('gives the closed forms of df = 1 and df = 2', () => {
    // df = 1 (Cauchy): t = tan(π(p − 1/2)) = tan(0.475π) = 12.7062047…
    close(studentT975(1), Math.tan(0.475 * Math.PI), 1e-8, 'df 1');
    close(studentT975(1), 12.706, 5e-4, 'df 1 (table)');
    // df = 2: t = (2p − 1)/√(2p(1 − p)) = 0.95/√0.04875 = 4.3026527…
    close(studentT975(2), 0.95 / Math.sqrt(2 * 0.975 * 0.025), 1e-8, 'df 2');
  });

  it('matches the printed t table (3 decimals) for df 1…30, and tends to 1.96', () => {
    const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
    table.forEach((t, i) => close(studentT975(i + 1), t, 5e-4, `df ${i + 1}`));
    close(studentT975(9), 2.262, 5e-4, 'df 9');
    // scipy.stats.t.ppf(0.975, df): 60 → 2.000298, 120 → 1.979930, 1000 → 1.962339.
    close(studentT975(60), 2.000298, 1e-6, 'df 60');
    close(studentT975(120), 1.97993, 1e-6, 'df 120');
    close(studentT975(1000), 1.962339, 1e-6, 'df 1000');
  });

  it('refuses df below 1 or not whole', () => {
    assert.throws(() => studentT975(0), /df must be a whole number ≥ 1, got 0/);
    assert.throws(() => studentT975(2.5), /got 2\.5/);
  });

  it('rests on a correct incomplete beta and log-gamma', () => {
    // I_x(1, 1) = x; I_x(a, b) = 1 − I_{1−x}(b, a); ln Γ(5) = ln 24; ln Γ(1/2) = ln √π.
    close(incompleteBeta(0.3, 1, 1), 0.3, 1e-12, 'I_0.3(1,1)');
    close(incompleteBeta(0.2, 2.5, 0.5) + incompleteBeta(0.8, 0.5, 2.5), 1, 1e-12, 'symmetry');
    // I_x(2, 1) = x²
    close(incompleteBeta(0.6, 2, 1), 0.36, 1e-12, 'I_0.6(2,1)');
    close(logGamma(5), Math.log(24), 1e-12, 'lnΓ(5)');
    close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-12, 'lnΓ(1/2)');
  });
});

describe('quantileSorted (type 7, numpy.quantile default)', () => {
  it('interpolates between order statistics at h = (n − 1)p', () => {
    // [2, 4, 7, 10]: p = 0.2 → h = 0.6 → 2 + 0.6·(4 − 2) = 3.2; p = 0.5 → h = 1.5 → 4 + 0.5·3 = 5.5;
    // p = 0.8 → h = 2.4 → 7 + 0.4·3 = 8.2 (numpy.quantile gives [3.2, 5.5, 8.2]).
    close(quantileSorted([2, 4, 7, 10], 0.2), 3.2, 1e-12, 'q20');
    close(quantileSorted([2, 4, 7, 10], 0.5), 5.5, 1e-12, 'median');
    close(quantileSorted([2, 4, 7, 10], 0.8), 8.2, 1e-12, 'q80');
    assert.equal(quantileSorted([2, 4, 7, 10], 0), 2);
    assert.equal(quantileSorted([2, 4, 7, 10], 1), 10);
    assert.equal(quantileSorted([5], 0.2), 5);
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  });
});

describe('summarize', () => {
  it('summarizes 1…5 as computed by hand', () => {
    // sorted 1 2 3 4 5, n = 5: median h = 2 → 3; q20 h = 0.8 → 1 + 0.8 = 1.8; q80 h = 3.2 → 4 + 0.2 = 4.2;
    // mean 3; s² = (4 + 1 + 0 + 1 + 4)/4 = 2.5; s/√n = √(2.5/5) = 0.7071068; t(4) = 2.7764451;
    // ci95 = 2.7764451 · 0.7071068 = 1.9632432.
    const s = summarize([5, 3, 1, 4, 2]);
    assert.equal(s.n, 5);
    assert.equal(s.nonFinite, 0);
    close(s.median, 3, 1e-12, 'median');
    close(s.q20, 1.8, 1e-12, 'q20');
    close(s.q80, 4.2, 1e-12, 'q80');
    close(s.mean, 3, 1e-12, 'mean');
    close(s.ci95, 1.9632432, 1e-6, 'ci95');
  });

  it('summarizes an unsorted even-length list as computed by hand', () => {
    // sorted 2 4 7 10: median 5.5, q20 3.2, q80 8.2 (above); mean 23/4 = 5.75; deviations −3.75 −1.75
    // 1.25 4.25, squares 14.0625 + 3.0625 + 1.5625 + 18.0625 = 36.75, s² = 36.75/3 = 12.25, s = 3.5,
    // s/√4 = 1.75; t(3) = 3.1824463; ci95 = 1.75 · 3.1824463 = 5.5692810.
    const s = summarize([10, 2, 7, 4]);
    assert.deepEqual({ n: s.n, median: s.median, mean: s.mean }, { n: 4, median: 5.5, mean: 5.75 });
    close(s.q20, 3.2, 1e-12, 'q20');
    close(s.q80, 8.2, 1e-12, 'q80');
    close(s.ci95, 5.569281, 1e-6, 'ci95');
  });

  it('drops NaN and ±Infinity, counts them, and summarizes the finite values', () => {
    // finite 1 and 3: median 2, q20 h = 0.2 → 1.4, q80 → 2.6, mean 2, s² = (1 + 1)/1 = 2,
    // s/√2 = 1, ci95 = t(1) = 12.7062047.
    const s = summarize([NaN, 1, Infinity, 3, -Infinity]);
    assert.equal(s.n, 2);
    assert.equal(s.nonFinite, 3);
    close(s.median, 2, 1e-12, 'median');
    close(s.q20, 1.4, 1e-12, 'q20');
    close(s.q80, 2.6, 1e-12, 'q80');
    close(s.mean, 2, 1e-12, 'mean');
    close(s.ci95, 12.7062047, 1e-6, 'ci95');
  });

  it('gives no ci95 for one value, and only the counts for none', () => {
    assert.deepEqual(summarize([7]), { n: 1, nonFinite: 0, median: 7, q20: 7, q80: 7, mean: 7 });
    assert.deepEqual(summarize([]), { n: 0, nonFinite: 0 });
    assert.deepEqual(summarize([NaN, Infinity]), { n: 0, nonFinite: 2 });
  });

  it('gives ci95 = 0 for identical values (no spread, not undefined)', () => {
    assert.equal(summarize([4, 4, 4]).ci95, 0);
  });
});
