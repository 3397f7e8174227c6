// Small float64 dense linear algebra for closed-form solutions of built-in problems (row-major).
import type { Rng } from '../rng';

/** A dense matrix: rows × cols, row-major values. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A matrix of uniform U[0,1) entries. */
export function uniformMatrix(rows: number, cols: number, rng: Rng): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
  return { rows, cols, data };
}

/** A·B. */
export function matmul(a: Matrix, b: Matrix): Matrix {
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k]!;
      for (let j = 0; j < b.cols; j++) out[i * b.cols + j]! += aik * b.data[k * b.cols + j]!;
    }
  return { rows: a.rows, cols: b.cols, data: out };
}

/** Aᵀ. */
export function transpose(a: Matrix): Matrix {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!;
  return { rows: a.cols, cols: a.rows, data: out };
}

/** A + B. */
export function addMatrices(a: Matrix, b: Matrix): Matrix {
  return { rows: a.rows, cols: a.cols, data: a.data.map((v, i) => v + b.data[i]!) };
}

/** The Q factor of the QR decomposition of a square matrix (modified Gram–Schmidt on columns). */
export function orthogonalFactor(a: Matrix): Matrix {
  const n = a.rows;
  const q = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = a.data[i * n + j]!;
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + k]! * col[i]!;
      for (let i = 0; i < n; i++) col[i]! -= dot * q[i * n + k]!;
    }
    const norm = Math.hypot(...col);
    for (let i = 0; i < n; i++) q[i * n + j] = col[i]! / norm;
  }
  return { rows: n, cols: n, data: q };
}

/** Qᵀ diag(λ) Q: symmetric with eigenvalues λ. */
export function spectralMatrix(q: Matrix, eigenvalues: readonly number[]): Matrix {
  const n = q.rows;
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled[i * n + j] = eigenvalues[i]! * q.data[i * n + j]!;
  return matmul(transpose(q), { rows: n, cols: n, data: scaled });
}

/** Solves A X = B by Gaussian elimination with partial pivoting (A square, B n×k). */
export function solve(a: Matrix, b: Matrix): Matrix {
  const n = a.rows;
  const k = b.cols;
  const m = Float64Array.from(a.data);
  const r = Float64Array.from(b.data);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(m[i * n + c]!) > Math.abs(m[pivot * n + c]!)) pivot = i;
    if (m[pivot * n + c] === 0) throw new Error('solve: singular matrix');
    if (pivot !== c) {
      for (let j = 0; j < n; j++) [m[c * n + j], m[pivot * n + j]] = [m[pivot * n + j]!, m[c * n + j]!];
      for (let j = 0; j < k; j++) [r[c * k + j], r[pivot * k + j]] = [r[pivot * k + j]!, r[c * k + j]!];
    }
    for (let i = c + 1; i < n; i++) {
      const factor = m[i * n + c]! / m[c * n + c]!;
      for (let j = c; j < n; j++) m[i * n + j]! -= factor * m[c * n + j]!;
      for (let j = 0; j < k; j++) r[i * k + j]! -= factor * r[c * k + j]!;
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    for (let j = 0; j < k; j++) {
      let s = r[c * k + j]!;
      for (let i = c + 1; i < n; i++) s -= m[c * n + i]! * r[i * k + j]!;
      r[c * k + j] = s / m[c * n + c]!;
    }
  }
  return { rows: n, cols: k, data: r };
}

/** A column vector from values. */
export function columnVector(values: ArrayLike<number>): Matrix {
  return { rows: values.length, cols: 1, data: Float64Array.from(values) };
}
