// watchStopSignals: the first stop signal is ours, every later one gets the default action.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { STOP_SIGNALS, watchStopSignals } from '../../../src/cli/watchStopSignals';

void describe('watchStopSignals', () => {
  for (const first of STOP_SIGNALS) {
    void it(`${first} stops once, then no handler of ours is left (the second signal ends the process)`, () => {
      const target = new EventEmitter();
      const heard: string[] = [];
      watchStopSignals(target, (s) => heard.push(s));
      for (const s of STOP_SIGNALS) assert.equal(target.listenerCount(s), 1);
      target.emit(first, first);
      assert.deepEqual(heard, [first]);
      for (const s of STOP_SIGNALS) assert.equal(target.listenerCount(s), 0, `${s} still handled`);
    });
  }

  void it('unwatching removes the handlers without a stop', () => {
    const target = new EventEmitter();
    const unwatch = watchStopSignals(target, () => assert.fail('no stop'));
    unwatch();
    for (const s of STOP_SIGNALS) assert.equal(target.listenerCount(s), 0);
  });
});
