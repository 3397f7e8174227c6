// The toys' `--start fixed|random` parameter: a random start is a seeded init generator, so it is drawn
// from the run's seed by the same generator that draws every other initial value (compileProblem).
import type { OptionSpec } from '../methods/options';
import type { VariableInit } from '../problem/defineProblem';

/** The values of a toy's `start` parameter. */
export type ToyStart = 'fixed' | 'random';

/** The `--start` parameter of a toy: `fixed` (its deterministic start) or `random` (uniform in `box`, from `--seed`). */
export function startParam(fixed: string, random: string, defaultStart: ToyStart = 'fixed'): OptionSpec {
  return {
    key: 'start',
    flag: 'start',
    type: 'choice',
    choices: ['fixed', 'random'],
    default: defaultStart,
    description: `Initial point: fixed = ${fixed}; random = ${random}, drawn from --seed.`,
  };
}

/** `size` values uniform in [low, high] from the run's generator, or the constant `fixed` when the start is fixed. */
export function toyInit(start: ToyStart, size: number, fixed: number, [low, high]: readonly [number, number]): VariableInit {
  if (start === 'fixed') return fixed;
  return (rng) => Float32Array.from({ length: size }, () => low + (high - low) * rng.uniform());
}
