// The wasm kernel patches (src/runtime/kernels/) against references on random inputs, on wasm:
// BatchMatMul with every transpose combination, batch dimensions, the transpose cache and the
// product memo against a float64 loop; Identity's shared buffer against tfjs's copy semantics; and gradients, Hessian-vector
// products and a finite-difference check through both, against the cpu backend's kernels.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createRng } from '../../../../src/core';
import { memoizeWasmMatMul } from '../../../../src/runtime/kernels/memoizeWasmMatMul';
import { patchWasmKernels } from '../../../../src/runtime/kernels/patchWasmKernels';
import { selectBackend } from '../../../../src/runtime/backend';
import { assertAllClose, relativeError } from '../../helpers/assertClose';

const rng = createRng(7);
const randomArray = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);

/** C = op(A)·op(B) in float64 over broadcast batch dimensions (tfjs's BatchMatMul semantics). */
function matMulReference(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], tA: boolean, tB: boolean): Float64Array {
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const m = tA ? ac : ar;
  const k = tA ? ar : ac;
  const n = tB ? br : bc;
  const batchA = aShape.slice(0, -2).reduce((p, d) => p * d, 1);
  const batchB = bShape.slice(0, -2).reduce((p, d) => p * d, 1);
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let q = 0; q < batch; q++) {
    const ao = (batchA === 1 ? 0 : q) * ar * ac;
    const bo = (batchB === 1 ? 0 : q) * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += a[ao + (tA ? l * ac + i : i * ac + l)]! * b[bo + (tB ? j * bc + l : l * bc + j)]!;
        out[q * m * n + i * n + j] = s;
      }
    }
  }
  return out;
}

/** The wasm backend's live buffer count (numDataIds), which must return to its start after each case. */
const wasmBuffers = (): number => tf.engine().backend.numDataIds();

