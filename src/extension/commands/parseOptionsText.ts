// The options box of Compare Methods: `key=value, key=value` ↔ an options record. Values are
// numbers, booleans or strings, as ExperimentSpec.options holds them. validateOptionsText checks keys
// and values against the catalog's mirror of core's declarations as the user types, so nothing starts
// with an option a worker would reject; the worker still validates everything (relations too).
import { didYouMean } from '../../common/suggest';
import type { OptionValue } from '../config';
import { METHOD_OPTION_CATALOG, RUN_OPTION_CATALOG } from './methodCatalog';
import type { OptionDecl } from '../../protocol/optionDecl';

/** Parses `lowerSteps=30, outerOptimizer=adam, warmStart=true`; throws naming the bad entry. */
export function parseOptionsText(text: string): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const part of text.split(/[,\n]/)) {
    const entry = part.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`'${entry}' is not key=value`);
    const key = entry.slice(0, eq).trim();
    if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(key)) throw new Error(`'${key}' is not an option key`);
    out[key] = parseValue(entry.slice(eq + 1).trim());
  }
  return out;
}

/** The inverse of {@link parseOptionsText}, in key order of the record. */
export function formatOptionsText(options: Readonly<Record<string, OptionValue>>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

function parseValue(text: string): OptionValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const n = Number(text);
  if (text !== '' && Number.isFinite(n)) return n;
  return text;
}

/** The option keys every one of `methods` takes: the run options, then the methods' shared options. */
export function optionKeysFor(methods: readonly string[]): string[] {
  const own = methods.map((m) => METHOD_OPTION_CATALOG[m] ?? []);
  const shared = (own[0] ?? []).filter((o) => own.every((list) => list.some((e) => e.key === o.key)));
  return [...RUN_OPTION_CATALOG, ...shared].map((o) => o.key);
}

/**
 * Why the options box text would not run for every one of `methods` (the input box's validateInput),
 * or undefined when it would: not key=value, an unknown key ("did you mean"), a key only some of the
 * methods take (options apply to every method), or a value of the wrong type or out of range.
 */
export function validateOptionsText(text: string, methods: readonly string[]): string | undefined {
  let options: Record<string, OptionValue>;
  try {
    options = parseOptionsText(text);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  for (const [key, value] of Object.entries(options)) {
    const run = RUN_OPTION_CATALOG.find((o) => o.key === key);
    const entries = run ? methods.map((m) => ({ method: m, entry: run })) : methods.map((m) => ({ method: m, entry: (METHOD_OPTION_CATALOG[m] ?? []).find((o) => o.key === key) }));
    const takers = entries.filter((e) => e.entry !== undefined).map((e) => e.method);
    if (takers.length === 0) {
      const known = [...RUN_OPTION_CATALOG, ...methods.flatMap((m) => METHOD_OPTION_CATALOG[m] ?? [])];
      const near = didYouMean(key, known.map((o) => ({ name: o.key, aliases: [o.flag] })));
      if (near !== undefined) return `Unknown option '${key}'; did you mean '${near}'?`;
      const elsewhere = Object.keys(METHOD_OPTION_CATALOG).filter((m) => METHOD_OPTION_CATALOG[m]!.some((o) => o.key === key));
      if (elsewhere.length > 0) return `Option '${key}' belongs to ${elsewhere.join(', ')}, not to ${methods.join(', ')}`;
      return `Unknown option '${key}'; valid options: ${optionKeysFor(methods).join(', ')}`;
    }
    if (takers.length < methods.length) {
      const others = methods.filter((m) => !takers.includes(m));
      return `Option '${key}' is taken by ${takers.join(', ')} but not by ${others.join(', ')}; the options apply to every method`;
    }
    for (const { method, entry } of entries) {
      const problem = valueProblem(entry!, value);
      if (problem !== undefined) return `${key}: ${problem}${run ? '' : ` (${method})`}`;
    }
  }
  return undefined;
}

/** What is wrong with `value` for `entry` (core's checkValue, on the mirrored declaration), if anything. */
function valueProblem(entry: OptionDecl, value: OptionValue): string | undefined {
  switch (entry.type) {
    case 'integer':
    case 'number': {
      const whole = entry.type === 'integer';
      if (typeof value !== 'number') return `must be a ${whole ? 'whole' : 'decimal'} number, got '${String(value)}'`;
      if (whole && !Number.isInteger(value)) return `must be a whole number, got ${value}`;
      if (entry.min !== undefined && value < entry.min) return `must be ≥ ${entry.min}, got ${value}`;
      if (entry.max !== undefined && value > entry.max) return `must be ≤ ${entry.max}, got ${value}`;
      if (entry.greaterThan !== undefined && !(value > entry.greaterThan)) return `must be > ${entry.greaterThan}, got ${value}`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got '${String(value)}'`;
    case 'choice': {
      if (typeof value === 'string' && entry.choices?.includes(value)) return undefined;
      const near = didYouMean(String(value), entry.choices ?? []);
      return `must be one of ${entry.choices?.join(', ')}, got '${String(value)}'${near !== undefined ? `; did you mean '${near}'?` : ''}`;
    }
  }
}
