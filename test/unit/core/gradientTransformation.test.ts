// The optimizers against hand-written update loops (as optax's test_chain does).
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { adam, applyUpdates, sgd } from '../../../src/core';
import { disposeState } from '../../../src/core/optim/gradientTransformation';
import { assertAllClose } from '../helpers/assertClose';
import { useBackend } from '../helpers/backends';

describe('outer optimizers', () => {
  test('setup', () => useBackend('cpu'));

  test('sgd and adam match manual loops on f(p) = ½‖p − c‖² (float64 reference, rtol 1e-5)', async () => {
    const c = [1, -2, 0.5];
    for (const [name, opt] of [['sgd', sgd(0.1)], ['adam', adam(0.1)]] as const) {
      let p: tf.Tensor[] = [tf.tensor1d([0, 0, 0])];
      let state = opt.init(p);
      const ref = [0, 0, 0];
      const m = [0, 0, 0];
      const v = [0, 0, 0];
      for (let t = 1; t <= 5; t++) {
        const g = [tf.sub(p[0]!, tf.tensor1d(c))];
        const { updates, state: next } = opt.update(g, state);
        const stepped = applyUpdates(p, updates);
        tf.dispose([...g, ...updates, ...p]);
        disposeState(state);
        p = stepped;
        state = next;
        for (let i = 0; i < 3; i++) {
          const gi = ref[i]! - c[i]!;
          if (name === 'sgd') ref[i] = ref[i]! - 0.1 * gi;
          else {
            m[i] = 0.9 * m[i]! + 0.1 * gi;
            v[i] = 0.999 * v[i]! + 0.001 * gi * gi;
            ref[i] = ref[i]! - (0.1 * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8);
          }
        }
      }
      assertAllClose(await p[0]!.data(), ref, { rtol: 1e-5, atol: 1e-6 }, name);
      tf.dispose(p);
      disposeState(state);
    }
  });
});
