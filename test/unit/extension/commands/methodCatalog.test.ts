// The extension lists methods and built-in problems from data (it never imports core); this test
// imports core and fails when the catalog drifts from METHODS / BUILTIN_PROBLEMS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_PROBLEMS, createBuiltinProblem, METHODS, RUN_OPTIONS } from '../../../../src/core';
import type { OptionSpec } from '../../../../src/core';
import { BUILTIN_PROBLEM_CATALOG, EXTENSION_SWEEP_CATALOG, isKnownMethod, METHOD_CATALOG, METHOD_OPTION_CATALOG, RUN_OPTION_CATALOG } from '../../../../src/extension/commands/methodCatalog';
import { CORE_CATALOG } from '../../../../src/sweep/coreCatalog';

/** What the catalog mirrors of a declaration: key, flag, type, bounds and choices. */
function mirrored(spec: OptionSpec): Record<string, unknown> {
  return {
    key: spec.key,
    flag: spec.flag,
    type: spec.type,
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    ...(spec.greaterThan !== undefined ? { greaterThan: spec.greaterThan } : {}),
    ...(spec.choices !== undefined ? { choices: [...spec.choices] } : {}),
  };
}

function plain(entry: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(entry)) as Record<string, unknown>;
}

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

  it('mirrors the run options (RUN_OPTIONS): keys, flags, types, bounds and choices, in order', () => {
    assert.deepEqual(RUN_OPTION_CATALOG.map(plain), RUN_OPTIONS.map(mirrored));
  });

  it("mirrors every method's own options, and no other method", () => {
    assert.deepEqual(Object.keys(METHOD_OPTION_CATALOG), METHODS.map((m) => m.id));
    for (const m of METHODS) assert.deepEqual(METHOD_OPTION_CATALOG[m.id]!.map(plain), m.options.map(mirrored), m.id);
  });

  it("expands a sweep as core's catalog does: the same run options and methods with their options", () => {
    assert.deepEqual(EXTENSION_SWEEP_CATALOG.runOptions.map(plain), CORE_CATALOG.runOptions.map((o) => mirrored(o as OptionSpec)));
    assert.deepEqual(
      EXTENSION_SWEEP_CATALOG.methods.map((m) => ({ id: m.id, options: m.options.map(plain) })),
      CORE_CATALOG.methods.map((m) => ({ id: m.id, options: m.options.map((o) => mirrored(o as OptionSpec)) })),
    );
  });

  it('knows method ids', () => {
    assert.equal(isKnownMethod('iaptt-gm'), true);
    assert.equal(isKnownMethod('IAPTT-GM'), false);
  });
});
