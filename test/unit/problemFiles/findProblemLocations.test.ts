// findProblemLocations: the pure scan behind the code lenses and the worker's diagnostics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findProblemLocations } from '../../../src/problemFiles/findProblemLocations';

/** [exportName, line, character] of each location, for compact expectations. */
function scan(source: string): [string, number, number][] {
  return findProblemLocations(source).map((l) => [l.exportName, l.line, l.character]);
}

void describe('findProblemLocations', () => {
  void it('finds default and named exports with the 0-based position of defineProblem', () => {
    const source = [
      "import { defineProblem } from 'bilevel-lab';", // line 0
      '',
      'export default defineProblem({', // line 2, col 15
      "  id: 'a',",
      '});',
      'export const second = defineProblem({ id: "b" });', // line 5, col 22
    ].join('\n');
    assert.deepEqual(scan(source), [
      ['default', 2, 15],
      ['second', 5, 22],
    ]);
  });

  void it('accepts type annotations, type arguments and a namespace prefix', () => {
    const source = [
      'export const typed: ProblemDefinition<Data, Task> = defineProblem({}); ', // 'defineProblem' at col 52
      'export const generic = defineProblem<Data>({});', // col 23
      'export const spaced   =   bl.defineProblem  (', // col 29
      'export const fn: (a: number) => void = defineProblem({});', // col 39
    ].join('\n');
    assert.deepEqual(scan(source), [
      ['typed', 0, 52],
      ['generic', 1, 23],
      ['spaced', 2, 29],
      ['fn', 3, 39],
    ]);
  });

  void it('follows local definitions exported later by name, alias or as default', () => {
    const source = [
      'const a = defineProblem({});', // col 10
      'const b = defineProblem({});',
      'const c = defineProblem({});',
      'export { a, b as beta };',
      'export default c',
      'export { d } from "./other";',
    ].join('\n');
    assert.deepEqual(scan(source), [
      ['a', 0, 10],
      ['beta', 1, 10],
      ['default', 2, 10],
    ]);
  });

  void it('ignores comments, strings, template literals and regular expressions', () => {
    const source = [
      '// export default defineProblem({',
      '/* export const x = defineProblem({ */',
      "const s = 'export const y = defineProblem(';",
      'const t = `export const z = defineProblem( ${"}"} ${`nested ${1}`}`;',
      'const r = /export const w = defineProblem\\(/;',
      'const q = a / b; export const real = defineProblem({});', // col 37
    ].join('\n');
    assert.deepEqual(scan(source), [['real', 5, 37]]);
  });

  void it('does not report calls that are not exported, nor other functions', () => {
    const source = ['const local = defineProblem({});', 'export const other = makeProblem({});', 'export const value = defineProblem;', 'foo(defineProblem({}));'].join('\n');
    assert.deepEqual(scan(source), []);
  });

  void it('counts lines across \\r\\n and characters in UTF-16 units', () => {
    const source = "// ünïcödé 🙂\r\nconst pad = '🙂';\r\nexport const p = defineProblem({});";
    assert.deepEqual(scan(source), [['p', 2, 17]]);
  });
});
