/** A seeded source of uniform numbers in [0, 1); core never touches Math.random so runs replay. */
export interface Rng {
  /** Next uniform number in [0, 1). */
  uniform(): number;
  /** Next standard normal number (Box–Muller). */
  normal(): number;
}

/** Mulberry32: a small, fast 32-bit generator; good enough for initial values and FD directions. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal() {
      // 1 − u keeps the logarithm finite.
      const u = 1 - uniform();
      const v = uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
