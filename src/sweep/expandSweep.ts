// A sweep spec → the ordered list of its runs: for each method, each grid point (cartesian product,
// the first axis slowest), each seed. A grid flag a method does not take is dropped for that method
// and does not multiply its runs, so it gets one group per point of the axes it does take, never copies.
import { didYouMean } from '../common/suggest';
import type { GridAxis, SweepRun, SweepSpec, SweepValue } from '../protocol/sweep';
import { checkOptionValue } from './checkOptionValue';
import { optionsOf } from './sweepCatalog';
import type { OptionDecl } from '../protocol/optionDecl';
import type { SweepCatalog } from './sweepCatalog';
import { SweepError } from './sweepError';

/** The most runs one sweep may expand to: a grid typo should be an error, not a month of runs. */
export const MAX_SWEEP_RUNS = 100_000;

/**
 * Every run of `spec`, index 0, 1, … in expansion order, each with the options the sweep sets for
 * it by key. Throws a SweepError listing every problem: no methods or seeds, an unknown or repeated
 * method, seed or grid flag, a value out of its declaration's range (naming the flag, the value and,
 * for a method's own option, the method), an option set twice (grid and options), a grid flag no
 * method takes, or more than MAX_SWEEP_RUNS runs.
 */
export function expandSweep(spec: SweepSpec, catalog: SweepCatalog): SweepRun[] {
  const issues = checkSweep(spec, catalog);
  // A run option's problem is found once per method that takes it: say it once.
  if (issues.length > 0) throw new SweepError([...new Set(issues)].join('\n'));
  const runs: SweepRun[] = [];
  const problemAxes = spec.grid.filter((axis) => axis.problem === true);
  const paramKey = (flag: string): string => catalog.problemParams!.find((d) => d.flag === flag)!.key;
  for (const method of spec.methods) {
    const decls = optionsOf(catalog, method)!;
    // A problem parameter is every method's: it is never dropped.
    const taken = spec.grid.filter((axis) => axis.problem === true || decls.some((d) => d.flag === axis.flag));
    const dropped = spec.grid.filter((axis) => !taken.includes(axis)).map((axis) => axis.flag);
    const fixed = fixedOptions(spec, method, decls);
    for (const point of gridPoints(taken)) {
      const gridOptions: Record<string, SweepValue> = {};
      const problemParams: Record<string, SweepValue> = {};
      for (const [flag, value] of Object.entries(point)) {
        if (problemAxes.some((axis) => axis.flag === flag)) problemParams[paramKey(flag)] = value;
        else gridOptions[decls.find((d) => d.flag === flag)!.key] = value;
      }
      for (const seed of spec.seeds) {
        const run: SweepRun = { index: runs.length, method, seed, options: { ...fixed, ...gridOptions, seed }, gridPoint: point, dropped };
        runs.push(problemAxes.length > 0 ? { ...run, problemParams } : run);
      }
    }
  }
  return runs;
}

/** The key that groups a run with its other seeds: the method and its grid point, e.g. `rhg K=10 inner-lr=0.1`. */
export function groupKey(run: Pick<SweepRun, 'method' | 'gridPoint'>): string {
  return [run.method, ...Object.entries(run.gridPoint).map(([flag, value]) => `${flag}=${String(value)}`)].join(' ');
}

/** How many runs `spec` expands to (without expanding it): seeds × the grid points of each method's axes. */
export function countSweepRuns(spec: Pick<SweepSpec, 'methods' | 'seeds' | 'grid'>, catalog: SweepCatalog): number {
  let total = 0;
  for (const method of spec.methods) {
    const decls = optionsOf(catalog, method) ?? [];
    let points = 1;
    for (const axis of spec.grid) if (axis.problem === true || decls.some((d) => d.flag === axis.flag)) points *= axis.values.length;
    total += points * spec.seeds.length;
  }
  return total;
}

