// How a panel's title names the methods of a comparison: each once, in order, with how many runs it has
// when it has several (the seeds of a seeded comparison), so three seeds of RHG read "rhg × 3".

/** `rhg, cg` for one run each; `rhg × 3, cg × 3` for three seeds each. */
export function methodsPhrase(methods: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const m of methods) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].map(([m, n]) => (n > 1 ? `${m} × ${n}` : m)).join(', ');
}
