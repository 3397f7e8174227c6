// "Did you mean …?" for a misspelt option key or flag: the candidate closest to the word by
// Damerau–Levenshtein distance (optimal string alignment), compared case-insensitively and without
// `-` and `_`, within a distance that grows with the word's length. Imports nothing.

/**
 * A name to suggest: a string, or the name with the other spellings that also match it (an option's
 * flag and key, so `--lowerSteps` suggests `--K` and `K=` suggests `lowerSteps`).
 */
export type SuggestCandidate = string | { readonly name: string; readonly aliases: readonly string[] };

/** The candidate `word` most likely misspells, or undefined when none is close enough (or it is exact). */
export function didYouMean(word: string, candidates: readonly SuggestCandidate[]): string | undefined {
  const w = normalize(word);
  if (w === '') return undefined;
  const limit = maxDistance(w.length);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const name = typeof candidate === 'string' ? candidate : candidate.name;
    const spellings = typeof candidate === 'string' ? [candidate] : [candidate.name, ...candidate.aliases];
    for (const spelling of spellings) {
      const distance = editDistance(w, normalize(spelling));
      if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
    }
  }
  return best === undefined || best.name === word ? undefined : best.name;
}

/** Edits allowed for a word of `length` (normalized): none below 3 characters, then about one per four. */
export function maxDistance(length: number): number {
  return length < 3 ? 0 : Math.max(1, Math.floor(length / 4));
}

/** Damerau–Levenshtein distance (optimal string alignment: insert, delete, substitute, swap neighbours). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

function normalize(s: string): string {
  return s.toLowerCase().replace(/[-_]/g, '');
}
