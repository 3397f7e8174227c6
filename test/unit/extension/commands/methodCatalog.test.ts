// The extension lists methods and built-in problems from data (it never imports core); this test
// imports core and fails when the catalog drifts from METHODS / BUILTIN_PROBLEMS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_PROBLEMS, createBuiltinProblem, METHODS } from '../../../../src/core';
import { BUILTIN_PROBLEM_CATALOG, isKnownMethod, METHOD_CATALOG } from '../../../../src/extension/commands/methodCatalog';

describe('method catalog', () => {
  it('lists every core method in order, with its title and summary', () => {
    assert.deepEqual(
      METHOD_CATALOG.map((m) => ({ ...m })),
      METHODS.map((m) => ({ id: m.id, title: m.title, summary: m.summary })),
    );
  });

  it('lists every built-in problem with its title and default method', () => {
    assert.deepEqual(
      BUILTIN_PROBLEM_CATALOG.map((p) => ({ ...p })),
      BUILTIN_PROBLEMS.map((p) => ({ id: p.id, title: p.title, defaultMethod: createBuiltinProblem(p.id).defaults?.method ?? 'rhg' })),
    );
  });

  it('knows method ids', () => {
    assert.equal(isKnownMethod('iaptt-gm'), true);
    assert.equal(isKnownMethod('IAPTT-GM'), false);
  });
});
