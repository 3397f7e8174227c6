// Float64 oracles for the BDA and IAPTT-GM tests (docs/methods.md §9a–§9c, §13): forward-mode derivatives of
// the unrolled toys, written out by hand so that no finite differences are needed.
import * as tf from '@tensorflow/tfjs-core';
import { compileProblem, createBuiltinProblem, createRng, getMethod, hypergradientAt, resolveRunOptions, startingPoint } from '../../../../src/core';

/** The method's hypergradient at x (one number broadcasts), from y_0 = z (per lower variable) when given. */
export async function hypergradientOf(
  problemId: string,
  params: Record<string, unknown>,
  method: string,
  options: Record<string, unknown>,
  x: number,
  z?: readonly number[],
): Promise<{ gx: number[]; gz?: number[] }> {
  const definition = createBuiltinProblem(problemId, params);
  const spec = getMethod(method);
  const resolved = resolveRunOptions(definition, spec, options);
  const problem = await compileProblem(definition, createRng(0));
  const xs = startingPoint(problem, { [problem.upper.names[0]!]: x });
  const zs = z ? problem.initialLower().map((t, i) => { const v = tf.fill(t.shape, z[i]!); t.dispose(); return v; }) : undefined;
  const { gx, gy0 } = await hypergradientAt(problem, spec, resolved, xs, zs);
  tf.dispose([...xs, ...(zs ?? [])]);
  problem.dispose();
  return gy0 ? { gx: gx.flat(), gz: gy0.flat() } : { gx: gx.flat() };
}

/** One coordinate of the BDA toy (§9a): value and derivatives of y¹, y² w.r.t. x, z¹, z². */
interface ToyCoordinate {
  y1: number;
  y2: number;
  /** d(y¹, y²)/d(x, z¹, z²). */
  d1: [number, number, number];
  d2: [number, number, number];
}

const start = (z1: number, z2: number): ToyCoordinate => ({ y1: z1, y2: z2, d1: [0, 1, 0], d2: [0, 0, 1] });

/** F = ½(x − y²)² + ½(y¹ − 1)² per coordinate: dF/d(x, z¹, z²) through the chain rule. */
function upperGradient(x: number, c: ToyCoordinate): { F: number; g: [number, number, number] } {
  const a = x - c.y2;
  const b = c.y1 - 1;
  const g = [0, 1, 2].map((j) => (j === 0 ? a : 0) - a * c.d2[j]! + b * c.d1[j]!) as [number, number, number];
  return { F: 0.5 * a * a + 0.5 * b * b, g };
}

/**
 * BDA on toy-nonsingleton, per coordinate: y¹ ← y¹ − [α s_u (y¹ − 1) + (1 − α) s_l (y¹ − x)],
 * y² ← y² − α s_u (y² − x). Returns dφ_K/d(x, z¹, z²) and the last step's term ratio.
 */
export function bdaOracle(x: number, z1: number, z2: number, K: number, su: number, sl: number, alpha: (k: number) => number): { g: [number, number, number]; termRatio: number; y1: number; y2: number } {
  let c = start(z1, z2);
  let termRatio = NaN;
  for (let k = 0; k < K; k++) {
    const a = alpha(k);
    if (k === K - 1) termRatio = (a * su * Math.hypot(c.y1 - 1, c.y2 - x)) / ((1 - a) * sl * Math.abs(c.y1 - x));
    const dx = (j: number): number => (j === 0 ? 1 : 0);
    c = {
      y1: c.y1 - (a * su * (c.y1 - 1) + (1 - a) * sl * (c.y1 - x)),
      y2: c.y2 - a * su * (c.y2 - x),
      d1: c.d1.map((d, j) => d - (a * su * d + (1 - a) * sl * (d - dx(j)))) as [number, number, number],
      d2: c.d2.map((d, j) => d - a * su * (d - dx(j))) as [number, number, number],
    };
  }
  return { g: upperGradient(x, c).g, termRatio, y1: c.y1, y2: c.y2 };
}

/** Plain GD on toy-nonsingleton per coordinate (y² does not move): dφ_K/d(x, z¹, z²). */
export function gradientDescentOracle(x: number, z1: number, z2: number, K: number, s: number): [number, number, number] {
  let c = start(z1, z2);
  for (let k = 0; k < K; k++) {
    c = { ...c, y1: c.y1 - s * (c.y1 - x), d1: c.d1.map((d, j) => d - s * (d - (j === 0 ? 1 : 0))) as [number, number, number] };
  }
  return upperGradient(x, c).g;
}

