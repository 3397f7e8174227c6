// `Bilevel: New Problem File` must scaffold a problem that works: compiled the way the worker
// compiles problem files, it validates, its RHG hypergradient matches finite differences, and a run
// with its own defaults reaches the solution it declares.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkHypergradient, runProblem } from '../../../../src/core';
import { PROBLEM_TEMPLATE } from '../../../../src/extension/commands/problemTemplate';
import { compileProblemFile } from '../../../../src/problemFiles/compileProblemFile';
import { useBackend } from '../../helpers/backends';

describe('scaffolded problem file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-template-'));
  const file = path.join(dir, 'example.bilevel.ts');
  before(async () => {
    await useBackend('cpu');
    writeFileSync(file, PROBLEM_TEMPLATE);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles, checks against finite differences and converges to its declared solution', async () => {
    const { definition } = await compileProblemFile(file, 'default');
    assert.equal(definition.id, 'example');
    const check = await checkHypergradient(definition, 'rhg');
    assert.ok(check.maxRelativeError < 1e-3, `max relative error ${check.maxRelativeError}`);
    const outcome = await runProblem(definition, definition.defaults?.method ?? 'rhg');
    assert.equal(outcome.status, 'completed');
    const last = outcome.summary.last!;
    assert.ok(last.upperDistance! < 1e-3, `‖x − x*‖ = ${last.upperDistance}`);
    assert.ok(last.lowerDistance! < 1e-3, `‖y − y*‖ = ${last.lowerDistance}`);
  });
});
