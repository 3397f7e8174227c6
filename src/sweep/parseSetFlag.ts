// `--set K=10,20,40`: one axis of a sweep's grid, an option by its command-line flag with the values
// it takes. Values are parsed to the declaration's type here; ranges and choices are checked per
// method by expandSweep, since methods may declare the same flag with different choices.
import { didYouMean } from '../common/suggest';
import type { GridAxis, SweepValue } from '../protocol/sweep';
import { declarationsOfFlag } from './sweepCatalog';
import type { OptionDecl } from '../protocol/optionDecl';
import type { SweepCatalog } from './sweepCatalog';
import { SweepError } from './sweepError';

// Decimal only, as the CLI's numeric flags: Number() would take '0x10', '' or ' 5 ' as numbers.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The grid axis `text` (`FLAG=v1,v2,…`) gives; a flag that is a parameter of the catalog's problem is
 * marked `problem`. Throws a SweepError for a missing `=`, an unknown flag
 * (with the nearest flag over the run options and every method's options), `seed` (seeds come from
 * `--seeds`), an empty value, a value not of the flag's type, or a value given twice.
 */
export function parseSetFlag(text: string, catalog: SweepCatalog): GridAxis {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new SweepError(`--set '${text}': give FLAG=v1,v2,…, e.g. --set K=10,20,40 (a run or method option by its flag)`);
  const flag = text.slice(0, eq).trim().replace(/^--/, '');
  if (flag === 'seed') throw new SweepError(`--set '${text}': seeds are given with --seeds (e.g. --seeds 0-9), not --set`);
  // A parameter of the sweep's built-in problem (`--set n=1,2`): every method's runs get it.
  const param = catalog.problemParams?.find((d) => d.flag === flag);
  const decls = param ? [param] : declarationsOfFlag(catalog, flag);
  if (decls.length === 0) throw new SweepError(unknownFlag(flag, text, catalog));
  const decl = decls[0]!;
  if (decls.some((d) => d.type !== decl.type)) throw new SweepError(`--set '${text}': --${flag} is declared with different types by different methods, so it cannot be swept`);
  const values: SweepValue[] = [];
  for (const raw of text.slice(eq + 1).split(',')) {
    const part = raw.trim();
    if (part === '') throw new SweepError(`--set '${text}': an empty value; give ${wanted(decl)} separated by commas`);
    const value = parseValue(decl, part);
    if (value === undefined) throw new SweepError(`--set '${text}': --${flag} (${decl.key}) takes ${wanted(decl)}, got '${part}'`);
    if (values.includes(value)) throw new SweepError(`--set '${text}': the value ${part} is given twice`);
    values.push(value);
  }
  return param ? { flag, values, problem: true } : { flag, values };
}

function parseValue(decl: OptionDecl, text: string): SweepValue | undefined {
  switch (decl.type) {
    case 'integer':
    case 'number': {
      if (!DECIMAL.test(text)) return undefined;
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : undefined;
    case 'choice':
      return text;
  }
}

function wanted(decl: OptionDecl): string {
  switch (decl.type) {
    case 'integer':
      return 'whole numbers in decimal';
    case 'number':
      return 'decimal numbers';
    case 'boolean':
      return 'true or false';
    case 'choice':
      return `values of ${decl.choices?.join(', ')}`;
  }
}

function unknownFlag(flag: string, text: string, catalog: SweepCatalog): string {
  const decls = [...catalog.runOptions, ...catalog.methods.flatMap((m) => m.options), ...(catalog.problemParams ?? [])].filter((d) => d.flag !== 'seed');
  const keysOf = new Map<string, Set<string>>();
  for (const d of decls) keysOf.set(d.flag, (keysOf.get(d.flag) ?? new Set()).add(d.key));
  const flags = [...keysOf.keys()];
  const near = didYouMean(flag, flags.map((f) => ({ name: f, aliases: [...keysOf.get(f)!] })));
  return `--set '${text}': unknown flag --${flag}${near !== undefined ? `; did you mean --${near}?` : ';'} options that can be swept: ${flags.map((f) => `--${f}`).join(', ')}`;
}
