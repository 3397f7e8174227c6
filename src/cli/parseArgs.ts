// Splits argv into a command and raw `--flag value` pairs; which flags are valid is decided later,
// once the problem and method are known (their flags come from their OptionSpec declarations).
import { UsageError } from './usageError';

/** Flags whose value is an option of another program, so it starts with `--`: the next argument is always their value. */
const PASS_THROUGH_FLAGS: ReadonlySet<string> = new Set(['sbatch-arg']);

/** A parsed command line: flag values are still text (`''` for a bare boolean flag). */
export interface ParsedArgs {
  readonly command: string | undefined;
  /** Flags by name without dashes, in the order given; a repeated flag keeps its last value. */
  readonly flags: ReadonlyMap<string, string>;
  /** Every value of every flag, in the order given (a repeatable flag such as sweep's `--set`). */
  readonly repeated: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
}

/**
 * Parses `bilevel <command> [--flag value | --flag=value | --bool | --no-bool]`. Flags named in
 * `booleanFlags` never take the next argument unless it is literally `true` or `false`, so
 * `--json --problem x` works; every other flag needs a value. `--bool=V` takes true, false, 1 or 0
 * (stored as `true`/`false`) and nothing else.
 */
export function parseArgs(argv: readonly string[], booleanFlags: ReadonlySet<string>): ParsedArgs {
  const last = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  // Both views at once: `flags` keeps the last value, `repeated` every value.
  const flags = {
    set(name: string, value: string): void {
      last.set(name, value);
      repeated.set(name, [...(repeated.get(name) ?? []), value]);
    },
    get size(): number {
      return last.size;
    },
  };
  const positionals: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.set('help', '');
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (command === undefined && flags.size === 0 && !arg.startsWith('-')) command = arg;
      else positionals.push(arg);
      continue;
    }
    const body = arg.slice(2);
    const eq = body.indexOf('=');
    if (eq >= 0) {
      const name = body.slice(0, eq);
      const value = body.slice(eq + 1);
      if (booleanFlags.has(name)) flags.set(name, switchValue(name, value));
      else if (name.startsWith('no-') && booleanFlags.has(name.slice(3))) throw new UsageError(`--${name} takes no value; give --${name} alone, or --${name.slice(3)}=true/false`);
      else flags.set(name, value);
      continue;
    }
    if (booleanFlags.has(body)) {
      const next = argv[i + 1];
      if (next === 'true' || next === 'false') {
        flags.set(body, next);
        i++;
      } else flags.set(body, '');
      continue;
    }
    if (body.startsWith('no-') && booleanFlags.has(body.slice(3))) {
      flags.set(body.slice(3), 'false');
      continue;
    }
    const next = argv[i + 1];
    // A following `--word` is the next flag, not this flag's value; negative numbers (`-1`) are values,
    // and so is anything after a flag whose values are options of another program (`--sbatch-arg --time=1:00:00`).
    if (next === undefined || (!PASS_THROUGH_FLAGS.has(body) && next.startsWith('--') && next.length > 2 && !/^--?\d/.test(next))) {
      if (body === 'help') {
        flags.set(body, '');
        continue;
      }
      throw new UsageError(`flag --${body} needs a value`);
    }
    flags.set(body, next);
    i++;
  }
  return { command, flags: last, repeated, positionals };
}

/** A switch's `=value` as `true`/`false`; anything else would silently turn the switch on. */
function switchValue(name: string, value: string): string {
  if (value === 'true' || value === '1') return 'true';
  if (value === 'false' || value === '0') return 'false';
  throw new UsageError(`--${name} is a switch: give it alone or as --${name}=true/false (or 1/0); got --${name}=${value}`);
}
