// ⇄ Compare… over several seeds: each method runs once per seed, seeds s … s + n − 1 from the run's
// own seed s (0 unless the options set one), method by method, in one comparison group so the panel
// draws the seeds of a method as one band. Pure: the command (runCommands.ts) asks, this expands.
import type { ExperimentSpec, ProblemSource } from '../../protocol/experiment';
import type { OptionValue } from '../config';

/** The most seeds one comparison may run per method (the `bilevel.compare.seeds` setting's maximum too). */
export const MAX_COMPARE_SEEDS = 100;

/** The seeds of a comparison of `count` seeds starting at `base`: base, base + 1, …. */
export function compareSeeds(base: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => base + i);
}

/**
 * The runs of a comparison: for each method (in order), for each seed. With one seed a run is what
 * Compare always ran (no name); with more, each run is named `<method> seed <s>` for the history.
 */
export function compareSpecs(problem: ProblemSource, methods: readonly string[], options: Readonly<Record<string, OptionValue>>, count: number): ExperimentSpec[] {
  const base = typeof options.seed === 'number' ? options.seed : 0;
  const seeds = compareSeeds(base, count);
  return methods.flatMap((method) =>
    seeds.map((seed) => ({ problem, method, options: { ...options, seed }, ...(count > 1 ? { name: `${method} seed ${seed}` } : {}) })),
  );
}

/** Why `text` is not a number of seeds (a whole number from 1 to MAX_COMPARE_SEEDS), or undefined when it is. */
export function validateSeedCount(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `'${t}' is not a number of seeds: give a whole number from 1 to ${MAX_COMPARE_SEEDS}`;
  const n = Number(t);
  if (n < 1 || n > MAX_COMPARE_SEEDS) return `${n} seeds: give a whole number from 1 to ${MAX_COMPARE_SEEDS}`;
  return undefined;
}

/** One row of the seeds question: how many seeds, and which they are. */
export interface SeedCountChoice {
  readonly label: string;
  readonly description: string;
  /** Undefined for the row that asks for another number. */
  readonly count?: number;
}

/** The rows of the seeds question: the setting's count first (what Enter takes), then 1, 3, 5, 10, then "Other…". */
export function seedCountChoices(defaultCount: number, baseSeed: number): SeedCountChoice[] {
  const counts = [...new Set([defaultCount, 1, 3, 5, 10])];
  const rows: SeedCountChoice[] = counts.map((count) => ({
    label: count === 1 ? '1 seed' : `${count} seeds`,
    description: `${count === 1 ? `seed ${baseSeed}` : `seeds ${baseSeed}–${baseSeed + count - 1}`}${count === defaultCount ? ' (default: bilevel.compare.seeds)' : ''}`,
    count,
  }));
  rows.push({ label: 'Other number of seeds…', description: `1 to ${MAX_COMPARE_SEEDS}` });
  return rows;
}
