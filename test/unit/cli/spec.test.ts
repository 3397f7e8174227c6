// `bilevel run --spec`: an experiment written as JSON runs as the flags would run it; a run's run.json
// given back as a spec repeats the run exactly (same resolved options, same final x on cpu); and the
// JSON Schema in docs/ says what the TypeScript type says.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type * as TypeScript from 'typescript';
import { METHODS } from '../../../src/core';
import { assertCliBuilt, REPO_ROOT, runBilevel } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';

let cwd = '';

/** `bilevel ...args` in this suite's working folder. */
function bilevel(...args: string[]): CliResult {
  return runBilevel(cwd, ...args);
}

interface RunJson {
  readonly status: string;
  readonly runId: string;
  readonly options: Record<string, unknown>;
  readonly final: { readonly x: Record<string, number[]> };
  readonly problem: string;
}

describe('bilevel run --spec', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-spec-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('repeats a run exactly from its run.json: same resolved options, same final x', () => {
    const first = bilevel('run', '--problem', 'toy-nonconvex', '--method', 'iaptt-gm', '--iterations', '15', '--K', '8', '--inner-lr', '0.07', '--seed', '3', '--json', '--backend', 'cpu');
    assert.equal(first.code, 0, first.stderr);
    const a = JSON.parse(first.stdout) as RunJson;
    const runJson = path.join(cwd, '.bilevel', 'runs', a.runId, 'run.json');
    const again = bilevel('run', '--spec', runJson, '--json', '--backend', 'cpu');
    assert.equal(again.code, 0, again.stderr);
    const b = JSON.parse(again.stdout) as RunJson;
    assert.notEqual(b.runId, a.runId, 'a repeat is a new run');
    assert.deepEqual(b.options, a.options);
    assert.deepEqual(b.final.x, a.final.x, 'the same numbers on the same backend');
    const record = JSON.parse(readFileSync(path.join(cwd, '.bilevel', 'runs', b.runId, 'run.json'), 'utf8')) as { config: unknown };
    const original = JSON.parse(readFileSync(runJson, 'utf8')) as { config: unknown };
    assert.deepEqual(record.config, original.config);
  });

  it('runs a spec file whose problem is a file relative to it, with its name', () => {
    const dir = path.join(cwd, 'exp');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'p.bilevel.ts'),
      "import * as tf from '@tensorflow/tfjs-core';\nimport { defineProblem } from 'bilevel-lab';\nexport const lake = defineProblem({ id: 'lake', upper: { variables: { x: { shape: [1], init: 0 } }, objective: (_u, { y }) => tf.sum(tf.square(tf.sub(y!, 2))) }, lower: { variables: { y: { shape: [1], init: 0 } }, objective: ({ x }, { y }) => tf.sum(tf.square(tf.sub(y!, x!))) } });\n",
    );
    const spec = { problem: { kind: 'file', path: 'p.bilevel.ts', exportName: 'lake' }, method: 'rhg', options: { iterations: 40, lowerSteps: 10, lowerLr: 0.5, outerLr: 0.2 }, name: 'from a spec' };
    writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
    const r = bilevel('run', '--spec', 'exp/spec.json', '--json', '--backend', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as RunJson;
    assert.equal(out.problem, 'exp/p.bilevel.ts#lake');
    assert.ok(Math.abs(out.final.x['x']![0]! - 2) < 0.05, `x ${out.final.x['x']![0]} → 2`);
    const record = JSON.parse(readFileSync(path.join(cwd, '.bilevel', 'runs', out.runId, 'run.json'), 'utf8')) as { name: string };
    assert.equal(record.name, 'from a spec');
  });

  it('names what is wrong in a spec, and refuses problem flags beside it', () => {
    writeFileSync(path.join(cwd, 'bad.json'), JSON.stringify({ problem: 'toy-quadratic', method: 'rhg', option: {} }));
    const unknownField = bilevel('run', '--spec', 'bad.json');
    assert.equal(unknownField.code, 2);
    assert.match(unknownField.stderr, /bad\.json: unknown field 'option'/);
    writeFileSync(path.join(cwd, 'bad2.json'), JSON.stringify({ problem: 'toy-quadratic', method: 'nope' }));
    assert.match(bilevel('run', '--spec', 'bad2.json').stderr, /bad2\.json: method: unknown method 'nope'; valid methods: rhg/);
    writeFileSync(path.join(cwd, 'bad3.json'), JSON.stringify({ problem: 'toy-quadratic', method: 'rhg', options: { lowerStep: 3 } }));
    const typo = bilevel('run', '--spec', 'bad3.json', '--no-store', '--backend', 'cpu');
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown option 'lowerStep'/);
    const both = bilevel('run', '--spec', 'bad3.json', '--K', '3');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--K cannot be given with --spec/);
  });

  it('has a JSON Schema in docs/ that matches the ExperimentSpec type', () => {
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs', 'experiment-spec.schema.json'), 'utf8')) as Schema;
    // The TypeScript compiler reads the type from the source; it is loaded at run time, not bundled.
    const ts = createRequire(path.join(REPO_ROOT, 'package.json'))('typescript') as typeof TypeScript;
    const file = path.join(REPO_ROOT, 'src', 'protocol', 'experiment.ts');
    const program = ts.createProgram([file], { strict: true, noEmit: true });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file)!;
    const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
    const declared = (name: string): TypeScript.Type => checker.getDeclaredTypeOfSymbol(exported.find((s) => s.name === name)!);
    const shape = (type: TypeScript.Type): { properties: string[]; required: string[] } => {
      const props = checker.getPropertiesOfType(type);
      return { properties: props.map((p) => p.name).sort(), required: props.filter((p) => (p.flags & ts.SymbolFlags.Optional) === 0).map((p) => p.name).sort() };
    };
    const spec = shape(declared('ExperimentSpec'));
    assert.deepEqual(Object.keys(schema.properties).filter((k) => k !== '$schema').sort(), spec.properties);
    assert.deepEqual([...schema.required].sort(), spec.required);
    // Each variant of ProblemSource is one object form of `problem`, keyed by its `kind`.
    const variants = (declared('ProblemSource') as TypeScript.UnionType).types;
    assert.equal(variants.length, 2);
    for (const variant of variants) {
      const kind = (checker.getTypeOfSymbol(variant.getProperty('kind')!) as TypeScript.StringLiteralType).value;
      const def = schema.$defs[`${kind}Problem`];
      assert.ok(def, `the schema has $defs.${kind}Problem`);
      const v = shape(variant);
      assert.deepEqual(Object.keys(def.properties).sort(), v.properties, `${kind}: properties`);
      assert.deepEqual([...def.required].sort(), v.required, `${kind}: required`);
      assert.equal(def.properties['kind']!.const, kind);
    }
    assert.deepEqual(schema.properties['method']!.enum, METHODS.map((m) => m.id), 'the method ids');
  });
});

interface Schema {
  readonly properties: Record<string, { readonly enum?: readonly string[] }>;
  readonly required: readonly string[];
  readonly $defs: Record<string, { readonly properties: Record<string, { readonly const?: string }>; readonly required: readonly string[] }>;
}
