// The built `bilevel` command on problem files: run, check and grad on a closed-form problem, the
// export a reference picks, compile and validation errors at file:line:col, parameter flags that a
// file problem does not take, and `problems --file`. Each test works in its own temporary folder.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertCliBuilt, runBilevel } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';

let cwd = '';

/** `bilevel ...args` in this suite's working folder. */
function bilevel(...args: string[]): CliResult {
  return runBilevel(cwd, ...args);
}

/**
 * F(x, y) = ½‖y − 1‖², f(x, y) = ½‖y − x‖² in two dimensions. From y_0 = 0, K steps of size s give
 * y_K = c·x with c = 1 − (1 − s)^K, so φ_K(x) = ½‖c·x − 1‖², ∇φ_K(x) = c(c·x − 1), minimized at x = 1/c.
 */
const QUADRATIC = `import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from 'bilevel-lab';
import { TARGET } from './target';

export default defineProblem({
  id: 'closed-form',
  upper: { variables: { x: { shape: [2], init: 0 } }, objective: (_u, { y }) => tf.mul(0.5, tf.sum(tf.square(tf.sub(y!, TARGET)))) },
  lower: { variables: { y: { shape: [2], init: 0 } }, objective: ({ x }, { y }) => tf.mul(0.5, tf.sum(tf.square(tf.sub(y!, x!)))) },
  solution: { upper: { x: 1 }, lower: { y: 1 } },
  defaults: { lowerSteps: 20, lowerLr: 0.5, outerLr: 0.5, iterations: 60 },
});
`;

/** Two problems and no default export: a reference must name one. */
const TWO = `import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from 'bilevel-lab';
const level = { variables: { v: { shape: [1], init: 0 } }, objective: () => tf.scalar(0) };
export const first = defineProblem({ id: 'first', upper: { variables: { x: { shape: [1], init: 0 } }, objective: (_u, { y }) => tf.sum(tf.square(y!)) }, lower: { variables: { y: { shape: [1], init: 0 } }, objective: ({ x }, { y }) => tf.sum(tf.square(tf.sub(y!, x!))) } });
export const second = defineProblem({ id: 'second', upper: { variables: { x: { shape: [1], init: 3 } }, objective: (_u, { y }) => tf.sum(tf.square(y!)) }, lower: { variables: { y: { shape: [1], init: 0 } }, objective: ({ x }, { y }) => tf.sum(tf.square(tf.sub(y!, x!))) } });
export const notAProblem = level;
`;

