// The orphan watchdog's grace period: the default unless the environment gives a number of ms. The
// watchdog itself is tested end to end in test/unit/faults/worker.test.ts (a blocked worker whose
// host is SIGKILLed exits within the grace period).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ORPHAN_GRACE_MS, ORPHAN_GRACE_ENV, orphanGraceMs } from '../../../src/worker/orphanWatchdog';

describe('orphanGraceMs', () => {
  it('is 10 s by default and takes a non-negative number of ms from the environment', () => {
    assert.equal(DEFAULT_ORPHAN_GRACE_MS, 10_000);
    assert.equal(orphanGraceMs({}), DEFAULT_ORPHAN_GRACE_MS);
    assert.equal(orphanGraceMs({ [ORPHAN_GRACE_ENV]: '1500' }), 1500);
    assert.equal(orphanGraceMs({ [ORPHAN_GRACE_ENV]: '0' }), 0);
    for (const bad of ['', ' ', '-1', 'soon', 'Infinity']) assert.equal(orphanGraceMs({ [ORPHAN_GRACE_ENV]: bad }), DEFAULT_ORPHAN_GRACE_MS, bad);
  });
});
