// The sweep catalog of core's own declarations: RUN_OPTIONS and every method of METHODS. Its own file
// because the method registry brings tfjs-core along; the rest of src/sweep does not need it.
import { METHODS } from '../core/methods/registry';
import { RUN_OPTIONS } from '../core/methods/runOptions';
import { BUILTIN_PROBLEMS } from '../core/problems/registry';
import type { ProblemSource } from '../protocol/experiment';
import type { SweepCatalog } from './sweepCatalog';

/** The run options and methods `bilevel` knows, as a sweep checks them. */
export const CORE_CATALOG: SweepCatalog = {
  runOptions: RUN_OPTIONS,
  methods: METHODS.map((m) => ({ id: m.id, options: m.options })),
};

/** CORE_CATALOG with the parameters of `problem` when it is a built-in (a problem file has none). */
export function catalogFor(problem: ProblemSource): SweepCatalog {
  if (problem.kind !== 'builtin') return CORE_CATALOG;
  const family = BUILTIN_PROBLEMS.find((p) => p.id === problem.id);
  return family ? { ...CORE_CATALOG, problemParams: family.params } : CORE_CATALOG;
}
