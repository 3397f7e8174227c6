import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/worker/backend';

function time(name: string, f: () => tf.Tensor, reps = 30) {
  tf.dispose(f());
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); const r = f(); ts.push(performance.now() - t0); tf.dispose(r); }
  ts.sort((a, b) => a - b);
  console.log(name.padEnd(50), ts[Math.floor(reps / 2)]!.toFixed(2), 'ms  min', ts[0]!.toFixed(2));
}
async function main() {
  await selectBackend('wasm');
  const A = tf.randomUniform([5000, 784]);
  const At = tf.keep(tf.transpose(A));
  const W = tf.randomUniform([784, 10]);
  const W300 = tf.randomUniform([784, 300]);
  const G = tf.randomUniform([5000, 10]);
  const A1 = tf.randomUniform([1000, 784]);
  for (let r = 0; r < 2; r++) {
  time('A·W', () => tf.tidy(() => tf.matMul(A, tf.add(W, 0))));
  time('fused A·W', () => tf.tidy(() => tf.fused.matMul({ a: A, b: tf.add(W, 0) })));
  time('fused A·W same W', () => tf.tidy(() => tf.fused.matMul({ a: A, b: W })));
  time('A·W same W', () => tf.tidy(() => tf.matMul(A, W)));
  time('A1·W  [1000,784]', () => tf.tidy(() => tf.matMul(A1, W)));
  time('fused Wt·At', () => tf.tidy(() => tf.fused.matMul({ a: tf.transpose(W), b: At })));
  time('fused Gt·A', () => tf.tidy(() => tf.fused.matMul({ a: tf.transpose(G), b: A })));
  time('A·W300', () => tf.tidy(() => tf.matMul(A, W300)));
  time('fused A·W300', () => tf.tidy(() => tf.fused.matMul({ a: A, b: W300 })));
  }
}
main();
