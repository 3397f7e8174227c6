// The terminal progress bar (src/cli/progressBar.ts): it counts toward the limit that ends the run
// (iterations, or the oracle-call budget), its ETA leaves out the first iteration's warm-up, and says
// nothing until an iteration after the first is done.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressBar, progressCount } from '../../../src/cli/progressBar';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { ProgressLimits } from '../../../src/protocol/progressToward';

/** Record of outer iteration `iteration`; `callsPerIteration` gradient evaluations each (no HVPs). */
function record(iteration: number, time?: number, callsPerIteration = 0): IterationRecord {
  return { iteration, upperLoss: 1, lowerLoss: 1, hypergradNorm: 1, lowerStationarity: 0, forwardMs: 1, backwardMs: 1, gradientEvals: callsPerIteration * (iteration + 1), hvpEvals: 0, numTensors: 1, numBytes: 1, stats: {}, ...(time !== undefined ? { time } : {}) };
}

/** A bar on a plain sink and a hand-moved clock. */
function plainBar(limits: ProgressLimits | number): { bar: ProgressBar; lines: string[]; clock: { now: number } } {
  const lines: string[] = [];
  const clock = { now: 0 };
  const resolved = typeof limits === 'number' ? { iterations: limits, maxOracleCalls: 0 } : limits;
  const bar = new ProgressBar({ isTTY: false, write: (t) => lines.push(t) }, resolved, 'run', () => clock.now);
  return { bar, lines, clock };
}

describe('ProgressBar', () => {
  it('a first iteration 100× slower than the rest does not inflate the ETA', () => {
    // Iteration 0 takes 10 s (warm-up), each later one 100 ms; 10 iterations.
    const { bar, lines, clock } = plainBar(10);
    clock.now = 10_000;
    bar.update(record(0));
    assert.doesNotMatch(lines[0]!, /ETA/, 'no ETA after one iteration');
    for (let t = 1; t < 5; t++) {
      clock.now += 100;
      bar.update(record(t));
    }
    // 5 done, 5 left at 100 ms each (the average pace from the start would say about 10 s).
    assert.match(lines.at(-1)!, /^run 5\/10 .*ETA 500 ms\n$/);
  });

  it('uses the records\u2019 own time when they carry one', () => {
    const { bar, lines, clock } = plainBar(10);
    clock.now = 99_999_999; // never read for timed records
    for (let t = 0; t < 4; t++) bar.update(record(t, 10_000 + 100 * t));
    assert.match(lines.at(-1)!, /^run 4\/10 .*ETA 600 ms\n$/);
  });
});

describe('ProgressBar with an oracle-call budget', () => {
  it('an unbudgeted run counts iterations of --iterations, without naming a unit', () => {
    const { bar, lines } = plainBar({ iterations: 10, maxOracleCalls: 0 });
    for (let t = 0; t < 10; t++) bar.update(record(t, 1000 * t, 41));
    assert.equal(lines.length, 10, 'a line per iteration at 10 iterations');
    assert.match(lines[0]!, /^run 1\/10 {2}F /);
    assert.match(lines.at(-1)!, /^run 10\/10 {2}F .*ETA 0 ms\n$/);
    assert.ok(lines.every((l) => !l.includes('oracle calls')));
  });

  it('a budgeted run counts oracle calls used of the budget, says so, and estimates the time in calls', () => {
    // 41 calls per iteration (RHG at K = 20), budget 410: the 10th iteration spends it, long before
    // the 100 000 iterations; each iteration after the first takes 100 ms.
    const { bar, lines } = plainBar({ iterations: 100_000, maxOracleCalls: 410 });
    for (let t = 0; t < 10; t++) bar.update(record(t, 10_000 + 100 * t, 41));
    assert.match(lines[0]!, /^run 41\/410 oracle calls · it 1 {2}F /);
    // After 5 iterations (205 calls) 205 are left at 100 ms per 41 calls: 500 ms.
    const fifth = lines.find((l) => l.startsWith('run 205/410'));
    assert.match(fifth ?? '', /^run 205\/410 oracle calls · it 5 .*ETA 500 ms\n$/);
    assert.match(lines.at(-1)!, /^run 410\/410 oracle calls · it 10 .*ETA 0 ms\n$/);
    assert.ok(lines.every((l) => !l.includes('/100000')), 'never counts toward --iterations');
  });

  it('a budget never reached before --iterations counts iterations and names them', () => {
    // 4 calls per iteration, 10 iterations: 40 calls of a 1000 budget, so the iterations end the run.
    const { bar, lines } = plainBar({ iterations: 10, maxOracleCalls: 1000 });
    for (let t = 0; t < 10; t++) bar.update(record(t, 100 * t, 4));
    assert.match(lines.at(-1)!, /^run 10\/10 iterations {2}F /);
  });

  it('fills the TTY bar by the share of the budget spent', () => {
    const writes: string[] = [];
    // A clock a second ahead at every reading, so the 100 ms redraw limit never holds a line back.
    let now = 0;
    const bar = new ProgressBar({ isTTY: true, columns: 200, write: (t) => writes.push(t) }, { iterations: 100_000, maxOracleCalls: 400 }, 'rhg', () => (now += 1000));
    bar.update(record(4, 0, 20)); // 100 of 400 calls: a quarter, 5 of the 20 cells
    assert.match(writes.at(-1)!, /rhg \[█{5}░{15}\] 100\/400 oracle calls · it 5 /);
    bar.update(record(20, 1, 20)); // 420 calls: over the budget, the bar is full and not wider
    assert.match(writes.at(-1)!, /rhg \[█{20}\] 420\/400 oracle calls · it 21 /);
    bar.finish();
    assert.equal(writes.at(-1), '\n');
  });

  it('progressCount names the unit only when the run has a budget', () => {
    assert.equal(progressCount({ unit: 'iterations', done: 5, total: 10, iterations: 5 }, false), '5/10');
    assert.equal(progressCount({ unit: 'iterations', done: 5, total: 10, iterations: 5 }, true), '5/10 iterations');
    assert.equal(progressCount({ unit: 'oracle calls', done: 300, total: 400, iterations: 5 }, true), '300/400 oracle calls · it 5');
  });
});
