// The terminal progress bar (src/cli/progressBar.ts): its ETA leaves out the first iteration's
// warm-up, and says nothing until an iteration after the first is done.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateRemainingMs, ProgressBar } from '../../../src/cli/progressBar';
import type { IterationRecord } from '../../../src/protocol/metrics';

function record(iteration: number, time?: number): IterationRecord {
  return { iteration, upperLoss: 1, lowerLoss: 1, hypergradNorm: 1, lowerStationarity: 0, forwardMs: 1, backwardMs: 1, gradientEvals: 0, hvpEvals: 0, numTensors: 1, numBytes: 1, stats: {}, ...(time !== undefined ? { time } : {}) };
}

/** A bar on a plain sink (a line per update with total 10) and a hand-moved clock. */
function plainBar(total: number): { bar: ProgressBar; lines: string[]; clock: { now: number } } {
  const lines: string[] = [];
  const clock = { now: 0 };
  const bar = new ProgressBar({ isTTY: false, write: (t) => lines.push(t) }, total, 'run', () => clock.now);
  return { bar, lines, clock };
}

describe('ProgressBar', () => {
  it('estimates from the iterations after the first', () => {
    assert.equal(estimateRemainingMs({ done: 1, at: 0 }, { done: 1, at: 0 }, 10), undefined);
    assert.equal(estimateRemainingMs({ done: 1, at: 1000 }, { done: 3, at: 1200 }, 10), 700);
    assert.equal(estimateRemainingMs({ done: 1, at: 1000 }, { done: 10, at: 2000 }, 10), 0);
  });

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
