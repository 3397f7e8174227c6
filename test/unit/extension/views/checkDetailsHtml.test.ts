// A check as every view keeps it (toCheckView: verdict, rtol, directions, time) and the details page
// (checkDetailsHtml): the rule stated, one row per direction with its verdict, no script, escaped text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckResultMessage } from '../../../../src/protocol/worker';
import { CHECK_RTOL, toCheckView } from '../../../../src/extension/views/checkReport';
import { checkDetailsHtml } from '../../../../src/extension/views/checkDetailsHtml';

// Direction 1: a tiny derivative within float32 noise (passes by 3·fdError); direction 2: 10% off (fails).
const RESULT: CheckResultMessage = {
  type: 'checkResult',
  method: 'rhg',
  exact: true,
  maxRelativeError: 0.1,
  relativeErrorVsRhg: 0,
  directions: [
    { analytic: -0.00137, finiteDifference: -0.001364, epsilon: 0.03, relativeError: 0.0044, fdError: 4e-6 },
    { analytic: 1.1, finiteDifference: 1, epsilon: 0.01, relativeError: 0.1, fdError: 1e-6 },
  ],
};

describe('toCheckView', () => {
  it('keeps the tolerance, every direction and when the check ran', () => {
    const view = toCheckView(RESULT, CHECK_RTOL, '2026-12-06T02:00:00.000Z');
    assert.equal(view.verdict, 'fail');
    assert.equal(view.rtol, CHECK_RTOL);
    assert.equal(view.checkedAt, '2026-12-06T02:00:00.000Z');
    assert.deepEqual(view.directions, RESULT.directions);
  });
});

describe('checkDetailsHtml', () => {
  const html = checkDetailsHtml({ id: 'R1', runId: 'R1', problem: 'lake.bilevel.ts#<lake>', method: 'rhg', check: toCheckView(RESULT, CHECK_RTOL, '2026-12-06T02:00:00.000Z') }, 'NONCE');

  it('states the verdict and the pass rule', () => {
    assert.match(html, /<h1 class="check-headline" data-verdict="fail">✗ FAIL/);
    assert.ok(html.includes('|g·d − FD| ≤ 3·fdError + 0.001·max(|g·d|, |FD|)'));
  });

  it('has one row per direction with its verdict', () => {
    const rows = [...html.matchAll(/<tr data-direction="(\d+)" data-pass="(true|false)">/g)].map((m) => `${m[1]}:${m[2]}`);
    assert.deepEqual(rows, ['1:true', '2:false']);
  });

  it('allows no script and escapes what the user named', () => {
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'nonce-NONCE';"/);
    assert.ok(!html.includes('<script'));
    assert.ok(html.includes('lake.bilevel.ts#&lt;lake&gt;'));
  });

  it('says when a check kept no directions, and that an approximate method is not judged', () => {
    const page = checkDetailsHtml({ id: 'C1', problem: 'toy', method: 'cg', check: { verdict: 'approximate', maxRelativeError: 0.2, relativeErrorVsRhg: 0.1 } }, 'N');
    assert.ok(page.includes('kept no per-direction details'));
    assert.ok(page.includes('approximate by design'));
    assert.ok(page.includes('check <code>C1</code>'));
  });
});
