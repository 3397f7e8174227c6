// Axis tick labels (webview/tickFormat.ts): a narrow range gets the digits its step needs, so no two
// ticks of one axis read the same; wide and log axes stay short.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLogTicks, formatTick, tickStep } from '../../../webview/tickFormat';

/** Ticks from `lo` by `step`, as Chart.js makes them (with its float noise). */
function ticks(lo: number, step: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + i * step);
}

describe('formatTick', () => {
  it('tells apart every tick of a narrow range (1.5000 to 1.5003 must not all read "1.5")', () => {
    const values = ticks(1.5, 0.00005, 7);
    const labels = values.map((v) => formatTick(v, tickStep(values)));
    assert.equal(new Set(labels).size, labels.length, labels.join(' '));
    assert.deepEqual(labels, ['1.50000', '1.50005', '1.50010', '1.50015', '1.50020', '1.50025', '1.50030']);
  });

  it('keeps ordinary axes short, with one count of decimals per axis', () => {
    assert.deepEqual(ticks(0, 20, 6).map((v) => formatTick(v, 20)), ['0', '20', '40', '60', '80', '100']);
    assert.deepEqual(ticks(0, 0.25, 5).map((v) => formatTick(v, 0.25)), ['0', '0.25', '0.50', '0.75', '1.00']);
    assert.deepEqual(ticks(1, 0.5, 3).map((v) => formatTick(v, 0.5)), ['1.0', '1.5', '2.0']);
  });

  it('prints float noise at zero as 0', () => {
    assert.equal(formatTick(0.1 + 0.2 - 0.3, 0.1), '0');
  });

  it('uses exponent form with enough digits for tiny and huge magnitudes', () => {
    const small = ticks(2e-7, 1e-8, 3).map((v) => formatTick(v, 1e-8));
    assert.deepEqual(small, ['2e-7', '2.1e-7', '2.2e-7']);
    const big = ticks(1_000_000, 100, 3).map((v) => formatTick(v, 100));
    assert.equal(new Set(big).size, 3, big.join(' '));
    assert.equal(big[1], '1.0001e+6');
  });

  it('falls back to 4 significant digits without a step', () => {
    assert.equal(formatTick(1.23456, 0), '1.235');
    assert.equal(tickStep([3]), 0);
  });
});

describe('formatLogTicks', () => {
  it('labels only 1, 2 and 5 times a power of ten over several decades', () => {
    assert.deepEqual(formatLogTicks([1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 0.1, 1]), ['0.001', '0.002', '', '0.005', '0.01', '0.1', '1']);
  });

  it('labels every tick, distinguishably, within less than a decade', () => {
    const labels = formatLogTicks([1.5, 1.5001, 1.5002, 1.5003]);
    assert.equal(new Set(labels).size, 4, labels.join(' '));
    assert.ok(labels.every((l) => l !== ''));
  });

  it('leaves out labels the log scale would crowd at the low end of a narrow range', () => {
    // Span log10(0.004/0.0015) = 0.426: a label needs 0.053 of log distance from the last one.
    const labels = formatLogTicks([0.0015, 0.0016, 0.0017, 0.0018, 0.0019, 0.002, 0.0025, 0.003, 0.004]);
    assert.deepEqual(labels, ['0.0015', '', '0.0017', '', '', '0.0020', '0.0025', '0.0030', '0.0040']);
  });
});
