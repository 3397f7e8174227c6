// Core's pure dataset operations on small synthetic sets: disjoint seeded splits and label corruption
// (docs/methods.md §9f), exact counts and seeded replay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corruptLabels, type LabelledImages, splitRows } from '../../../../src/core/data/labelledImages';
import { createRng } from '../../../../src/core/rng';

/** `count` rows of 3 features where row i holds [i, i + 0.25, i + 0.5] and label i mod 10, so a row names itself. */
function numberedSet(count: number): LabelledImages {
  const images = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) images.set([i, i + 0.25, i + 0.5], i * 3);
  return { source: 'numbered', count, features: 3, classes: 10, images, labels: Int32Array.from({ length: count }, (_, i) => i % 10) };
}

/** The original row numbers of a split, checking each row came across whole with its label. */
function rowIds(part: LabelledImages): number[] {
  const ids: number[] = [];
  for (let r = 0; r < part.count; r++) {
    const id = part.images[r * 3]!;
    assert.deepEqual([...part.images.subarray(r * 3, r * 3 + 3)], [id, id + 0.25, id + 0.5], `row ${r} torn`);
    assert.equal(part.labels[r], id % 10, `row ${r} lost its label`);
    ids.push(id);
  }
  return ids;
}

/** Labels 0..9 repeated to length n. */
const cyclicLabels = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i % 10);

void describe('splitRows', () => {
  const set = numberedSet(100);

  void it('returns disjoint subsets of the asked sizes, rows intact', () => {
    const parts = splitRows(set, [50, 30, 15], createRng(1));
    assert.deepEqual(
      parts.map((p) => [p.count, p.images.length, p.labels.length, p.features, p.classes, p.source]),
      [50, 30, 15].map((s) => [s, 3 * s, s, 3, 10, 'numbered']),
    );
    const ids = parts.flatMap(rowIds);
    assert.equal(new Set(ids).size, 95, 'a row appears in two splits');
    assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id < 100));
  });

  void it('replays with the same seed and shuffles differently with another', () => {
    const a = splitRows(set, [40, 60], createRng(7)).map(rowIds);
    const b = splitRows(set, [40, 60], createRng(7)).map(rowIds);
    const c = splitRows(set, [40, 60], createRng(8)).map(rowIds);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    // All rows taken: the two parts together are a permutation, and not the identity.
    assert.deepEqual([...a[0]!, ...a[1]!].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
    assert.notDeepEqual([...a[0]!, ...a[1]!], Array.from({ length: 100 }, (_, i) => i));
  });

  void it('rejects sizes beyond the set and non-integer or negative sizes', () => {
    assert.throws(() => splitRows(set, [60, 41], createRng(0)), /needs 101 rows; numbered has 100/);
    assert.throws(() => splitRows(set, [10, -1], createRng(0)), RangeError);
    assert.throws(() => splitRows(set, [2.5], createRng(0)), RangeError);
  });
});

void describe('corruptLabels', () => {
  void it('chooses exactly round(ρ·n) rows and, by default, never keeps their true label', () => {
    const labels = cyclicLabels(1000);
    for (const fraction of [0, 0.37, 0.5, 1]) {
      const { labels: noisy, clean, changed } = corruptLabels(labels, 10, fraction, createRng(3));
      const chosen = Math.round(fraction * 1000);
      assert.equal(clean.length, 1000);
      assert.equal(clean.reduce((a, b) => a + (1 - b), 0), chosen, `ρ = ${fraction}`);
      assert.equal(changed, chosen, `ρ = ${fraction}: a chosen row kept its label`);
      for (let i = 0; i < 1000; i++) {
        if (clean[i] === 1) assert.equal(noisy[i], labels[i], `clean row ${i} changed`);
        else assert.notEqual(noisy[i], labels[i], `dirty row ${i} kept its label`);
        assert.ok(noisy[i]! >= 0 && noisy[i]! < 10);
      }
    }
    // The input is left alone.
    assert.deepEqual(labels, cyclicLabels(1000));
  });

  void it('draws the wrong label uniformly among the other nine classes', () => {
    const labels = cyclicLabels(9000);
    const { labels: noisy } = corruptLabels(labels, 10, 1, createRng(11));
    const byShift = new Array<number>(10).fill(0);
    for (let i = 0; i < 9000; i++) byShift[(noisy[i]! - labels[i]! + 10) % 10]!++;
    assert.equal(byShift[0], 0);
    // 9000 draws over 9 shifts: 1000 each, standard deviation √(9000·(1/9)·(8/9)) ≈ 30.
    for (let s = 1; s < 10; s++) assert.ok(Math.abs(byShift[s]! - 1000) < 150, `shift ${s}: ${byShift[s]}`);
  });

  void it('with mayKeepLabel keeps about 1/classes of the chosen labels, still marked dirty', () => {
    const labels = cyclicLabels(10000);
    const { labels: noisy, clean, changed } = corruptLabels(labels, 10, 0.5, createRng(5), { mayKeepLabel: true });
    let dirty = 0;
    let kept = 0;
    for (let i = 0; i < 10000; i++) {
      if (clean[i] === 1) {
        assert.equal(noisy[i], labels[i]);
        continue;
      }
      dirty++;
      if (noisy[i] === labels[i]) kept++;
    }
    assert.equal(dirty, 5000);
    assert.equal(changed, dirty - kept);
    // 5000 chosen rows keep their label with probability 1/10: 500 ± √(5000·0.1·0.9) ≈ 21.
    assert.ok(Math.abs(kept - 500) < 100, `kept ${kept} of 5000`);
  });

  void it('replays with the same seed', () => {
    const labels = cyclicLabels(500);
    const a = corruptLabels(labels, 10, 0.4, createRng(9));
    const b = corruptLabels(labels, 10, 0.4, createRng(9));
    const c = corruptLabels(labels, 10, 0.4, createRng(10));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.labels, c.labels);
  });

  void it('rejects a fraction outside [0, 1]', () => {
    for (const fraction of [-0.1, 1.5, Number.NaN]) assert.throws(() => corruptLabels(cyclicLabels(10), 10, fraction, createRng(0)), RangeError);
  });
});
