// The sweep's local pool: at most N at once, every item started once in order, none started after a
// stop, results in item order whatever order they finish in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPool } from '../../../src/cli/runPool';

/** A start function whose calls end when the test says, recording how many run at once. */
function controlled(): { start: (n: number) => Promise<string>; release: (n: number) => void; started: number[]; maxAtOnce: () => number } {
  const pending = new Map<number, () => void>();
  const started: number[] = [];
  let running = 0;
  let max = 0;
  return {
    started,
    maxAtOnce: () => max,
    start: (n) =>
      new Promise<string>((resolve) => {
        started.push(n);
        running++;
        max = Math.max(max, running);
        pending.set(n, () => {
          running--;
          resolve(`r${n}`);
        });
      }),
    release: (n) => pending.get(n)!(),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

void describe('runPool', () => {
  void it('runs at most `jobs` at once, starts in order, and returns results in item order', async () => {
    const c = controlled();
    const done = runPool([0, 1, 2, 3, 4], 2, c.start, () => false);
    await tick();
    assert.deepEqual(c.started, [0, 1]);
    c.release(1);
    await tick();
    assert.deepEqual(c.started, [0, 1, 2]);
    for (const n of [2, 0]) c.release(n);
    await tick();
    assert.deepEqual(c.started, [0, 1, 2, 3, 4]);
    for (const n of [4, 3]) c.release(n);
    const results = await done;
    assert.deepEqual(results, [0, 1, 2, 3, 4].map((n) => ({ item: n, result: `r${n}` })));
    assert.equal(c.maxAtOnce(), 2);
  });

  void it('starts nothing more once stopped, and waits for the started ones', async () => {
    const c = controlled();
    let stop = false;
    const done = runPool([0, 1, 2, 3], 2, c.start, () => stop);
    await tick();
    stop = true;
    c.release(0);
    await tick();
    assert.deepEqual(c.started, [0, 1], 'no run starts after the stop');
    c.release(1);
    assert.deepEqual((await done).map((r) => r.item), [0, 1]);
  });

  void it('with more jobs than items runs them all at once', async () => {
    const c = controlled();
    const done = runPool([7, 8], 16, c.start, () => false);
    await tick();
    assert.deepEqual(c.started, [7, 8]);
    c.release(8);
    c.release(7);
    assert.deepEqual((await done).map((r) => r.result), ['r7', 'r8']);
  });

  it('gives each item the lane that runs it: a lane runs one item at a time, so it can own a worker process', async () => {
    const busy = new Set<number>();
    const lanesOf: [number, number][] = [];
    const results = await runPool(
      [0, 1, 2, 3, 4, 5],
      2,
      async (n, slot) => {
        assert.ok(!busy.has(slot), `lane ${slot} is free when item ${n} starts`);
        busy.add(slot);
        lanesOf.push([n, slot]);
        // Item 0 takes longer, so lane 1 takes several items meanwhile.
        await new Promise((resolve) => setTimeout(resolve, n === 0 ? 30 : 1));
        busy.delete(slot);
        return slot;
      },
      () => false,
    );
    assert.deepEqual(new Set(lanesOf.map(([, slot]) => slot)), new Set([0, 1]), 'lanes are 0 … jobs − 1');
    assert.deepEqual(lanesOf.slice(0, 2), [
      [0, 0],
      [1, 1],
    ]);
    assert.ok(lanesOf.filter(([, slot]) => slot === 1).length >= 3, `lane 1 took the short items while item 0 ran: ${JSON.stringify(lanesOf)}`);
    assert.deepEqual(results.map((r) => r.item), [0, 1, 2, 3, 4, 5]);
  });
});