/** The common and per-method options of `method` (those it takes), then `iterations`. */
function fixedOptions(spec: SweepSpec, method: string, decls: readonly OptionDecl[]): Record<string, SweepValue> {
  const out: Record<string, SweepValue> = {};
  for (const [key, value] of Object.entries(spec.options ?? {})) if (decls.some((d) => d.key === key)) out[key] = value;
  Object.assign(out, spec.methodOptions?.[method] ?? {});
  if (spec.iterations !== undefined) out.iterations = spec.iterations;
  return out;
}

/** The cartesian product of the axes, first axis slowest; one empty point without axes. */
function gridPoints(axes: readonly GridAxis[]): Record<string, SweepValue>[] {
  let points: Record<string, SweepValue>[] = [{}];
  for (const axis of axes) points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.flag]: value })));
  return points;
}

function checkSweep(spec: SweepSpec, catalog: SweepCatalog): string[] {
  const issues: string[] = [];
  const methodIds = catalog.methods.map((m) => m.id);
  if (spec.methods.length === 0) issues.push(`methods: none given; give one or more of ${methodIds.join(', ')}`);
  const known: string[] = [];
  for (const [i, method] of spec.methods.entries()) {
    if (spec.methods.indexOf(method) !== i) issues.push(`methods: '${method}' is given twice`);
    else if (!methodIds.includes(method)) {
      const near = didYouMean(method, methodIds);
      issues.push(`methods: unknown method '${method}'${near !== undefined ? `; did you mean '${near}'?` : ''} valid methods: ${methodIds.join(', ')}`);
    } else known.push(method);
  }
  checkSeeds(spec.seeds, catalog, issues);
  const gridFlags = new Set<string>();
  const gridKeys = new Set<string>();
  for (const axis of spec.grid) {
    const where = `--set ${axis.flag}=${axis.values.map(String).join(',')}`;
    if (gridFlags.has(axis.flag)) issues.push(`${where}: --${axis.flag} is swept twice; give all its values in one --set`);
    gridFlags.add(axis.flag);
    if (axis.flag === 'seed') issues.push(`${where}: seeds are given with --seeds, not --set`);
    if (axis.values.length === 0) issues.push(`${where}: no values`);
    if (new Set(axis.values).size !== axis.values.length) issues.push(`${where}: a value is given twice`);
    if (axis.problem === true) {
      checkProblemAxis(spec, axis, where, catalog, issues);
      continue;
    }
    const takers = known.filter((m) => optionsOf(catalog, m)!.some((d) => d.flag === axis.flag));
    if (takers.length === 0 && known.length > 0) issues.push(`${where}: none of the methods (${known.join(', ')}) takes --${axis.flag}`);
    for (const method of takers) {
      const decl = optionsOf(catalog, method)!.find((d) => d.flag === axis.flag)!;
      gridKeys.add(decl.key);
      for (const value of axis.values) {
        const problem = checkOptionValue(decl, value);
        if (problem) issues.push(`${where}: --${axis.flag} (${decl.key}) ${problem}${ownOption(catalog, decl) ? ` for method ${method}` : ''}`);
      }
    }
  }
  if (spec.iterations !== undefined) {
    const decl = catalog.runOptions.find((d) => d.key === 'iterations');
    const problem = decl ? checkOptionValue(decl, spec.iterations) : undefined;
    if (problem) issues.push(`iterations: ${problem}`);
    if (gridKeys.has('iterations')) issues.push('iterations: set both as iterations and on the grid (--set iterations=…); give one');
    if (spec.options?.iterations !== undefined) issues.push('iterations: set both as iterations and in options; give one');
  }
  checkOptions('options', spec.options ?? {}, known, catalog, gridKeys, issues);
  for (const [method, options] of Object.entries(spec.methodOptions ?? {})) {
    if (spec.iterations !== undefined && options.iterations !== undefined) issues.push(`methodOptions.${method}.iterations: set both as iterations and here; give one`);
    if (!spec.methods.includes(method)) issues.push(`methodOptions.${method}: '${method}' is not one of the sweep's methods (${spec.methods.join(', ')})`);
    else if (known.includes(method)) checkOptions(`methodOptions.${method}`, options, [method], catalog, gridKeys, issues);
  }
  if (issues.length === 0) {
    const total = countSweepRuns(spec, catalog);
    if (total > MAX_SWEEP_RUNS) issues.push(`the sweep has ${total} runs, more than ${MAX_SWEEP_RUNS}; use fewer methods, seeds or grid values`);
  }
  return issues;
}