describe('wasm kernel patches', () => {
  before(async () => {
    await selectBackend('wasm');
    patchWasmKernels();
  });

  describe('BatchMatMul (explicit transposes, cached for large operands)', () => {
    const cases: { aShape: number[]; bShape: number[]; tA: boolean; tB: boolean }[] = [];
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        cases.push({ aShape: tA ? [7, 5] : [5, 7], bShape: tB ? [3, 7] : [7, 3], tA, tB });
        // Batch dimensions, equal and broadcast from 1.
        cases.push({ aShape: tA ? [4, 7, 5] : [4, 5, 7], bShape: tB ? [4, 3, 7] : [4, 7, 3], tA, tB });
        cases.push({ aShape: tA ? [1, 7, 5] : [1, 5, 7], bShape: tB ? [2, 3, 7] : [2, 7, 3], tA, tB });
        // Operands above the cache threshold (16 384 entries), the data-matrix shape of hyper-cleaning.
        cases.push({ aShape: tA ? [300, 70] : [70, 300], bShape: tB ? [10, 300] : [300, 10], tA, tB });
      }
    }
    for (const { aShape, bShape, tA, tB } of cases) {
      it(`[${aShape}]${tA ? 'ᵀ' : ''} · [${bShape}]${tB ? 'ᵀ' : ''} matches a float64 loop, twice (cache hit), and frees its buffers`, async () => {
        const buffersBefore = wasmBuffers();
        const aValues = randomArray(aShape.reduce((p, d) => p * d, 1));
        const bValues = randomArray(bShape.reduce((p, d) => p * d, 1));
        const a = tf.tensor(aValues, aShape);
        const b = tf.tensor(bValues, bShape);
        const expected = matMulReference(aValues, aShape, bValues, bShape, tA, tB);
        for (let round = 0; round < 2; round++) {
          const c = tf.matMul(a, b, tA, tB);
          assertAllClose(await c.data(), expected, { rtol: 1e-4, atol: 1e-4 }, `round ${round}`);
          c.dispose();
        }
        // A clone shares a's buffer (patched Identity), so it must hit the same cached transpose.
        const aClone = tf.clone(a);
        const c = tf.matMul(aClone, b, tA, tB);
        assertAllClose(await c.data(), expected, { rtol: 1e-4, atol: 1e-4 }, 'through a clone');
        tf.dispose([a, b, aClone, c]);
        assert.equal(wasmBuffers(), buffersBefore, 'cached transposes are freed with their source');
      });
    }
  });

  describe('BatchMatMul with the data on the left (computed as Cᵀ = op(b)ᵀ·op(a)ᵀ)', () => {
    it('gives the same bits as the direct product (a rank-3 batch of one takes the direct path)', async () => {
      for (const tA of [false, true]) {
        const buffersBefore = wasmBuffers();
        // The data matrix X and the two products of a gradient step: X·W and Xᵀ·δ.
        const x = tf.tensor2d(randomArray(600 * 40), [600, 40]);
        const w = tf.tensor2d(randomArray(40 * 10), [40, 10]);
        const d = tf.tensor2d(randomArray(600 * 10), [600, 10]);
        const small = tA ? d : w;
        // The first product with x runs directly; from the second on x is packed as the weights.
        const first = tf.matMul(x, small, tA, false);
        const flipped = tf.matMul(x, small, tA, false);
        const direct = tf.tidy(() => tf.reshape(tf.matMul(tf.expandDims(x, 0), tf.expandDims(small, 0), tA, false), flipped.shape));
        assert.deepEqual(flipped.shape, tA ? [40, 10] : [600, 10]);
        const bits = async (t: tf.Tensor): Promise<Int32Array> => new Int32Array((await t.data()).buffer);
        assert.deepEqual(await bits(flipped), await bits(direct), `tA=${tA}, flipped`);
        assert.deepEqual(await bits(first), await bits(direct), `tA=${tA}, first`);
        tf.dispose([x, w, d, first, flipped, direct]);
        assert.equal(wasmBuffers(), buffersBefore);
      }
    });
  });

  describe('BatchMatMul product memo', () => {
    it('a repeated product of the same buffers is a hit with the same values; transposes and reshaped views are not confused', async () => {
      const stats = memoizeWasmMatMul()!;
      const buffersBefore = wasmBuffers();
      // Square operands, so every transpose combination has the same shapes and data ids: only the
      // flags tell them apart. 150² = 22 500 entries, above the memo's operand threshold.
      const aValues = randomArray(150 * 150);
      const bValues = randomArray(150 * 150);
      const a = tf.tensor2d(aValues, [150, 150]);
      const b = tf.tensor2d(bValues, [150, 150]);
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true], [false, false], [true, true]] as const) {
        const c = tf.matMul(a, b, tA, tB);
        assertAllClose(await c.data(), matMulReference(aValues, [150, 150], bValues, [150, 150], tA, tB), { rtol: 1e-4, atol: 1e-4 }, `tA=${tA} tB=${tB}`);
        c.dispose();
      }
      // The last two products repeat earlier ones: two hits, bit-for-bit the first results.
      const first = tf.matMul(a, b);
      const firstValues = Array.from(await first.data());
      const hits = stats.hits;
      const again = tf.matMul(a, b);
      assert.equal(stats.hits, hits + 1, 'the repeated product was served from the memo');
      assert.deepEqual(Array.from(await again.data()), firstValues);
      // A reshaped view shares a's data id but not its shape: its product must be computed afresh.
      const view = tf.reshape(a, [75, 300]);
      const bTall = tf.tensor2d(randomArray(300 * 4), [300, 4]);
      const v = tf.matMul(view, bTall);
      assertAllClose(await v.data(), matMulReference(aValues, [75, 300], (await bTall.data()) as Float32Array, [300, 4], false, false), { rtol: 1e-4, atol: 1e-4 }, 'reshaped view');
      tf.dispose([first, again, view, bTall, v]);
      // The memo's entries (and their buffers) go with their inputs.
      const entries = stats.entries;
      tf.dispose([a, b]);
      assert.ok(stats.entries < entries, 'entries of a and b were dropped');
      assert.equal(wasmBuffers(), buffersBefore);
    });
  });

  describe('BatchMatMul product memo, small operand by content', () => {
    it('a recomputed small operand with the same bits hits; one changed bit misses and gives the new product', async () => {
      const stats = memoizeWasmMatMul()!;
      const buffersBefore = wasmBuffers();
      const xValues = randomArray(300 * 70);
      const wValues = randomArray(70 * 10);
      const x = tf.tensor2d(xValues, [300, 70]);
      const w1 = tf.tensor2d(wValues, [70, 10]);
      const first = tf.matMul(x, w1);
      const firstValues = Array.from(await first.data());
      // A different tensor (new data id) holding the same values, as a recomputed δ_k is.
      const w2 = tf.tidy(() => tf.mul(w1, 1));
      // The memo keeps the operand it compares with: w1 may go first.
      w1.dispose();
      const hits = stats.hits;
      const second = tf.matMul(x, w2);
      assert.equal(stats.hits, hits + 1, 'same bits, new data id: served from the memo');
      assert.deepEqual(Array.from(await second.data()), firstValues);
      // Flip the lowest mantissa bit of one entry: the hash may or may not change, the bits do.
      const changed = Float32Array.from(wValues);
      const bits = new Int32Array(changed.buffer);
      bits[17] = bits[17]! ^ 1;
      const w3 = tf.tensor2d(changed, [70, 10]);
      const third = tf.matMul(x, w3);
      assert.equal(stats.hits, hits + 1, 'a one-bit change is a miss');
      assertAllClose(await third.data(), matMulReference(xValues, [300, 70], changed, [70, 10], false, false), { rtol: 1e-4, atol: 1e-4 }, 'changed operand');
      // The transposed-operand form the matMul gradient uses (Xᵀ·δ) is memoized the same way.
      const d1 = tf.tensor2d(randomArray(300 * 10), [300, 10]);
      const g1 = tf.matMul(x, d1, true, false);
      const d2 = tf.tidy(() => tf.mul(d1, 1));
      const g2 = tf.matMul(x, d2, true, false);
      assert.equal(stats.hits, hits + 2);
      assert.deepEqual(Array.from(await g2.data()), Array.from(await g1.data()));
      // The key hashes at most 1024 evenly spaced words (every 2nd of d's 3000): a change in a word
      // left out gives the same key, and the bit comparison must still tell the operands apart.
      const d3Values = Float32Array.from(await d1.data());
      const d3Bits = new Int32Array(d3Values.buffer);
      d3Bits[1] = d3Bits[1]! ^ 1;
      const d3 = tf.tensor2d(d3Values, [300, 10]);
      const g3 = tf.matMul(x, d3, true, false);
      assert.equal(stats.hits, hits + 2, 'a change between the hashed words is a miss');
      assertAllClose(await g3.data(), matMulReference(xValues, [300, 70], d3Values, [300, 10], true, false), { rtol: 1e-4, atol: 1e-4 }, 'same key, other bits');
      const g4 = tf.matMul(x, d1, true, false);
      assert.deepEqual(Array.from(await g4.data()), Array.from(await g1.data()), 'the first operand again, after its key was taken');
      tf.dispose([first, second, third, w1, w2, w3, d1, d2, d3, g1, g2, g3, g4]);
      // Entries live with their large operand, not with the small one.
      assert.ok(stats.entries > 0);
      // Each entry holds its product and its small operand: 300×10 + 70×10 floats here at least.
      assert.ok(stats.bytes >= (300 * 10 + 70 * 10) * 4 && stats.peakBytes >= stats.bytes, `bytes ${stats.bytes}, peak ${stats.peakBytes}`);
      const peak = stats.peakBytes;
      x.dispose();
      assert.equal(stats.peakBytes, peak, 'the peak stays when entries go');
      assert.equal(wasmBuffers(), buffersBefore, 'entries (and their buffers) go with the large operand');
    });

    it('an entry whose kept operand was force-freed is a miss, not a crash', async () => {
      const stats = memoizeWasmMatMul()!;
      const xValues = randomArray(300 * 70);
      const wValues = randomArray(70 * 10);
      const x = tf.tensor2d(xValues, [300, 70]);
      const w1 = tf.tensor2d(wValues, [70, 10]);
      tf.matMul(x, w1).dispose();
      // What the engine's moveData does to a tensor read on another backend: a free that ignores references.
      (tf.engine().backend as unknown as { disposeData(id: object, force: boolean): boolean }).disposeData(w1.dataId, true);
      const w2 = tf.tensor2d(wValues, [70, 10]);
      const hits = stats.hits;
      const again = tf.matMul(x, w2);
      assert.equal(stats.hits, hits, 'a miss');
      assertAllClose(await again.data(), matMulReference(xValues, [300, 70], Float32Array.from(wValues), [70, 10], false, false), { rtol: 1e-4, atol: 1e-4 }, 'recomputed product');
      tf.dispose([x, w2, again]);
    });
  });

  describe('Identity (shared, reference-counted buffer)', () => {
    it('a clone keeps its values after the source is disposed, and the buffer goes when both do', async () => {
      const buffersBefore = wasmBuffers();
      const values = randomArray(20_000);
      const x = tf.tensor1d(values);
      const y = tf.clone(x);
      assert.equal(wasmBuffers(), buffersBefore + 1, 'the clone shares the source buffer');
      x.dispose();
      assertAllClose(await y.data(), values, { rtol: 0, atol: 0 }, 'clone after source disposal');
      const z = tf.add(y, 1);
      assertAllClose(await z.data(), Array.from(values, (v) => Math.fround(v + 1)), { rtol: 0, atol: 0 }, 'ops read the shared buffer');
      tf.dispose([y, z]);
      assert.equal(wasmBuffers(), buffersBefore);
    });

    it('int32 and bool tensors clone with their dtype; string tensors still copy', async () => {
      const i = tf.tensor1d([1, -2, 3], 'int32');
      const b = tf.tensor1d([true, false], 'bool');
      const s = tf.tensor1d(['a', 'b'], 'string');
      const [ic, bc, sc] = [tf.clone(i), tf.clone(b), tf.clone(s)];
      assert.deepEqual([ic.dtype, bc.dtype, sc.dtype], ['int32', 'bool', 'string']);
      assert.deepEqual(Array.from(await ic.data()), [1, -2, 3]);
      assert.deepEqual(Array.from(await bc.data()), [1, 0]);
      tf.dispose([i, b, s]);
      assert.deepEqual(await sc.data(), ['a', 'b']);
      tf.dispose([ic, bc, sc]);
    });
  });

  describe('Cast to the same dtype (shared buffer); other casts convert', () => {
    it('a same-dtype cast shares the buffer and keeps its values after the source goes', async () => {
      const buffersBefore = wasmBuffers();
      const values = randomArray(20_000);
      const x = tf.tensor1d(values);
      const y = tf.cast(x, 'float32');
      // tf.cast returns x itself for its own dtype, so run the kernel the way the engine's clone gradient does.
      const z = tf.engine().runKernel('Cast', { x: y }, { dtype: 'float32' }) as tf.Tensor;
      assert.equal(wasmBuffers(), buffersBefore + 1, 'one buffer for source and cast');
      tf.dispose([x, y]);
      assertAllClose(await z.data(), values, { rtol: 0, atol: 0 }, 'cast after source disposal');
      z.dispose();
      assert.equal(wasmBuffers(), buffersBefore);
    });

    it('int32 ↔ float32 still convert into a new buffer', async () => {
      const f = tf.tensor1d([1.75, -2.25, 0, 3]);
      const i = tf.cast(f, 'int32');
      const back = tf.cast(i, 'float32');
      const ii = tf.engine().runKernel('Cast', { x: i }, { dtype: 'int32' }) as tf.Tensor;
      assert.deepEqual([i.dtype, back.dtype, ii.dtype], ['int32', 'float32', 'int32']);
      assert.deepEqual(Array.from(await i.data()), [1, -2, 0, 3]);
      assert.deepEqual(Array.from(await back.data()), [1, -2, 0, 3]);
      tf.dispose([f, i]);
      assert.deepEqual(Array.from(await ii.data()), [1, -2, 0, 3]);
      tf.dispose([back, ii]);
    });
  });

  describe('derivatives through the patched kernels (the hyper-cleaning step shape)', () => {
    // f(W) = mean_i w_i · CE-like smooth loss of (A W): A 300×70 (cached transpose), W 70×10.
    const n = 300;
    const d = 70;
    const c = 10;
    const aValues = randomArray(n * d);
    const wValues = randomArray(d * c).map((v) => 0.3 * v);
    const vValues = randomArray(d * c);
    const sValues = randomArray(n);
    const f = (A: tf.Tensor2D, s: tf.Tensor1D) => (W: tf.Tensor): tf.Scalar => {
      const z = tf.matMul(A, W as tf.Tensor2D);
      // Σ_i σ(s_i)·log Σ_k exp(z_ik): the lower objective's structure without the label term.
      return tf.mean(tf.mul(tf.sigmoid(s), tf.log(tf.sum(tf.exp(z), 1)))) as tf.Scalar;
    };

    /** (value, gradient, HVP, mixed product ∂²f/∂s∂W · v) on the active backend. */
    async function derivatives(): Promise<{ g: Float32Array; hv: Float32Array; mixed: Float32Array; buffers: number }> {
      const A = tf.tensor2d(aValues, [n, d]);
      const s = tf.tensor1d(sValues);
      const W = tf.tensor2d(wValues, [d, c]);
      const v = tf.tensor2d(vValues, [d, c]);
      const grad = (w: tf.Tensor, sv: tf.Tensor1D): tf.Tensor => tf.grad(f(A, sv))(w);
      const g = grad(W, s);
      // HVP = ∇_W ⟨∇_W f, v⟩ and the mixed product ∇_s ⟨∇_W f, v⟩: nested reverse mode, as core does.
      const hv = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(grad(w, s), v)) as tf.Scalar)(W);
      const mixed = tf.grad((sv: tf.Tensor) => tf.sum(tf.mul(grad(W, sv as tf.Tensor1D), v)) as tf.Scalar)(s);
      const out = { g: (await g.data()) as Float32Array, hv: (await hv.data()) as Float32Array, mixed: (await mixed.data()) as Float32Array };
      tf.dispose([A, s, W, v, g, hv, mixed]);
      return { ...out, buffers: tf.engine().backend.numDataIds() };
    }

    it('gradient, HVP and mixed product equal the cpu backend to float32 accuracy, with no leaked buffers', async () => {
      const buffersBefore = wasmBuffers();
      const wasm = await derivatives();
      assert.equal(wasm.buffers, buffersBefore, 'every saved (shared) tensor and cached transpose was freed');
      await selectBackend('cpu');
      try {
        const cpu = await derivatives();
        assert.ok(relativeError(wasm.g, cpu.g) < 1e-5, `gradient rel. error ${relativeError(wasm.g, cpu.g)}`);
        assert.ok(relativeError(wasm.hv, cpu.hv) < 1e-4, `HVP rel. error ${relativeError(wasm.hv, cpu.hv)}`);
        assert.ok(relativeError(wasm.mixed, cpu.mixed) < 1e-4, `mixed product rel. error ${relativeError(wasm.mixed, cpu.mixed)}`);
      } finally {
        await selectBackend('wasm');
      }
    });

    it('the HVP matches central differences of the gradient on wasm', async () => {
      const { hv } = await derivatives();
      const A = tf.tensor2d(aValues, [n, d]);
      const s = tf.tensor1d(sValues);
      const v = tf.tensor2d(vValues, [d, c]);
      // (∇f(W + εv) − ∇f(W − εv)) / 2ε; f is smooth (log-sum-exp), ε = 1e-2 keeps float32 rounding
      // (~1e-7/ε) and the O(ε²) truncation both near 1e-4 of ‖Hv‖.
      const eps = 1e-2;
      const fd = tf.tidy(() => {
        const W = tf.tensor2d(wValues, [d, c]);
        const gp = tf.grad(f(A, s))(tf.add(W, tf.mul(v, eps)));
        const gm = tf.grad(f(A, s))(tf.sub(W, tf.mul(v, eps)));
        return tf.div(tf.sub(gp, gm), 2 * eps);
      });
      const fdValues = await fd.data();
      tf.dispose([A, s, v, fd]);
      assert.ok(relativeError(hv, fdValues) < 2e-3, `HVP vs finite differences: rel. error ${relativeError(hv, fdValues)}`);
    });
  });
});
