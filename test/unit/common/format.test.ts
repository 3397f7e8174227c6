// The display formats every view shares (src/common/format.ts): numbers, bytes and durations, with
// their edge cases (missing, NaN, ±Infinity, zero, tiny, huge, negative) and unit boundaries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatDuration, formatNumber } from '../../../src/common/format';

describe('formatNumber', () => {
  it('prints a missing value as — and NaN or ±Infinity as they are', () => {
    assert.equal(formatNumber(undefined), '—');
    assert.equal(formatNumber(Number.NaN), 'NaN');
    assert.equal(formatNumber(Infinity), 'Infinity');
    assert.equal(formatNumber(-Infinity), '-Infinity');
  });

  it('prints zero (either sign) as 0', () => {
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(-0), '0');
  });

  it('keeps 4 significant digits and drops trailing zeros between 1e-3 and 1e5', () => {
    assert.equal(formatNumber(0.123456), '0.1235');
    assert.equal(formatNumber(1.5), '1.5');
    assert.equal(formatNumber(3), '3');
    assert.equal(formatNumber(71.25), '71.25');
    assert.equal(formatNumber(12345.6), '12350');
    assert.equal(formatNumber(0.001), '0.001');
    assert.equal(formatNumber(99994), '99990');
    assert.equal(formatNumber(0.00099996), '0.001', 'the form follows the rounded value');
    assert.equal(formatNumber(-2.5), '-2.5');
    assert.equal(formatNumber(-0.0123456), '-0.01235');
  });

  it('uses exponent form below 1e-3 and from 1e5, mantissa without trailing zeros', () => {
    assert.equal(formatNumber(2e-6), '2e-6');
    assert.equal(formatNumber(2.1e-6), '2.1e-6');
    assert.equal(formatNumber(1.23456e-7), '1.235e-7');
    assert.equal(formatNumber(5e-324), '4.941e-324');
    assert.equal(formatNumber(1e5), '1e+5');
    assert.equal(formatNumber(99999), '1e+5', 'the form follows the rounded value');
    assert.equal(formatNumber(123456), '1.235e+5');
    assert.equal(formatNumber(1.7976931348623157e308), '1.798e+308');
    assert.equal(formatNumber(-3.5e-9), '-3.5e-9');
    assert.equal(formatNumber(-250000), '-2.5e+5');
  });
});

describe('formatBytes', () => {
  it('prints a missing or non-finite count as —', () => {
    assert.equal(formatBytes(undefined), '—');
    assert.equal(formatBytes(Number.NaN), '—');
    assert.equal(formatBytes(Infinity), '—');
  });

  it('prints whole bytes below 1 KiB', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(812), '812 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(12.6), '13 B');
  });

  it('uses binary units with 3 significant digits', () => {
    assert.equal(formatBytes(1024), '1.00 KiB');
    assert.equal(formatBytes(1536), '1.50 KiB');
    assert.equal(formatBytes(12.3 * 2 ** 20), '12.3 MiB');
    assert.equal(formatBytes(512 * 2 ** 20), '512 MiB');
    assert.equal(formatBytes(3 * 2 ** 30), '3.00 GiB');
    assert.equal(formatBytes(2 ** 60), '1024 PiB', 'the largest unit keeps growing');
  });

  it('moves to the next unit when rounding would print 1024', () => {
    assert.equal(formatBytes(2 ** 20 - 1), '1.00 MiB');
    assert.equal(formatBytes(1023.4 * 1024), '1023 KiB');
  });

  it('handles negative counts (a change in memory) like positive ones', () => {
    assert.equal(formatBytes(-512), '-512 B');
    assert.equal(formatBytes(-1536), '-1.50 KiB');
  });
});

describe('formatDuration', () => {
  it('prints a missing, non-finite or negative duration as —', () => {
    assert.equal(formatDuration(undefined), '—');
    assert.equal(formatDuration(Number.NaN), '—');
    assert.equal(formatDuration(Infinity), '—');
    assert.equal(formatDuration(-1), '—');
  });

  it('prints milliseconds under a second', () => {
    assert.equal(formatDuration(0), '0 ms');
    assert.equal(formatDuration(0.4), '0 ms');
    assert.equal(formatDuration(420), '420 ms');
    assert.equal(formatDuration(999.4), '999 ms');
    assert.equal(formatDuration(999.6), '1.0 s');
  });

  it('prints tenths of a second under 10 s, whole seconds under a minute', () => {
    assert.equal(formatDuration(1234), '1.2 s');
    assert.equal(formatDuration(9940), '9.9 s');
    assert.equal(formatDuration(9960), '10 s');
    assert.equal(formatDuration(12_340), '12 s');
    assert.equal(formatDuration(59_400), '59 s');
  });

  it('prints minutes and zero-padded seconds under an hour', () => {
    assert.equal(formatDuration(59_600), '1 min 00 s');
    assert.equal(formatDuration(65_000), '1 min 05 s');
    assert.equal(formatDuration(245_000), '4 min 05 s');
    assert.equal(formatDuration(3_599_000), '59 min 59 s');
  });

  it('prints hours and zero-padded minutes from an hour on', () => {
    assert.equal(formatDuration(3_599_600), '1 h 00 min');
    assert.equal(formatDuration(3_720_000), '1 h 02 min');
    assert.equal(formatDuration(3_780_000), '1 h 03 min');
    assert.equal(formatDuration(26 * 3_600_000 + 5 * 60_000), '26 h 05 min');
  });
});
