// The options box of Compare Methods: `key=value, key=value` ↔ an options record. Values are
// numbers, booleans or strings, as ExperimentSpec.options holds them; the worker validates keys.
import type { OptionValue } from '../config';

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
