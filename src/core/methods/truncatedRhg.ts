// T-RHG: RHG back-propagating only the last M of the K lower steps (docs/methods.md §2.2).
import type { MethodSpec } from './methodSpec';
import type { MethodOptionSpec } from './runOptions';
import { unrolledHypergradient } from './unrolledHypergradient';

/** M, the back-propagated steps. */
const TRUNCATED_RHG_OPTIONS = [
  {
    key: 'truncation',
    flag: 'M',
    type: 'integer',
    min: 1,
    max: 100_000,
    default: (o) => Math.max(1, Math.floor(o.lowerSteps / 2)),
    description: 'Back-propagated steps M (1 ≤ M ≤ K; default ⌊K/2⌋).',
  },
] as const satisfies readonly MethodOptionSpec[];

/**
 * T-RHG: forward as RHG; backward through steps K−M..K−1 only, y_{K−M} treated as constant.
 * M counts back-propagated steps (not skipped ones, unlike BOAT's truncate_iter; docs/methods.md §11.10).
 * Reference: Shaban, Cheng, Hatch, Boots, AISTATS 2019.
 */
export const truncatedRhg: MethodSpec<typeof TRUNCATED_RHG_OPTIONS> = {
  id: 't-rhg',
  title: 'T-RHG (truncated back-propagation)',
  summary: 'RHG through the last M of K steps only; memory O(M·m); M = K/2 by default.',
  reference: 'Shaban et al., "Truncated back-propagation for bilevel optimization", AISTATS 2019',
  options: TRUNCATED_RHG_OPTIONS,
  validate: (o) => (o.truncation > o.lowerSteps ? [`--M (truncation): must be ≤ K = ${o.lowerSteps}, got ${o.truncation}`] : []),
  hypergradient: (ctx) => unrolledHypergradient(ctx, ctx.options.truncation),
};
