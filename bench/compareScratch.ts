import * as tf from '@tensorflow/tfjs-core';
import { Solver } from '../src/core';
import { selectBackend } from '../src/worker/backend';
import { syntheticHyperCleaning } from './syntheticHyperCleaning';
import { memoizeWasmMatMul } from '../src/worker/kernels/memoizeWasmMatMul';
import { patchWasmIdentity } from '../src/worker/kernels/patchWasmIdentity';

async function main() {
  await selectBackend('wasm');
  patchWasmIdentity();
  const stats = memoizeWasmMatMul()!;
  const orig = tf.getKernel('BatchMatMul', 'wasm')!;
  const f = orig.kernelFunc;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...orig, kernelFunc: (args) => { const a = args.inputs['a'] as any, b = args.inputs['b'] as any; if (process.env.V) console.log('mm', a.shape, b.shape, (args.attrs as any).transposeA, (args.attrs as any).transposeB, (tf.engine().backend as any).dataIdMap.get(b.dataId)?.id); return f(args); } });
  const solver = await Solver.create(syntheticHyperCleaning(), 'rhg', { lowerSteps: 3, iterations: 10, evalEvery: 0 });
  await solver.step();
  console.log(stats);
  solver.dispose();
}
main();
