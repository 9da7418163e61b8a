import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { FusedAdam } from './fused-adam.js';
import { setDirectKernelsEnabled } from './kernels/direct-backend.js';

describeEachBackend(
  'FusedAdam',
  () => {
    for (const direct of [true, false]) {
    it(`takes exactly the steps of tf.train.adam over several variables (${direct ? 'one kernel' : 'composed ops'})`, async () => {
      const previous = setDirectKernelsEnabled(direct);
      const init = [tf.tensor2d([[0.5, -1], [2, 0.1]]), tf.tensor1d([0.3, -0.7, 1.5]), tf.scalar(-2)];
      const a = init.map((t) => tf.variable(t.clone()));
      const b = init.map((t) => tf.variable(t.clone()));
      const loss = (vs: tf.Variable[]) => () =>
        tf.add(tf.add(tf.sum(tf.square(tf.sub(vs[0]!, 1))), tf.sum(tf.pow(vs[1]!, 4))), tf.square(tf.mul(vs[2]!, 3))) as tf.Scalar;
      const ref = tf.train.adam(0.05);
      const fused = new FusedAdam({ learningRate: 0.05 });
      await expectNoLeaks(
        () => {
          for (let i = 0; i < 30; i++) {
            ref.minimize(loss(a), false, a);
            fused.minimize(loss(b), false, b);
          }
        },
        { expectedNew: 2 * 3 + 2 }, // tf.train.adam: m, v per variable; FusedAdam: flat m, v
      );
      for (let i = 0; i < 3; i++) await expectAllClose(b[i]!, a[i]!, { atol: 1e-5, rtol: 1e-5 });
      expect(fused.iterations).toBe(30);
      ref.dispose();
      const before = tf.memory().numTensors;
      fused.dispose();
      expect(tf.memory().numTensors).toBe(before - 2);
      tf.dispose([...init, ...a, ...b]);
      setDirectKernelsEnabled(previous);
    });
    }

    it('validates its hyperparameters', () => {
      expect(() => new FusedAdam({ learningRate: 0 })).toThrow(/FusedAdam: learningRate must be a finite number > 0, received 0/);
      expect(() => new FusedAdam({ beta1: 1 })).toThrow(/beta1 must be in \[0, 1\)/);
    });
  },
  { webgpu: false },
);
