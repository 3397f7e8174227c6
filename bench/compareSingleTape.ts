// Prototype for docs/performance.md (not part of any bundle or script): RHG as one reverse pass over
// a single recorded tape of the K unrolled steps (PyTorch's create_graph=True), beside core's
// step-wise RHG, which recomputes each step's forward in the reverse pass. Same compiled problem, x
// and y_0; prints the median time per hypergradient of each and their relative difference.
// Run: npx esbuild bench/compareSingleTape.ts --bundle --platform=node --format=cjs \
//        --main-fields=module,main --external:webgpu --outfile=dist/compare-single-tape.js
//      node dist/compare-single-tape.js 50            (NOPATCH=1: without the Identity patch either)
import * as tf from '@tensorflow/tfjs-core';
import { compileProblem, createRng, getMethod, hypergradientAt, resolveRunOptions, startingPoint } from '../src/core';
import { gradients } from '../src/core/derivatives';
import { selectBackend } from '../src/runtime/backend';
import { patchWasmKernels } from '../src/runtime/kernels/patchWasmKernels';
import { syntheticHyperCleaning } from './syntheticHyperCleaning';

async function main(): Promise<void> {
  const K = Number(process.argv[2] ?? 10);
  await selectBackend('wasm');
  // Without the product memo: with a fixed x, each round would be served from the previous one's
  // products, and the single tape from core's (same x, same y_0, same bits).
  if (!process.env.NOPATCH) patchWasmKernels({ memoizeMatMul: false });
  const def = syntheticHyperCleaning() as unknown as Parameters<typeof resolveRunOptions>[0];
  const method = getMethod('rhg');
  const options = resolveRunOptions(def, method, { lowerSteps: K });
  const problem = await compileProblem(def, createRng(options.seed));
  const x = tf.tidy(() => startingPoint(problem).map((t) => tf.add(t, tf.randomNormal(t.shape, 0, 0.5, 'float32', 1))));
  const lr = options.lowerLr;
  // The wasm heap only grows, so its growth over the first single-tape pass (run before anything
  // else) bounds that pass's real peak; tf.memory() would count every saved alias of the data matrix.
  const heapBytes = (): number => (tf.engine().backend as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
  const singleTape = (): { gx: tf.Tensor[] } => {
    const gx = tf.tidy(() => gradients(() => {
      let y = problem.initialLower();
      for (let k = 0; k < K; k++) {
        const g = gradients(() => problem.lowerObjective(x, y), y);
        y = y.map((t, i) => tf.sub(t, tf.mul(g[i]!, lr)));
      }
      return problem.upperObjective(x, y);
    }, x));
    return { gx };
  };
  const heapBefore = heapBytes();
  tf.dispose(singleTape().gx);
  const heapGrowth = heapBytes() - heapBefore;
  const times = { core: [] as number[], tape: [] as number[] };
  let rel = 0;
  for (let r = 0; r < 4; r++) {
    let t0 = performance.now();
    const core = await hypergradientAt(problem, method, options, x);
    times.core.push(performance.now() - t0);
    t0 = performance.now();
    const { gx } = singleTape();
    const tape = Array.from(await gx[0]!.data());
    times.tape.push(performance.now() - t0);
    tf.dispose(gx);
    const c = core.gx.flat();
    rel = Math.hypot(...c.map((v, i) => v - tape[i]!)) / Math.hypot(...c);
  }
  // Median of the last three of four rounds (the first one warms up).
  const med = (a: number[]): number => a.slice(1).sort((p, q) => p - q)[1]!;
  console.log(JSON.stringify({ K, patched: !process.env.NOPATCH, coreRhgMs: med(times.core), singleTapeMs: med(times.tape), relDiff: rel, singleTapeHeapGrowthMB: heapGrowth / 2 ** 20 }));
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
