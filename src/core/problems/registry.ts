// The built-in problems, by id.
import { resolveOptions } from '../methods/options';
import type { ProblemDefinition } from '../problem/defineProblem';
import type { BuiltinProblem } from './builtinProblem';
import { hypercleanMnist } from './hypercleanMnist';
import { toyLlc } from './toyLlc';
import { toyNonconvex } from './toyNonconvex';
import { toyNonsingleton } from './toyNonsingleton';
import { toyQuadratic } from './toyQuadratic';
import { toyUfom } from './toyUfom';
import { fewShotSinusoid } from './fewShotSinusoid';
import { fewShotDigits } from './fewShotDigits';

/** Every built-in problem family, in the order `bilevel problems` lists them. */
export const BUILTIN_PROBLEMS: readonly BuiltinProblem[] = [
  toyQuadratic,
  toyNonsingleton,
  toyNonconvex,
  toyUfom,
  toyLlc,
  hypercleanMnist,
  fewShotSinusoid,
  fewShotDigits,
];

/** Looks a family up by id; throws listing the valid ids. */
export function getBuiltinProblem(id: string): BuiltinProblem {
  const p = BUILTIN_PROBLEMS.find((b) => b.id === id);
  if (!p) throw new Error(`unknown problem '${id}'; valid problems: ${BUILTIN_PROBLEMS.map((b) => b.id).join(', ')}`);
  return p;
}

/** Builds a built-in problem from (partial, validated) parameters. */
export function createBuiltinProblem(id: string, params: Readonly<Record<string, unknown>> = {}): ProblemDefinition<unknown, unknown> {
  const family = getBuiltinProblem(id);
  return family.create(resolveOptions(family.params, params));
}
