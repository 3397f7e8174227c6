// Numbers on the command line are decimal only. Number() would also take '0x10' (16), '0o7', '0b1',
// ' 5 ' and '' (0), so a mistyped value would run silently as something else.

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The finite number `text` writes in decimal (`20`, `-0.5`, `1e-3`), else undefined (hex, octal, binary, empty, spaces, Infinity, NaN). */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Why `text` is not a decimal number, for a message that quotes it (`got '0x10', not a decimal number (…)`). */
export function notDecimal(text: string): string {
  if (DECIMAL.test(text)) return `got '${text}', which is beyond the largest number`;
  const radix = /^[+-]?0[xob]/i.test(text) ? ' (hex, octal and binary are not taken)' : '';
  return `got '${text}', not a decimal number${radix}`;
}
