// What New Sweep's prompts read, checked before anything starts: the seeds (`0-4`, `1,3,5`), the grid
// (`K=10,20 inner-lr=0.1,0.3`, the `--set` syntax of `bilevel sweep` without `--set`), and the sweep
// they make with its expanded runs. Pure: the same parsing and expansion as the CLI (src/sweep),
// against the extension's own option catalog, so the messages name the flag and what would be valid.
import type { ProblemSource } from '../../protocol/experiment';
import type { GridAxis, SweepRun, SweepSpec, SweepValue } from '../../protocol/sweep';
import { expandSweep } from '../../sweep/expandSweep';
import { parseSeeds } from '../../sweep/parseSeeds';
import { parseSetFlag } from '../../sweep/parseSetFlag';
import { optionsOf, type SweepCatalog } from '../../sweep/sweepCatalog';
import { messageOf } from '../../common/messageOf';

/** The seeds `text` lists, or the reason it lists none (the CLI's words, without its flag). */
export function readSeeds(text: string): { seeds: number[] } | { error: string } {
  try {
    return { seeds: parseSeeds(text) };
  } catch (err) {
    return { error: messageOf(err).replace(/--seeds /g, '') };
  }
}

/**
 * The grid axes `text` gives: `FLAG=v1,v2,…` parts separated by spaces (or `;`), a leading `--set`
 * or `--` allowed; empty text is no grid. Throws nothing: a bad part comes back as `error`, naming it.
 */
export function readGrid(text: string, catalog: SweepCatalog): { grid: GridAxis[] } | { error: string } {
  const parts = gridParts(text);
  const grid: GridAxis[] = [];
  for (const part of parts) {
    try {
      grid.push(parseSetFlag(part, catalog));
    } catch (err) {
      return { error: messageOf(err).replace(/--set '/g, "'").replace(/e\.g\. --set /g, 'e.g. ') };
    }
  }
  return { grid };
}

/** `K=10, 20 --set inner-lr=0.1` → [`K=10, 20`, `inner-lr=0.1`]: a new part starts at each `FLAG=`. */
export function gridParts(text: string): string[] {
  return text
    .replace(/(^|[\s;])--set(?=\s)/g, '$1')
    .split(/;|\s+(?=(?:--)?[A-Za-z][\w-]*\s*=)/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** What New Sweep will run: its spec and runs, and one line saying how many runs per method. */
export interface SweepPlan {
  readonly spec: SweepSpec;
  readonly runs: readonly SweepRun[];
  /** `12 runs: rhg 2 grid points × 3 seeds; fom 3 seeds (K not taken)`. */
  readonly summary: string;
}

/** The answers of New Sweep's prompts. */
export interface SweepAnswers {
  readonly problem: ProblemSource;
  readonly methods: readonly string[];
  readonly seedsText: string;
  readonly gridText: string;
  /** Options for every method (the `bilevel.runs.defaultOptions` setting): the seed and keys the grid sets or no method takes are left out. */
  readonly options?: Readonly<Record<string, SweepValue>>;
  readonly name?: string;
}

/** The sweep the answers describe, or every problem with them, one per line. */
export function planSweep(answers: SweepAnswers, catalog: SweepCatalog): SweepPlan | { error: string } {
  const seeds = readSeeds(answers.seedsText);
  if ('error' in seeds) return { error: `Seeds: ${seeds.error}` };
  const grid = readGrid(answers.gridText, catalog);
  if ('error' in grid) return { error: `Grid: ${grid.error}` };
  const spec: SweepSpec = {
    problem: answers.problem,
    methods: [...answers.methods],
    seeds: seeds.seeds,
    grid: grid.grid,
    ...optionsField(answers, grid.grid, catalog),
    ...(answers.name !== undefined && answers.name.trim() !== '' ? { name: answers.name.trim() } : {}),
  };
  let runs: SweepRun[];
  try {
    runs = expandSweep(spec, catalog);
  } catch (err) {
    return { error: messageOf(err).replace(/--set /g, '') };
  }
  return { spec, runs, summary: planSummary(spec, runs) };
}

/** `12 runs: rhg 2 grid points × 3 seeds; fom 3 seeds (K not taken)`. */
export function planSummary(spec: Pick<SweepSpec, 'methods' | 'seeds'>, runs: readonly SweepRun[]): string {
  const seeds = `${spec.seeds.length} seed${spec.seeds.length === 1 ? '' : 's'}`;
  const parts = spec.methods.map((method) => {
    const own = runs.filter((r) => r.method === method);
    const points = own.length / spec.seeds.length;
    const dropped = own[0]?.dropped ?? [];
    return `${method} ${points > 1 ? `${points} grid points × ` : ''}${seeds}${dropped.length > 0 ? ` (${dropped.join(', ')} not taken)` : ''}`;
  });
  return `${runs.length} run${runs.length === 1 ? '' : 's'}: ${parts.join('; ')}`;
}

/** The default options a sweep may carry: not the seed, not a key the grid sets, only keys a method of the sweep takes. */
function optionsField(answers: SweepAnswers, grid: readonly GridAxis[], catalog: SweepCatalog): { options?: Record<string, SweepValue> } {
  const decls = answers.methods.flatMap((m) => optionsOf(catalog, m) ?? []);
  const gridKeys = new Set(decls.filter((d) => grid.some((axis) => axis.flag === d.flag)).map((d) => d.key));
  const out: Record<string, SweepValue> = {};
  for (const [key, value] of Object.entries(answers.options ?? {})) {
    if (key === 'seed' || gridKeys.has(key) || !decls.some((d) => d.key === key)) continue;
    out[key] = value;
  }
  return Object.keys(out).length > 0 ? { options: out } : {};
}