/**
 * FISTA (or Nesterov momentum μ) on toy-nonsingleton per coordinate, y_0 = u_0 = z (b_0 = 0):
 * dφ_K/d(x, z¹, z²). Independent of the TS implementation: written from docs/methods.md §4.3 directly.
 */
export function acceleratedOracle(x: number, z1: number, z2: number, K: number, s: number, scheme: 'fista' | 'nesterov-momentum', mu = 0.9): [number, number, number] {
  // Value and derivatives w.r.t. (x, z¹) of y¹ and of the buffer (u or b).
  let y = [z1, 0, 1];
  let w = scheme === 'fista' ? [z1, 0, 1] : [0, 0, 0];
  let tau = 1;
  const xDot = [x, 1, 0];
  for (let k = 0; k < K; k++) {
    if (scheme === 'fista') {
      const yNext = w.map((u, j) => u - s * (u - xDot[j]!));
      const tauNext = (1 + Math.sqrt(1 + 4 * tau * tau)) / 2;
      const beta = (tau - 1) / tauNext;
      w = yNext.map((v, j) => v + beta * (v - y[j]!));
      y = yNext;
      tau = tauNext;
    } else {
      const g = y.map((v, j) => v - xDot[j]!);
      const b = w.map((v, j) => mu * v + g[j]!);
      y = y.map((v, j) => v - s * (g[j]! + mu * b[j]!));
      w = b;
    }
  }
  const c: ToyCoordinate = { y1: y[0]!, y2: z2, d1: [y[1]!, y[2]!, 0], d2: [0, 0, 1] };
  return upperGradient(x, c).g;
}

/**
 * PTT on toy-nonconvex (F = x + xy, f = −sin(xy), y ∈ [−2, 2]) from y_0 = z: k* = first argmax of
 * F(x, y_k), k = 1..K, and dF(x, y_{k*})/d(x, z) by forward mode through the clamped steps.
 */
export function nonconvexPttOracle(x: number, z: number, s: number, K: number): { kStar: number; gx: number; gz: number; margin: number; upper: number[] } {
  let y = z;
  let dx = 0;
  let dz = 1;
  const upper: number[] = [];
  const gx: number[] = [];
  const gz: number[] = [];
  for (let k = 0; k < K; k++) {
    const pre = y + s * x * Math.cos(x * y);
    const dpx = dx + s * (Math.cos(x * y) - x * Math.sin(x * y) * (y + x * dx));
    const dpz = dz * (1 - s * x * x * Math.sin(x * y));
    const inside = pre >= -2 && pre <= 2;
    y = Math.min(2, Math.max(-2, pre));
    dx = inside ? dpx : 0;
    dz = inside ? dpz : 0;
    upper.push(x * (1 + y));
    gx.push(1 + y + x * dx);
    gz.push(x * dz);
  }
  let best = 0;
  for (let i = 1; i < K; i++) if (upper[i]! > upper[best]!) best = i;
  const sorted = [...upper].sort((a, b) => b - a);
  return { kStar: best + 1, gx: gx[best]!, gz: gz[best]!, margin: sorted[0]! - sorted[1]!, upper };
}

/**
 * The whole outer loop of BDA (reset y_0 = 0) or IA-GM/IA-GM(A) (learned z, SGD with the same λ) on
 * one coordinate of toy-nonsingleton, in float64: the x_t sequence, t = 0..T.
 */
export function outerLoopOracle(
  method: 'bda' | 'ia-gm' | 'ia-gm-a',
  { x0, z0, K, s, lr, iterations, alpha }: { x0: number; z0: number; K: number; s: number; lr: number; iterations: number; alpha?: (k: number) => number },
): number[] {
  let x = x0;
  let z1 = z0;
  let z2 = z0;
  const xs = [x];
  for (let t = 0; t < iterations; t++) {
    let g: [number, number, number];
    if (method === 'bda') g = bdaOracle(x, z0, z0, K, s, s, alpha!).g;
    else if (method === 'ia-gm') g = gradientDescentOracle(x, z1, z2, K, s);
    else g = acceleratedOracle(x, z1, z2, K, s, 'fista');
    x -= lr * g[0];
    if (method !== 'bda') {
      z1 -= lr * g[1];
      z2 -= lr * g[2];
    }
    xs.push(x);
  }
  return xs;
}

/** The first t after which |x_t − 1| < tol holds for good (within the horizon), or undefined. */
export function settlingIteration(errors: readonly number[], tol: number): number | undefined {
  let last = -1;
  errors.forEach((e, t) => {
    if (!(e < tol)) last = t;
  });
  return last + 1 < errors.length ? last + 1 : undefined;
}
