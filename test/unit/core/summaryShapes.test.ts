// A run's summary keeps the shapes of its final x and y (x and y themselves are flat), so views can
// show a large tensor as its shape and norm; and the store accepts such a summary.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createBuiltinProblem, runProblem } from '../../../src/core';
import { useBackend } from '../helpers/backends';

describe('RunSummary.shapes (cpu)', () => {
  test('setup', () => useBackend('cpu'));

  test('names the shape of every upper and lower variable, matching the flat values', async () => {
    const result = await runProblem(createBuiltinProblem('toy-quadratic', { n: 3 }), 'rhg', { iterations: 2, lowerSteps: 3 });
    const { x, y, shapes } = result.summary;
    assert.ok(shapes, 'the summary has shapes');
    assert.deepEqual(Object.keys(shapes.x), Object.keys(x));
    assert.deepEqual(Object.keys(shapes.y), Object.keys(y));
    const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
    for (const [name, values] of Object.entries(x)) assert.equal(size(shapes.x[name]!), values.length, name);
    for (const [name, values] of Object.entries(y)) assert.equal(size(shapes.y[name]!), values.length, name);
    assert.ok(Object.values(shapes.x).some((s) => s.length > 0 && size(s) === 3), JSON.stringify(shapes));
  });
});
