// Refuses a run whose stored lower iterates alone cannot fit in memory, before any tensor exists.
// The declared maxima (K ≤ 100 000, n ≤ 1 000 000, …) bound each size alone; their product can
// still be absurd (K = 100 000 steps of a million-entry y), and such a run used to die minutes
// later of heap exhaustion or a wasm abort with its record left `running`. What a method keeps is
// its memory order in docs/methods.md (and its `bilevel methods` summary): reverse mode through the
// unrolled loop stores the K states of y, T-RHG the last M, UFOM's `store` mode the K states of an
// exact pass; implicit and first-order methods keep O(1) states in K.
import type { MethodSpec, ProblemDefinition, ResolvedOptions } from '../core';
import { formatBytes } from '../common/format';
import { UsageError } from './usageError';

/**
 * The most bytes of lower iterates a run may store (4 GiB): the wasm backend's whole heap, and
 * more than the tape of a reverse pass leaves room for on a laptop.
 */
export const STORED_ITERATES_LIMIT_BYTES = 4 * 1024 ** 3;

/** Bytes of one float32 entry. */
const ENTRY_BYTES = 4;

/** How many lower states `method` stores with `options`, and the flag that sets the count; undefined: O(1) in K. */
function storedStates(method: MethodSpec, options: ResolvedOptions): { readonly count: number; readonly flag: string; readonly why: string } | undefined {
  const K = options.lowerSteps;
  switch (method.id) {
    case 'cg':
    case 'neumann':
    case 'fom':
    case 'sl-bamm':
      return undefined;
    case 't-rhg':
      return { count: Number(options['truncation']), flag: 'M', why: 't-rhg keeps the last M states of y' };
    case 'ufom':
      return options['memoryMode'] === 'store' ? { count: K, flag: 'K', why: 'ufom --memory-mode store keeps all K states of y' } : undefined;
    case 'iaptt-gm':
    case 'ptt':
      return { count: K, flag: 'K', why: `${method.id} keeps up to K states of y` };
    default:
      // rhg, bda, ia-gm, ia-gm-a, and any method added later: reverse mode through all K steps.
      return { count: K, flag: 'K', why: `${method.id} keeps all K states of y` };
  }
}

/**
 * Throws a UsageError naming the flag, the lower size and the limit when `method` would store more
 * than {@link STORED_ITERATES_LIMIT_BYTES} of lower iterates on `definition` with `options`.
 */
export function checkRunMemory(definition: ProblemDefinition<unknown, unknown>, method: MethodSpec, options: ResolvedOptions): void {
  const stored = storedStates(method, options);
  if (!stored) return;
  const sizes = Object.entries(definition.lower.variables).map(([name, v]) => [name, v.shape.reduce((a, b) => a * b, 1)] as const);
  const entries = sizes.reduce((s, [, n]) => s + n, 0);
  const bytes = stored.count * entries * ENTRY_BYTES;
  if (bytes <= STORED_ITERATES_LIMIT_BYTES) return;
  const layout = sizes.length > 1 ? ` (${sizes.map(([name, n]) => `${name}: ${n}`).join(', ')})` : '';
  throw new UsageError(
    `--${stored.flag} ${stored.count} with ${entries} lower entries${layout} would store ${bytes.toExponential(1)} bytes (${formatBytes(bytes)}) of lower iterates ` +
      `(${stored.why}; limit ${STORED_ITERATES_LIMIT_BYTES / 1024 ** 3} GiB): lower --${stored.flag} or the problem size, or use a method that stores none (cg, neumann, fom)`,
  );
}