describe('bilevel CLI on problem files', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-file-'));
    writeFileSync(path.join(cwd, 'quadratic.bilevel.ts'), QUADRATIC);
    // A local import: the file may import other files of its folder.
    writeFileSync(path.join(cwd, 'target.ts'), 'export const TARGET = 1;\n');
    writeFileSync(path.join(cwd, 'two.bilevel.ts'), TWO);
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('grad matches the closed form ∇φ_K(x) = c(c·x − 1)', () => {
    const r = bilevel('grad', '--problem', './quadratic.bilevel.ts', '--method', 'rhg', '--K', '3', '--inner-lr', '0.5', '--x', '0.5', '--backend', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { problem: string; hypergradient: number[]; K: number };
    const c = 1 - Math.pow(0.5, 3);
    const expected = c * (c * 0.5 - 1);
    assert.equal(out.K, 3);
    assert.equal(out.problem, `${path.join(cwd, 'quadratic.bilevel.ts')}#default`);
    assert.equal(out.hypergradient.length, 2);
    for (const g of out.hypergradient) assert.ok(Math.abs(g - expected) <= 1e-6, `hypergradient ${g} vs closed form ${expected}`);
  });

  it('run reaches x* = 1/c with the file defaults and stores the run under the file#export id', () => {
    const r = bilevel('run', '--problem', './quadratic.bilevel.ts', '--json', '--backend', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { problem: string; status: string; runId: string; options: { lowerSteps: number; iterations: number }; final: { x: { x: number[] } } };
    assert.equal(out.status, 'completed');
    assert.equal(out.problem, 'quadratic.bilevel.ts#default', 'relative to the workspace of the store');
    assert.deepEqual([out.options.lowerSteps, out.options.iterations], [20, 60], "the file's defaults");
    const xStar = 1 / (1 - Math.pow(0.5, 20));
    for (const v of out.final.x.x) assert.ok(Math.abs(v - xStar) < 1e-4, `x ${v} vs ${xStar}`);
    const record = JSON.parse(readFileSync(path.join(cwd, '.bilevel', 'runs', out.runId, 'run.json'), 'utf8')) as { config: { problem: string } };
    assert.equal(record.config.problem, 'quadratic.bilevel.ts#default');
  });

  it('check passes for RHG on the file', () => {
    const r = bilevel('check', '--problem', './quadratic.bilevel.ts', '--method', 'rhg', '--K', '5', '--x', '0.3', '--backend', 'cpu');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /PASS/);
  });

  it('compare runs several methods on the file', () => {
    const r = bilevel('compare', '--problem', './quadratic.bilevel.ts', '--methods', 'rhg,cg', '--iterations', '5', '--json', '--no-store', '--backend', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { problem: string; results: { method: string; status: string }[] };
    assert.deepEqual(out.results.map((x) => [x.method, x.status]), [['rhg', 'completed'], ['cg', 'completed']]);
  });

  it('names an export with #, lists the problems when several and none is named', () => {
    const several = bilevel('run', '--problem', './two.bilevel.ts', '--iterations', '2', '--no-store', '--backend', 'cpu');
    assert.equal(several.code, 2);
    assert.match(several.stderr, /two\.bilevel\.ts exports 2 problems \(first, second\).*two\.bilevel\.ts#first/);
    const named = bilevel('run', '--problem', './two.bilevel.ts#second', '--iterations', '2', '--json', '--no-store', '--backend', 'cpu');
    assert.equal(named.code, 0, named.stderr);
    assert.equal((JSON.parse(named.stdout) as { problem: string }).problem, `${path.join(cwd, 'two.bilevel.ts')}#second`);
    const missing = bilevel('run', '--problem', './two.bilevel.ts#third', '--no-store', '--backend', 'cpu');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no export named 'third'\. Problem exports: first, second/);
  });

  it('problems --file lists the exported problems with their line', () => {
    const r = bilevel('problems', '--file', 'two.bilevel.ts', '--json');
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { problem: string; id: string; line: number; upper: string }[];
    assert.deepEqual(
      rows.map((x) => [x.problem, x.id, x.line, x.upper]),
      [
        ['two.bilevel.ts#first', 'first', 4, 'x[1]'],
        ['two.bilevel.ts#second', 'second', 5, 'x[1]'],
      ],
    );
  });

  it('reports a syntax error at its file, line and column, and exits 2 without a stack', () => {
    const source = "import { defineProblem } from 'bilevel-lab';\nexport default defineProblem({\n  id: 'broken',\n  upper: (1 + ),\n});\n";
    writeFileSync(path.join(cwd, 'broken.bilevel.ts'), source);
    const r = bilevel('run', '--problem', 'broken.bilevel.ts', '--no-store', '--backend', 'cpu');
    assert.equal(r.code, 2);
    const column = source.split('\n')[3]!.indexOf(')') + 1;
    assert.match(r.stderr, new RegExp(`broken\\.bilevel\\.ts:4:${column}: Unexpected "\\)"`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('reports an invalid problem at its defineProblem call', () => {
    const source = "import * as tf from '@tensorflow/tfjs-core';\nimport { defineProblem } from 'bilevel-lab';\n\nexport default defineProblem({\n  upper: { variables: { x: { shape: [1], init: 0 } }, objective: () => tf.scalar(0) },\n});\n";
    writeFileSync(path.join(cwd, 'invalid.bilevel.ts'), source);
    const r = bilevel('check', '--problem', 'invalid.bilevel.ts', '--method', 'rhg', '--backend', 'cpu');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid\.bilevel\.ts:4:\d+: .*lower/);
  });

  it('refuses flags of built-in parameters on a file problem, naming the problem', () => {
    const r = bilevel('run', '--problem', './quadratic.bilevel.ts', '--n', '3');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--n is a parameter of the built-in problems .*toy-quadratic.*the problem file \.\/quadratic\.bilevel\.ts takes no parameters/);
  });
});
