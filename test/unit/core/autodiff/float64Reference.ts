// Test helper: float64 references for the softmax family, computed in plain JS.

/** log Σ exp(row), shifted by the max so that it is exact for large entries. */
export function logSumExp64(row: readonly number[]): number {
  const m = Math.max(...row);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0));
}

/** softmax(row). */
export function softmax64(row: readonly number[]): number[] {
  const lse = logSumExp64(row);
  return row.map((z) => Math.exp(z - lse));
}

/** (diag(p) − p pᵀ) v: the Hessian of log Σ exp at the logits whose softmax is p, applied to v. */
export function softmaxHessianTimes(p: readonly number[], v: readonly number[]): number[] {
  const pv = p.reduce((s, pi, i) => s + pi * v[i]!, 0);
  return p.map((pi, i) => pi * (v[i]! - pv));
}

/** The rows of a row-major matrix with `cols` columns. */
export function rowsOf(values: readonly number[], cols: number): number[][] {
  return Array.from({ length: values.length / cols }, (_, r) => values.slice(r * cols, (r + 1) * cols));
}
