// Problem files compiled in the worker with esbuild-wasm: positions of compile, resolution, runtime
// and validation errors, export selection, and tfjs/bilevel-lab bound to this process's instances.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SourceDiagnostic } from '../../../src/protocol/experiment';
import { compileProblem, createRng, ProblemError } from '../../../src/core';
import { compileProblemFile, ProblemFileError, runErrorDiagnostics } from '../../../src/problemFiles/compileProblemFile';
import { fromVirtualPath, toVirtualPath } from '../../../src/problemFiles/resolveProblemImport';
import { SourceMapLookup } from '../../../src/problemFiles/sourceMap';
import { useBackend } from '../helpers/backends';

/** The fixture (test/fixtures/problems), from dist-test/unit/worker/. */
const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/problems/fixture.bilevel.ts');

/** A minimal valid problem body, for files written by the tests. */
const VALID_BODY = `{
  id: 'p',
  upper: { variables: { x: { shape: [1], init: 0 } }, objective: (x, y) => tf.sum(tf.square(tf.sub(y.y, 1))) },
  lower: { variables: { y: { shape: [1], init: 0 } }, objective: (x, y) => tf.sum(tf.square(tf.sub(y.y, x.x))) },
}`;
const HEADER = "import * as tf from '@tensorflow/tfjs-core';\nimport { defineProblem } from 'bilevel-lab';\n";

