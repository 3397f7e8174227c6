// The built-in problems, by id.
import { resolveOptions } from '../methods/options';
import type { ProblemDefinition } from '../problem/defineProblem';
import type { BuiltinProblem, ListedProblem } from './builtinProblem';
import { hypercleanMnist } from './hypercleanMnist';
import { toyLlc } from './toyLlc';
import { toyNonconvex } from './toyNonconvex';
import { toyNonsingleton } from './toyNonsingleton';
import { toyQuadratic } from './toyQuadratic';
import { toyUfom } from './toyUfom';
import { fewShotSinusoid } from './fewShotSinusoid';
import { fewShotDigits } from './fewShotDigits';

/** `family` with what the seed drives in it, for the families whose files do not declare it (yet). */
function seeded(family: BuiltinProblem, seedDependent: readonly string[]): ListedProblem {
  return { ...family, seedDependent: family.seedDependent ?? seedDependent };
}

/** Every built-in problem family, in the order `bilevel problems` lists them. */
export const BUILTIN_PROBLEMS: readonly ListedProblem[] = [
  toyQuadratic,
  toyNonsingleton,
  toyNonconvex,
  toyUfom,
  toyLlc,
  seeded(hypercleanMnist, ['train/validation/test split', 'which training labels are corrupted and to what', 'two-layer model: initial weights']),
  seeded(fewShotSinusoid, ['the tasks drawn (amplitude, phase, inputs)', 'initial weights (Glorot-uniform; the head zero with --head-init zero)', 'held-out evaluation tasks']),
  seeded(fewShotDigits, ['class/image split', 'the tasks drawn (classes, images)', 'initial weights (Glorot-uniform; the head zero with --head-init zero)', 'meta-test tasks']),
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
