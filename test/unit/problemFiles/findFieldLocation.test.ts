// findFieldLocation: where a field of a defineProblem object literal is written, so a validation issue
// ("upper.objective: must return a scalar") is underlined at that field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findFieldLocation, issueField } from '../../../src/problemFiles/findFieldLocation';
import { findProblemLocations } from '../../../src/problemFiles/findProblemLocations';

/** [line, character] of `field` in the source's export `exportName`, or undefined. */
function where(source: string, field: string, exportName = 'default'): [number, number] | undefined {
  const call = findProblemLocations(source).find((l) => l.exportName === exportName);
  assert.ok(call, `no ${exportName} export`);
  const at = findFieldLocation(source, call, field);
  return at && [at.line, at.character];
}

const SOURCE = [
  "import { defineProblem } from 'bilevel-lab';", // 0
  'export const other = defineProblem({ upper: { objective: f } });', // 1: this upper is not the default's
  'export default defineProblem<Data>({', // 2
  "  id: 'p', // upper: { objective } in a comment", // 3
  "  title: 'upper: { objective: x }',", // 4
  '  upper: {', // 5
  '    variables: { x: { shape: [2], init: [0, 1] } },', // 6
  '    objective: (x, y) => tf.sum(tf.mul(x.x, { upper: 1 }.upper)),', // 7
  '  },', // 8
  "  'lower': { variables: { y: { shape: [2], init: 0 } }, objective(x, y) { return tf.sum(y.y); } },", // 9
  '  data,', // 10
  '});', // 11
].join('\n');

describe('findFieldLocation', () => {
  it('finds nested keys of the call named, skipping comments, strings and other calls', () => {
    assert.deepEqual(where(SOURCE, 'upper.objective'), [7, 4]);
    assert.deepEqual(where(SOURCE, 'upper.variables.x.init'), [6, 34]);
    assert.deepEqual(where(SOURCE, 'id'), [3, 2]);
    assert.deepEqual(where(SOURCE, 'upper.objective', 'other'), [1, 46]);
  });

  it('reads quoted keys, method shorthand and shorthand properties', () => {
    assert.deepEqual(where(SOURCE, 'lower.objective'), [9, 56]);
    assert.deepEqual(where(SOURCE, 'lower'), [9, 2]);
    assert.deepEqual(where(SOURCE, 'data'), [10, 2]);
  });

  it('stops at the deepest key written: a variable, or a field the literal does not have', () => {
    const source = 'export default defineProblem({ id: "v", upper: upperLevel, ...rest });';
    assert.deepEqual(where(source, 'upper.objective'), [0, 40]);
    assert.equal(where(source, 'lower.objective'), undefined);
    assert.deepEqual(where(SOURCE, 'upper.bounds'), [5, 2]);
    assert.equal(where('export default defineProblem(spec);', 'upper.objective'), undefined);
  });
});

describe('issueField', () => {
  it('reads the dotted field an issue starts with, and nothing from prose', () => {
    assert.equal(issueField('upper.objective: must return a scalar (rank 0), got shape [2]'), 'upper.objective');
    assert.equal(issueField('lower.variables.y.init: entry 0 is NaN'), 'lower.variables.y.init');
    assert.equal(issueField('the problem must be an object made with defineProblem({...})'), undefined);
    assert.equal(issueField('upper.objective threw'), undefined);
  });
});