let dir: string;
let n = 0;
/** Writes `files` (name → text) into a fresh folder and returns the absolute path of the first. */
function writeFiles(files: Record<string, string>): string {
  const caseDir = path.join(dir, `case${n++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(caseDir, name)), { recursive: true });
    writeFileSync(path.join(caseDir, name), text);
  }
  return path.join(caseDir, Object.keys(files)[0]!);
}

/** The diagnostics of a compile that must fail. */
async function diagnosticsOf(file: string, exportName = 'default'): Promise<readonly SourceDiagnostic[]> {
  try {
    await compileProblemFile(file, exportName);
  } catch (err) {
    assert.ok(err instanceof ProblemFileError, `expected a ProblemFileError, got ${String(err)}`);
    return err.diagnostics;
  }
  assert.fail(`${file} compiled, but errors were expected`);
}

void describe('compileProblemFile', () => {
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-compile-'));
    await useBackend('cpu');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('loads the fixture with its workspace import, on this process’s tfjs engine', async () => {
    const loaded = await compileProblemFile(FIXTURE, 'default');
    assert.equal(loaded.definition.id, 'fixture-quadratic');
    // `export default defineProblem({` is line 9 (1-based) of the fixture.
    assert.deepEqual(loaded.location, { exportName: 'default', line: 8, character: 15 });
    const before = tf.memory().numTensors;
    const value = tf.tidy(() => {
      const f = loaded.definition.upper.objective({ x: tf.zeros([2]) }, { y: tf.zeros([2]) }, undefined, undefined);
      // Same engine: the tensor is this bundle's tf.Tensor, and the tidy here disposes it.
      assert.ok(f instanceof tf.Tensor);
      return f.dataSync()[0]!;
    });
    // ½‖0 − (1, −0.5)‖² = ½(1 + 0.25).
    assert.equal(value, 0.625);
    assert.equal(tf.memory().numTensors, before);
    const classifier = await compileProblemFile(FIXTURE, 'classifier');
    assert.equal(classifier.definition.id, 'fixture-classifier');
  });

  void it('reports a syntax error at its file, line and column', async () => {
    // Line 4, 1-based column 14 is the stray ')'.
    const file = writeFiles({ 'broken.bilevel.ts': `${HEADER}\nconst a = 1 +);\nexport default defineProblem(${VALID_BODY});\n` });
    const [d, ...rest] = await diagnosticsOf(file);
    assert.equal(rest.length, 0);
    assert.deepEqual({ file: d!.file, line: d!.line, column: d!.column }, { file, line: 4, column: 14 });
    assert.match(d!.message, /Unexpected "\)"/);
  });

  void it('reports a syntax error inside an imported workspace file at that file', async () => {
    const file = writeFiles({ 'main.bilevel.ts': `${HEADER}import { k } from './lib/helper';\nexport default defineProblem({ ...${VALID_BODY}, title: String(k) });\n`, 'lib/helper.ts': 'export const k: number = ;\n' });
    const [d] = await diagnosticsOf(file);
    assert.equal(d!.file, path.join(path.dirname(file), 'lib', 'helper.ts'));
    assert.equal(d!.line, 1);
  });

  void it('resolves .js specifiers to .ts files, index files and JSON, and reports a missing file at the import', async () => {
    const ok = writeFiles({
      'ok.bilevel.ts': `${HEADER}import { a } from './a.js';\nimport { b } from './dir';\nimport data from './data.json';\nexport default defineProblem({ ...${VALID_BODY}, id: 'p' + a + b + data.c });\n`,
      'a.ts': "export const a = '-a';\n",
      'dir/index.ts': "export const b = '-b';\n",
      'data.json': '{ "c": "-c" }\n',
    });
    assert.equal((await compileProblemFile(ok, 'default')).definition.id, 'p-a-b-c');
    // (An import whose bindings are never used is dropped, as TypeScript does, and is not resolved.)
    const missing = writeFiles({ 'missing.bilevel.ts': `${HEADER}import { z } from './nope';\nexport default defineProblem({ ...${VALID_BODY}, title: z });\n` });
    const [d] = await diagnosticsOf(missing);
    assert.equal(d!.line, 3);
    assert.match(d!.message, /Could not resolve '\.\/nope'/);
    const pkg = writeFiles({ 'pkg.bilevel.ts': `${HEADER}import 'not-an-installed-package-xyz';\nexport default defineProblem(${VALID_BODY});\n` });
    assert.match((await diagnosticsOf(pkg))[0]!.message, /Could not resolve package 'not-an-installed-package-xyz'.*npm install/);
  });

  void it('points validation errors of defineProblem at the field each names, one diagnostic per issue', async () => {
    const body = "{ id: 'bad id!', upper: { variables: { x: { shape: [1], init: 0 } }, objective: () => tf.scalar(0) },\n  lower: { variables: {}, objective: () => tf.scalar(0) } }";
    // `defineProblem` on line 5 (1-based) at column 16, `id` at column 32; line 6 is `  lower: { variables`.
    const file = writeFiles({ 'invalid.bilevel.ts': `${HEADER}\n// A problem with two mistakes.\nexport default defineProblem(${body});\n` });
    const diagnostics = await diagnosticsOf(file);
    assert.equal(diagnostics.length, 2);
    assert.deepEqual(diagnostics.map((d) => [d.file, d.line, d.column]), [
      [file, 5, 32],
      [file, 6, 12],
    ]);
    assert.match(diagnostics[0]!.message, /^Invalid problem 'bad id!': id: must be a non-empty string/);
    assert.match(diagnostics[1]!.message, /^Invalid problem 'bad id!': lower\.variables: must name at least one variable/);
  });

  void it('underlines an objective that returns no scalar at its objective field, not at the call', async () => {
    const file = writeFiles({
      'vector.bilevel.ts': [
        HEADER.trimEnd(),
        `const VALID = ${VALID_BODY.replace(/\n/g, ' ')};`,
        'export const first = defineProblem({ ...VALID, id: "first" });',
        'export default defineProblem({',
        "  id: 'vector',",
        '  upper: {',
        '    variables: { x: { shape: [2], init: 0 } },',
        '    // The upper objective forgets to reduce.',
        '    objective: (x, y) => tf.square(tf.sub(y.y, 1)),',
        '  },',
        '  lower: { variables: { y: { shape: [2], init: 0 } }, objective: (x, y) => tf.sum(tf.square(tf.sub(y.y, x.x))) },',
        '});',
        '',
      ].join('\n'),
    });
    const loaded = await compileProblemFile(file, 'default');
    let error: unknown;
    try {
      (await compileProblem(loaded.definition, createRng(0))).dispose();
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ProblemError, `compileProblem must reject the vector objective, got ${String(error)}`);
    const [d, ...rest] = runErrorDiagnostics(loaded, error);
    assert.equal(rest.length, 0);
    // Line 10 (1-based) is `    objective: (x, y) => …`; `objective` starts at column 5.
    assert.deepEqual([d!.file, d!.line, d!.column], [file, 10, 5]);
    assert.match(d!.message, /^Invalid problem 'vector': upper\.objective: must return a scalar \(rank 0\), got shape \[2\]/);
    // Issues about no field written in the call stay at the call (line 5, `defineProblem` at column 16).
    const other = runErrorDiagnostics(loaded, new ProblemError('vector', ['data: the data loader threw: boom']));
    assert.deepEqual([other[0]!.line, other[0]!.column], [5, 16]);
  });

  void it('points an error thrown while the file runs at the throwing line, in the file that threw', async () => {
    const file = writeFiles({
      'throws.bilevel.ts': `${HEADER}import { scale } from './scale';\nexport default defineProblem({ ...${VALID_BODY}, title: String(scale) });\n`,
      // Line 3, column 15 is `new RangeError(`, where the error (and its stack) is made.
      'scale.ts': "// Loads a scale factor.\nexport const scale = (() => {\n        throw new RangeError('scale must be positive');\n})();\n",
    });
    const [d] = await diagnosticsOf(file);
    assert.deepEqual([d!.file, d!.line, d!.column], [path.join(path.dirname(file), 'scale.ts'), 3, 15]);
    assert.equal(d!.message, 'RangeError: scale must be positive');
  });

  void it('locates a runtime error inside an objective (used for run failures)', async () => {
    const body = "{ id: 'shapes', upper: { variables: { x: { shape: [2] , init: 0 } }, objective: (x, y) => tf.sum(y.y) },\n  lower: { variables: { y: { shape: [3], init: 0 } },\n    objective: (x, y) => tf.sum(tf.matMul(x.x, y.y)) } }";
    const file = writeFiles({ 'runtime.bilevel.ts': `${HEADER}export default defineProblem(${body});\n` });
    const loaded = await compileProblemFile(file, 'default');
    let error: unknown;
    try {
      tf.tidy(() => loaded.definition.lower.objective({ x: tf.zeros([2]) }, { y: tf.zeros([3]) }, undefined, undefined));
    } catch (err) {
      error = err;
    }
    assert.ok(error, 'the objective must throw (rank-1 matMul)');
    const where = loaded.locate(error);
    assert.equal(where?.file, file);
    // `tf.sum(tf.matMul(...))` is on line 5 (1-based) of the file.
    assert.equal(where?.line, 5);
  });

  void it('lists the problem exports when the requested export is missing', async () => {
    const [d] = await diagnosticsOf(FIXTURE, 'nope');
    assert.equal(d!.file, FIXTURE);
    assert.equal(d!.line, undefined);
    assert.equal(d!.message, "fixture.bilevel.ts has no export named 'nope'. Problem exports: classifier, default.");
    const noDefault = writeFiles({ 'named.bilevel.ts': `${HEADER}export const only = defineProblem(${VALID_BODY});\n` });
    assert.match((await diagnosticsOf(noDefault))[0]!.message, /has no default export\. Problem exports: only\.$/);
    const none = writeFiles({ 'none.bilevel.ts': 'export const answer = 42;\n' });
    assert.match((await diagnosticsOf(none))[0]!.message, /exports no problem \(exports: answer\); export one made with defineProblem/);
  });

  void it('rejects an export that is not a problem, at its location', async () => {
    const file = writeFiles({ 'notproblem.bilevel.ts': "export const fake = { id: 'x' };\n" });
    const diagnostics = await diagnosticsOf(file, 'fake');
    assert.match(diagnostics[0]!.message, /^Export 'fake' is not a valid problem: upper: missing/);
  });

  void it('reports an unreadable file', async () => {
    const [d] = await diagnosticsOf(path.join(dir, 'does-not-exist.bilevel.ts'));
    assert.match(d!.message, /^Cannot read the problem file/);
  });
});