function checkSeeds(seeds: readonly number[], catalog: SweepCatalog, issues: string[]): void {
  if (seeds.length === 0) issues.push('seeds: none given; give one or more, e.g. --seeds 0-9');
  const decl = catalog.runOptions.find((d) => d.key === 'seed') ?? { key: 'seed', flag: 'seed', type: 'integer', min: 0 };
  for (const [i, seed] of seeds.entries()) {
    const problem = checkOptionValue(decl, seed);
    if (problem) issues.push(`seeds: a seed ${problem}`);
    if (seeds.indexOf(seed) !== i) issues.push(`seeds: seed ${seed} is given twice`);
  }
}

/** Options by key for `methods`: each key must be taken by one of them, and not be the seed or on the grid. */
function checkOptions(
  where: string,
  options: Readonly<Record<string, SweepValue>>,
  methods: readonly string[],
  catalog: SweepCatalog,
  gridKeys: ReadonlySet<string>,
  issues: string[],
): void {
  const decls = methods.flatMap((m) => optionsOf(catalog, m)!.map((decl) => ({ method: m, decl })));
  for (const [key, value] of Object.entries(options)) {
    if (key === 'seed') {
      issues.push(`${where}.seed: seeds are given with seeds (--seeds), not as an option`);
      continue;
    }
    if (gridKeys.has(key)) issues.push(`${where}.${key}: also on the grid; give it in one place`);
    const takers = decls.filter((d) => d.decl.key === key);
    if (takers.length === 0) {
      const keys = [...new Set(decls.map((d) => d.decl.key))].filter((k) => k !== 'seed');
      const near = didYouMean(key, decls.map((d) => ({ name: d.decl.key, aliases: [d.decl.flag] })));
      issues.push(`${where}.${key}: no method of ${methods.join(', ')} takes '${key}'${near !== undefined ? `; did you mean '${near}'?` : ''} valid keys: ${keys.join(', ')}`);
      continue;
    }
    for (const { method, decl } of takers) {
      const problem = checkOptionValue(decl, value);
      if (problem) issues.push(`${where}.${key} (--${decl.flag}): ${problem}${ownOption(catalog, decl) ? ` for method ${method}` : ''}`);
    }
  }
}

/** A problem axis: a parameter of the sweep's built-in problem, with valid values, not also fixed in the problem's params. */
function checkProblemAxis(spec: SweepSpec, axis: GridAxis, where: string, catalog: SweepCatalog, issues: string[]): void {
  const params = catalog.problemParams ?? [];
  const decl = params.find((d) => d.flag === axis.flag);
  const problem = spec.problem.kind === 'builtin' ? `problem ${spec.problem.id}` : 'a problem file';
  if (decl === undefined) {
    issues.push(`${where}: --${axis.flag} is not a parameter of ${problem}${params.length > 0 ? ` (its parameters: ${params.map((d) => `--${d.flag}`).join(', ')})` : ', which takes none'}`);
    return;
  }
  for (const value of axis.values) {
    const why = checkOptionValue(decl, value);
    if (why) issues.push(`${where}: --${axis.flag} (${decl.key}, a parameter of ${problem}) ${why}`);
  }
  if (spec.problem.kind === 'builtin' && spec.problem.params[decl.key] !== undefined) issues.push(`${where}: --${axis.flag} is also fixed in the problem's params (${decl.key}); give it in one place`);
}

/** True for a method's own option (a run option's range is the same for every method). */
function ownOption(catalog: SweepCatalog, decl: OptionDecl): boolean {
  return !catalog.runOptions.includes(decl);
}
