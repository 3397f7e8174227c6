// JSON for run.json and metrics.jsonl. Plain JSON turns NaN and ±Infinity into null, which would
// erase exactly what a diverged run needs to show, so non-finite numbers are written as the strings
// "NaN", "Infinity" and "-Infinity" and turned back into numbers on read (docs/run-store.md).

const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** JSON.stringify that keeps NaN and ±Infinity (as strings); `indent` as in JSON.stringify. */
export function stringifyRecord(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), indent);
}

/** JSON.parse that turns the strings "NaN", "Infinity" and "-Infinity" back into numbers. */
export function parseRecord(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v));
}
