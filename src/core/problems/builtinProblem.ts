// A built-in problem family: parameters declared as options (e.g. `--n`), and a factory.
import type { OptionSpec } from '../methods/options';
import type { OptionRecord } from '../methods/options';
import type { ProblemDefinition } from '../problem/defineProblem';

/** A named problem family with a known solution, sized by its parameters. */
export interface BuiltinProblem {
  readonly id: string;
  readonly title: string;
  /** One line for `bilevel problems`, with the spec section. */
  readonly summary: string;
  /** Parameters (flag `n` for the size, …). */
  readonly params: readonly OptionSpec[];
  /**
   * What the run's `--seed` drives in this problem (random start, data split, label corruption, task
   * sampling, seeded initial weights), one phrase each; empty when nothing (the seed then only drives
   * methods' randomness, e.g. UFOM's coin, and the check's directions). `bilevel problems` lists it.
   */
  readonly seedDependent: readonly string[];
  /** Builds the problem for resolved parameters. */
  create(params: OptionRecord): ProblemDefinition<unknown, unknown>;
}
