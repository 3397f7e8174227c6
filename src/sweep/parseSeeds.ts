// `--seeds 0-9`, `--seeds 0,2,5`, `--seeds 0-2,7`: the seeds of a sweep. Seeds are the `seed` run
// option (a whole number ≥ 0), so the same rules hold here; a typo must not silently run other seeds.
import { SweepError } from './sweepError';

/** The most seeds one `--seeds` may give: a typo such as `0-99999` should be an error, not a day of runs. */
export const MAX_SEEDS = 10_000;

const NUMBER = /^\d+$/;

/**
 * The seeds `text` lists, in the order written: comma-separated whole numbers ≥ 0 and inclusive
 * ascending ranges `a-b`. Throws a SweepError naming the text and the part that is wrong for
 * an empty part, a negative or non-whole number, a descending range, a seed given twice, or more
 * than MAX_SEEDS seeds.
 */
export function parseSeeds(text: string): number[] {
  const usage = `give whole numbers ≥ 0 and ascending ranges, e.g. --seeds 0-9 or --seeds 0,2,5 or --seeds 0-2,7`;
  const fail = (why: string): never => {
    throw new SweepError(`--seeds '${text}': ${why}; ${usage}`);
  };
  if (text.trim() === '') fail('no seeds');
  const seeds: number[] = [];
  const seen = new Set<number>();
  const add = (seed: number): void => {
    if (seen.has(seed)) fail(`seed ${seed} is given twice`);
    if (seeds.length >= MAX_SEEDS) fail(`more than ${MAX_SEEDS} seeds`);
    seen.add(seed);
    seeds.push(seed);
  };
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') fail('an empty part');
    const range = /^(\S+?)\s*-\s*(\S+)$/.exec(part);
    if (range && !part.startsWith('-')) {
      const from = wholeNumber(range[1]!, fail);
      const to = wholeNumber(range[2]!, fail);
      if (to < from) fail(`the range ${part} descends`);
      if (to - from + 1 > MAX_SEEDS) fail(`more than ${MAX_SEEDS} seeds`);
      for (let seed = from; seed <= to; seed++) add(seed);
    } else add(wholeNumber(part, fail));
  }
  return seeds;
}

function wholeNumber(part: string, fail: (why: string) => never): number {
  if (!NUMBER.test(part)) return fail(part.startsWith('-') ? `'${part}' is negative` : `'${part}' is not a whole number`);
  const value = Number(part);
  if (!Number.isSafeInteger(value)) return fail(`'${part}' is too large`);
  return value;
}

/** `0-9` for 0…9, `0,2,5`, `0-2,7`: seeds written back the way parseSeeds reads them (ranges for runs of 3 or more). */
export function formatSeeds(seeds: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < seeds.length) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${seeds[i]}-${seeds[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(seeds[k]));
    i = j + 1;
  }
  return parts.join(',');
}