void describe('virtual paths for the file-system-less esbuild', () => {
  void it('maps Windows paths to POSIX and back, and leaves POSIX paths alone', () => {
    assert.equal(toVirtualPath('C:\\work\\p.bilevel.ts', path.win32), '/C:/work/p.bilevel.ts');
    assert.equal(fromVirtualPath('/C:/work/p.bilevel.ts', path.win32), 'C:\\work\\p.bilevel.ts');
    assert.equal(fromVirtualPath(toVirtualPath('\\\\server\\share\\p.ts', path.win32), path.win32), '\\\\server\\share\\p.ts');
    assert.equal(toVirtualPath('/home/u/p.ts', path.posix), '/home/u/p.ts');
    assert.equal(fromVirtualPath('/home/u/p.ts', path.posix), '/home/u/p.ts');
  });
});

void describe('SourceMapLookup', () => {
  void it('decodes VLQ mappings and finds the segment at or before a column', () => {
    // Line 0: col 0 → (src 0, line 0, col 0); col 4 → (0, 0, 4). Line 1: col 0 → (0, 1, 4); col 2 → (0, 0, 3).
    const lookup = new SourceMapLookup({ sources: ['a.ts'], mappings: 'AAAA,IAAI;AACA,EADD' });
    assert.deepEqual(lookup.originalPositionFor(0, 0), { source: 0, line: 0, column: 0 });
    assert.deepEqual(lookup.originalPositionFor(0, 9), { source: 0, line: 0, column: 4 });
    assert.deepEqual(lookup.originalPositionFor(1, 1), { source: 0, line: 1, column: 4 });
    // 'D' is −1 in base64 VLQ (digit 3: magnitude 1, sign bit set): line 1 − 1 = 0, column 4 − 1 = 3.
    assert.deepEqual(lookup.originalPositionFor(1, 2), { source: 0, line: 0, column: 3 });
    assert.equal(lookup.originalPositionFor(2, 0), undefined);
  });
});
