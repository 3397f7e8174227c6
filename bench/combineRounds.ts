// `bench:compare --rounds N`: one cell's N ours-then-PyTorch measurements combined into the table's
// row. The ratio is the median of the per-round ratios (each round's two sides ran back to back,
// so they saw the same machine load), not the ratio of the two sides' medians.

/** One round of a cell: our measurement (or its error) and the PyTorch script's record, if any. */
export interface RoundResult {
  /** Our numbers; `medianSeconds` is the median seconds per outer iteration. */
  readonly ours?: Record<string, number>;
  readonly oursError?: string;
  /** The script's JSON record; `median_s` is its median seconds per outer iteration. */
  readonly torch?: Record<string, unknown>;
}

/** A cell over its rounds: each side's median time, and ours / PyTorch of every round that measured both. */
export type CombinedResult<T extends RoundResult> = T & { readonly ratios: readonly number[] };

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median: empty list');
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The script's seconds per iteration, when it measured a positive time. */
export function torchSeconds(r: RoundResult): number | undefined {
  const s = r.torch?.['median_s'];
  return typeof s === 'number' && s > 0 ? s : undefined;
}

/** ours / PyTorch of one round, when both sides measured it. */
export function roundRatio(r: RoundResult): number | undefined {
  const t = torchSeconds(r);
  return r.ours && t !== undefined ? r.ours['medianSeconds']! / t : undefined;
}

/**
 * Combines a cell's rounds (at least one): the last successful round's records with `medianSeconds`
 * and `median_s` replaced by their medians over the rounds, and the per-round ratios. Without any
 * successful round of ours, the first round's error stands.
 */
export function combineRounds<T extends RoundResult>(rounds: readonly T[]): CombinedResult<T> {
  if (rounds.length === 0) throw new Error('combineRounds: no rounds');
  const ours = rounds.flatMap((r) => (r.ours ? [r.ours] : []));
  const torch = rounds.flatMap((r) => (torchSeconds(r) !== undefined ? [r.torch!] : []));
  const ratios = rounds.flatMap((r) => roundRatio(r) ?? []);
  const { ours: _o, oursError: _e, torch: _t, ...rest } = rounds[0]!;
  return {
    ...(rest as T),
    ...(ours.length > 0 ? { ours: { ...ours[ours.length - 1]!, medianSeconds: median(ours.map((o) => o['medianSeconds']!)) } } : { oursError: rounds[0]!.oursError ?? 'no result' }),
    ...(torch.length > 0 ? { torch: { ...torch[torch.length - 1]!, median_s: median(torch.map((t) => t['median_s'] as number)) } } : rounds[0]!.torch ? { torch: rounds[0]!.torch } : {}),
    ratios,
  };
}
