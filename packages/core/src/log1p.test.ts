import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { expect, it } from 'vitest';
import { log1p } from './log1p.js';

const f = Math.fround;
// Tiny magnitudes, where log(1 + x) loses every digit, both sides of the series' switch at
// |x| = 1e-2, through the bulk to the domain's ends.
const points = [-1, -0.75, -0.1, -0.0099, -0.005, -1e-4, -3e-8, -1e-30, 0, 1e-30, 3e-8, 1e-6, 1e-4, 0.005, 0.0099, 0.0101, 0.3, 2, 1e6, 1e30, Infinity].map(f);

describeEachBackend('log1p', () => {
  it('matches Math.log1p to float32 precision, tiny arguments and the domain ends included', async () => {
    const x = tf.tensor1d(points);
    await expectNoLeaks(async () => {
      const y = log1p(x);
      await expectAllClose(y, points.map(Math.log1p), { rtol: 4e-7, atol: 0 });
      y.dispose();
    });
    const below = log1p(tf.scalar(-2));
    expect((await below.data())[0]).toBeNaN();
    tf.dispose([x, below]);
  });

  it('has gradient 1 / (1 + x), and takes int32 input', async () => {
    const xs = [-0.75, -1e-4, -3e-8, 0, 1e-6, 0.3, 2, 1e6].map(f);
    const x = tf.tensor1d(xs);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(log1p(t), tf.scalar(2))))(x);
    await expectAllClose(g, xs.map((v) => 2 / (1 + v)), { rtol: 1e-6, atol: 0 });
    const i = tf.tensor1d([0, 1, 3], 'int32');
    const yi = log1p(i);
    expect(yi.dtype).toBe('float32');
    await expectAllClose(yi, [0, Math.LN2, Math.log(4)], { rtol: 1e-7, atol: 0 });
    tf.dispose([x, g, i, yi]);
  });
});
