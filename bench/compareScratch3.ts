// PROTOTYPE (not shipped): RHG as one reverse pass over a single recorded tape of the K unrolled
// steps (torch's create_graph=True), against core's step-wise RHG (recomputes each step's forward in
// the reverse pass). Same compiled problem, same x, y_0; prints time per hypergradient and rel. diff.
import * as tf from '@tensorflow/tfjs-core';
import { compileProblem, createRng, getMethod, resolveRunOptions, hypergradientAt, startingPoint } from '../src/core';
import { gradients } from '../src/core/derivatives';
import { selectBackend } from '../src/worker/backend';
import { patchWasmKernels } from '../src/worker/kernels/patchWasmKernels';
import { syntheticHyperCleaning } from './syntheticHyperCleaning';

async function main() {
  const K = Number(process.argv[2] ?? 10);
  await selectBackend('wasm');
  if (!process.env.NOPATCH) patchWasmKernels();
  const def = syntheticHyperCleaning() as any;
  const method = getMethod('rhg');
  const options = resolveRunOptions(def, method, { lowerSteps: K });
  const problem = await compileProblem(def, createRng(options.seed as number));
  const x = tf.tidy(() => startingPoint(problem).map((t) => tf.add(t, tf.randomNormal(t.shape, 0, 0.5, 'float32', 1))));
  const lr = options.lowerLr as number;
  const singleTape = (): { gx: tf.Tensor[]; peak: number } => {
    let peak = 0;
    const gx = tf.tidy(() => gradients(() => {
      let y = problem.initialLower();
      for (let k = 0; k < K; k++) {
        const g = gradients(() => problem.lowerObjective(x, y), y);
        y = y.map((t, i) => tf.sub(t, tf.mul(g[i]!, lr)));
        peak = Math.max(peak, tf.memory().numBytes);
      }
      return problem.upperObjective(x, y);
    }, x));
    return { gx, peak };
  };
  const times = { core: [] as number[], tape: [] as number[] };
  let rel = 0, peakTape = 0;
  for (let r = 0; r < 4; r++) {
    let t0 = performance.now();
    const core = await hypergradientAt(problem, method, options, x);
    times.core.push(performance.now() - t0);
    t0 = performance.now();
    const { gx, peak } = singleTape();
    const tape = Array.from(await gx[0]!.data());
    times.tape.push(performance.now() - t0);
    peakTape = peak;
    tf.dispose(gx);
    const c = core.gx.flat();
    rel = Math.hypot(...c.map((v, i) => v - tape[i]!)) / Math.hypot(...c);
  }
  const med = (a: number[]) => a.slice(1).sort((p, q) => p - q)[1]!;
  const base = tf.memory().numBytes;
  console.log(JSON.stringify({ K, patched: !process.env.NOPATCH, coreRhgMs: med(times.core), singleTapeMs: med(times.tape), relDiff: rel, singleTapePeakExtraMB: (peakTape - base) / 2 ** 20 }));
}
main();
