// Flag values as text: decimal numbers only (parseDecimal, readOptions, parsePoint), switches given
// `=value` (parseArgs), each error naming the flag and quoting what was given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RUN_OPTIONS } from '../../../src/core';
import { readOptions } from '../../../src/cli/commandFlags';
import { parseArgs } from '../../../src/cli/parseArgs';
import { notDecimal, parseDecimal } from '../../../src/cli/parseDecimal';
import { parsePoint } from '../../../src/cli/prepareProblem';
import { UsageError } from '../../../src/cli/usageError';

void describe('parseDecimal', () => {
  void it('takes decimal numbers with a sign, a point and an exponent', () => {
    for (const [text, value] of [['20', 20], ['-0.5', -0.5], ['+3', 3], ['.5', 0.5], ['5.', 5], ['1e-3', 1e-3], ['1E9', 1e9], ['007', 7]] as const) {
      assert.equal(parseDecimal(text), value, text);
    }
  });
  void it('refuses hex, octal, binary, empty, whitespace, words, Infinity, NaN and overflow', () => {
    for (const text of ['0x10', '0o7', '0b1', '', ' ', ' 5', '5 ', 'abc', 'Infinity', '-Infinity', 'NaN', '1e999', '1_000', '1,5', '--1']) {
      assert.equal(parseDecimal(text), undefined, JSON.stringify(text));
    }
  });
  void it('says why, quoting the text', () => {
    assert.equal(notDecimal('abc'), "got 'abc', not a decimal number");
    assert.equal(notDecimal('0X1f'), "got '0X1f', not a decimal number (hex, octal and binary are not taken)");
    assert.equal(notDecimal('1e999'), "got '1e999', which is beyond the largest number");
  });
});

void describe('readOptions', () => {
  const given = (flag: string, text: string): ReadonlyMap<string, string> => new Map([[flag, text]]);
  void it('quotes a bad number and says what the flag takes, with its range and an example', () => {
    assert.throws(() => readOptions(given('K', 'abc'), RUN_OPTIONS), (e: unknown) => e instanceof UsageError && e.message === "--K (lowerSteps): got 'abc', not a decimal number; give a whole number (≥ 1, ≤ 100000), e.g. --K 20");
    assert.throws(() => readOptions(given('inner-lr', '0x1'), RUN_OPTIONS), /--inner-lr \(lowerLr\): got '0x1', not a decimal number \(hex, octal and binary are not taken\); give a decimal number \(> 0\), e\.g\. --inner-lr 0\.1/);
    assert.throws(() => readOptions(given('K', ''), RUN_OPTIONS), /^UsageError: --K \(lowerSteps\) needs a value; give a whole number/);
  });
  void it('parses good values to their types (range checks come later)', () => {
    assert.deepEqual(readOptions(new Map([['K', '1e3'], ['warm-start', 'true'], ['optimizer', 'adam']]), RUN_OPTIONS), { lowerSteps: 1000, warmStart: true, outerOptimizer: 'adam' });
  });
});

void describe('parsePoint', () => {
  void it('takes decimal numbers only', () => {
    assert.deepEqual(parsePoint('x', '1,-2e-1', [['x', 2]]), { x: [1, -0.2] });
    assert.throws(() => parsePoint('x', '0x1', [['x', 1]]), /--x: '0x1' is not a decimal number/);
    assert.throws(() => parsePoint('x', '1,', [['x', 2]]), /--x: '' is not a decimal number/);
  });
});

void describe('parseArgs switches', () => {
  const switches = new Set(['json', 'no-store', 'warm-start', 'help']);
  void it('takes --switch=true/false/1/0 and stores true/false', () => {
    const flags = parseArgs(['run', '--json=1', '--warm-start=0', '--no-store=false'], switches).flags;
    assert.equal(flags.get('json'), 'true');
    assert.equal(flags.get('warm-start'), 'false');
    assert.equal(flags.get('no-store'), 'false');
  });
  void it('refuses any other =value, naming the flag', () => {
    assert.throws(() => parseArgs(['run', '--json=maybe'], switches), /^UsageError: --json is a switch: give it alone or as --json=true\/false \(or 1\/0\); got --json=maybe$/);
    assert.throws(() => parseArgs(['run', '--json='], switches), /--json is a switch/);
    assert.throws(() => parseArgs(['run', '--no-warm-start=true'], switches), /--no-warm-start takes no value/);
  });
  void it('keeps the other forms as they were', () => {
    const flags = parseArgs(['run', '--json', '--no-warm-start', '--K=5', '--store', ''], switches).flags;
    assert.equal(flags.get('json'), '');
    assert.equal(flags.get('warm-start'), 'false');
    assert.equal(flags.get('K'), '5');
    assert.equal(flags.get('store'), '');
  });
});

void describe('parseArgs repeated flags', () => {
  const switches = new Set(['json']);
  void it('keeps every value of a repeated flag in order, and the last one in flags', () => {
    const args = parseArgs(['sweep', '--set', 'K=10,20', '--json', '--set=inner-lr=0.1,0.3', '--seeds', '0-2'], switches);
    assert.deepEqual(args.repeated.get('set'), ['K=10,20', 'inner-lr=0.1,0.3']);
    assert.equal(args.flags.get('set'), 'inner-lr=0.1,0.3');
    assert.deepEqual(args.repeated.get('seeds'), ['0-2']);
    assert.deepEqual(args.repeated.get('json'), ['']);
  });
});
