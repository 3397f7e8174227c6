// A value against one option declaration: the checks core's resolveOptions makes (type, range,
// choices), for values a sweep sets, so a bad grid value is refused before any run starts.
import type { SweepValue } from '../protocol/sweep';
import type { OptionDecl } from '../protocol/optionDecl';

/** Why `value` is not valid for `decl` (`must be ≥ 1, got 0`), or undefined when it is. */
export function checkOptionValue(decl: OptionDecl, value: SweepValue): string | undefined {
  switch (decl.type) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a ${decl.type === 'integer' ? 'whole number' : 'finite number'}, got ${JSON.stringify(value)}`;
      if (decl.type === 'integer' && !Number.isInteger(value)) return `must be a whole number, got ${value}`;
      if (decl.min !== undefined && value < decl.min) return `must be ≥ ${decl.min}, got ${value}`;
      if (decl.max !== undefined && value > decl.max) return `must be ≤ ${decl.max}, got ${value}`;
      if (decl.greaterThan !== undefined && !(value > decl.greaterThan)) return `must be > ${decl.greaterThan}, got ${value}`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got ${JSON.stringify(value)}`;
    case 'choice':
      return typeof value === 'string' && decl.choices?.includes(value) ? undefined : `must be one of ${decl.choices?.join(', ')}, got ${JSON.stringify(value)}`;
  }
}
