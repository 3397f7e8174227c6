// The problem id (`<path>#<export>`): parsed, written and shortened the same way by every process.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { baseName, formatProblemId, parseProblemRef, problemDisplayName } from '../../../src/common/problemId';

describe('problemId', () => {
  test('built-in ids are not file references', () => {
    assert.equal(parseProblemRef('toy-quadratic'), undefined);
    assert.equal(parseProblemRef('hyperclean-mnist'), undefined);
  });

  test('file references with and without an export', () => {
    assert.deepEqual(parseProblemRef('./mine.bilevel.ts'), { path: './mine.bilevel.ts' });
    assert.deepEqual(parseProblemRef('mine.ts#lake'), { path: 'mine.ts', exportName: 'lake' });
    assert.deepEqual(parseProblemRef('/abs/dir/p.mjs#default'), { path: '/abs/dir/p.mjs', exportName: 'default' });
    assert.deepEqual(parseProblemRef('problems/quad'), { path: 'problems/quad' });
    assert.equal(parseProblemRef('mine.ts#not an export'), undefined);
  });

  test('format and display name round trip', () => {
    assert.equal(formatProblemId('/a/b/lake.bilevel.ts', 'default'), '/a/b/lake.bilevel.ts#default');
    assert.equal(problemDisplayName('/a/b/lake.bilevel.ts#default'), 'lake.bilevel.ts#default');
    assert.equal(problemDisplayName('C:\\w\\lake.ts#x'), 'lake.ts#x');
    assert.equal(problemDisplayName('toy-quadratic'), 'toy-quadratic');
    assert.equal(baseName('a/b\\c.ts'), 'c.ts');
  });
});
