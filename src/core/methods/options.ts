// Options as data: each method declares its options once, and the CLI, the run store and the
// extension derive flags, defaults and validation from the declaration.

/** A primitive option value. */
export type OptionValue = number | string | boolean;

/** Resolved values by key, without declared types (problem params; what a computed default reads unless it declares more). */
export type OptionRecord = Readonly<Record<string, OptionValue>>;

/**
 * A default computed from the options resolved before it. It is a method type so that its parameter
 * is bivariant: a default typed on the run options (every method option's) still fits a plain OptionSpec.
 */
export type OptionDefault<C = OptionRecord> = { compute(resolved: C): OptionValue }['compute'];

/** Declaration of one option; `C` is what a computed default reads (method options: the run options). */
export interface OptionSpec<C = OptionRecord> {
  /** Key in option objects, e.g. `truncation`. */
  readonly key: string;
  /** Command-line flag without dashes, e.g. `M`. */
  readonly flag: string;
  readonly type: 'integer' | 'number' | 'choice' | 'boolean';
  /** Default, or a function of the already-resolved options (e.g. M = ⌊K/2⌋). */
  readonly default: OptionValue | OptionDefault<C>;
  /** One line for help texts. */
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound, e.g. step sizes > 0. */
  readonly greaterThan?: number;
  readonly choices?: readonly string[];
}

/** A list of declarations; declared `as const` it keeps the literal keys and choices OptionValues reads. */
export type OptionList = readonly OptionSpec[];

/** The value one declaration resolves to: a number, a boolean, or the union of its choices. */
export type OptionValueOf<O> = O extends { readonly type: 'choice'; readonly choices: readonly (infer C extends string)[] }
  ? C
  : O extends { readonly type: 'boolean' }
    ? boolean
    : O extends { readonly type: 'integer' | 'number' }
      ? number
      : OptionValue;

/** The resolved values of a declaration list, by key; a list without literal keys gives a string-keyed record. */
export type OptionValues<S extends OptionList> = { readonly [O in S[number] as O['key']]: OptionValueOf<O> };

/** Invalid options; every message names the option (flag) and what would be valid. */
export class OptionsError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = 'OptionsError';
  }
}

/**
 * Fills defaults and validates `given` against `specs` in order (later defaults may read earlier
 * values). Unknown keys are errors unless `allowUnknown`. Throws OptionsError listing every issue.
 */
export function resolveOptions(
  specs: readonly OptionSpec[],
  given: Readonly<Record<string, unknown>>,
  context: Readonly<Record<string, OptionValue>> = {},
  allowUnknown = false,
): Record<string, OptionValue> {
  const issues: string[] = [];
  const out: Record<string, OptionValue> = {};
  const known = new Set(specs.map((s) => s.key));
  if (!allowUnknown) {
    for (const key of Object.keys(given)) {
      if (!known.has(key) && given[key] !== undefined) {
        issues.push(`unknown option '${key}'; valid options: ${specs.map((s) => s.key).join(', ') || '(none)'}`);
      }
    }
  }
  for (const spec of specs) {
    const raw = given[spec.key];
    let value: unknown = raw;
    if (raw === undefined) {
      value = typeof spec.default === 'function' ? spec.default({ ...context, ...out }) : spec.default;
    }
    const problem = checkValue(spec, value);
    if (problem) issues.push(`--${spec.flag} (${spec.key}): ${problem}`);
    else out[spec.key] = value as OptionValue;
  }
  if (issues.length > 0) throw new OptionsError(issues);
  return out;
}

/** True when `values` holds a valid value for every declaration (checks a resolved record, e.g. one read back from JSON). */
export function hasOptionValues<S extends OptionList>(specs: S, values: OptionRecord): values is OptionRecord & OptionValues<S> {
  return specs.every((spec) => checkValue(spec, values[spec.key]) === undefined);
}

/** Parses a command-line string into the option's type (numbers, booleans), without range checks. */
export function parseOptionValue(spec: OptionSpec, text: string): OptionValue {
  if (spec.type === 'integer' || spec.type === 'number') {
    const n = Number(text);
    return text.trim() === '' ? NaN : n;
  }
  if (spec.type === 'boolean') {
    if (text === 'true' || text === '1' || text === '') return true;
    if (text === 'false' || text === '0') return false;
    return text;
  }
  return text;
}

function checkValue(spec: OptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a ${spec.type === 'integer' ? 'whole number' : 'finite number'}, got ${JSON.stringify(value)}${range(spec)}`;
      if (spec.type === 'integer' && !Number.isInteger(value)) return `must be a whole number, got ${value}${range(spec)}`;
      if (spec.min !== undefined && value < spec.min) return `must be ≥ ${spec.min}, got ${value}`;
      if (spec.max !== undefined && value > spec.max) return `must be ≤ ${spec.max}, got ${value}`;
      if (spec.greaterThan !== undefined && !(value > spec.greaterThan)) return `must be > ${spec.greaterThan}, got ${value}`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got ${JSON.stringify(value)}`;
    case 'choice':
      return typeof value === 'string' && spec.choices?.includes(value) ? undefined : `must be one of ${spec.choices?.join(', ')}, got ${JSON.stringify(value)}`;
  }
}

function range(spec: OptionSpec): string {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`≥ ${spec.min}`);
  if (spec.greaterThan !== undefined) parts.push(`> ${spec.greaterThan}`);
  if (spec.max !== undefined) parts.push(`≤ ${spec.max}`);
  return parts.length > 0 ? ` (valid: ${parts.join(', ')})` : '';
}
