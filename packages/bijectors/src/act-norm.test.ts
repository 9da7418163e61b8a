import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBijector, describeEachBackend, expectAllClose } from '@densityjs/testing';
import { ActNorm } from './index.js';

describeBijector({
  name: 'ActNorm (D=3, trained values)',
  affine: true,
  make: () => {
    const b = new ActNorm({ eventSize: 3 });
    b.logScale.assign(tf.tensor1d([0.3, -0.7, 1.1]));
    b.shift.assign(tf.tensor1d([1, -2, 0.5]));
    return b;
  },
  eventShape: [3],
});

describeEachBackend('ActNorm data-dependent initialization', () => {
  it('the first training call in the density direction standardizes its batch, once', async () => {
    const b = new ActNorm({ eventSize: 2 });
    const y = tf.tensor2d([[1, 10], [3, 14], [5, 18], [7, 22]]);
    // Before training mode: the identity.
    await expectAllClose(b.inverse(y), y, { atol: 0 });
    b.training = true;
    const x = b.inverse(y);
    // Column means 4 and 16, standard deviations sqrt(5) and 2 sqrt(5) (population).
    const expected = [[-3, -6], [-1, -2], [1, 2], [3, 6]].map(([a, c]) => [a! / Math.sqrt(5), c! / (2 * Math.sqrt(5))]);
    await expectAllClose(x, expected, { atol: 1e-5 });
    await expectAllClose(b.inverseLogDetJacobian(y), new Array(4).fill(-(Math.log(Math.sqrt(5)) + Math.log(2 * Math.sqrt(5)))), { atol: 1e-5 });
    expect((await b.initialized.data())[0]).toBe(1);
    // A second batch does not re-initialize.
    const y2 = tf.tensor2d([[100, 100], [-100, -100]]);
    const x2 = b.inverse(y2);
    await expectAllClose(x2, [[(100 - 4) / Math.sqrt(5), (100 - 16) / (2 * Math.sqrt(5))], [(-100 - 4) / Math.sqrt(5), (-100 - 16) / (2 * Math.sqrt(5))]], { atol: 1e-3 });
    expect(b.nonTrainableVariables).toEqual([b.initialized]);
    tf.dispose([y, x, y2, x2]);
    b.dispose();
  });

  it('initializes from every row of a batch of any rank, and never from a single event', async () => {
    const b = new ActNorm({ eventSize: 2 });
    b.training = true;
    const one = tf.tensor1d([5, -5]);
    const x1 = b.inverse(one);
    // One event has no spread to standardize by: it passes unchanged and the layer stays fresh.
    await expectAllClose(x1, [5, -5], { atol: 0 });
    expect((await b.initialized.data())[0]).toBe(0);
    // Rows over both leading axes of a [2, 2, 2] batch: column means 4 and -8, variances 5 and 20.
    const y = tf.tensor3d([[[1, -2], [3, -6]], [[5, -10], [7, -14]]]);
    const x = b.inverse(y);
    await expectAllClose(b.shift, [4, -8], { atol: 1e-6 });
    await expectAllClose(b.logScale, [0.5 * Math.log(5), 0.5 * Math.log(20)], { atol: 1e-6 });
    tf.dispose([one, x1, y, x]);
    const before = tf.memory().numTensors;
    b.dispose();
    // logScale, shift and the initialization flag.
    expect(before - tf.memory().numTensors).toBe(3);
  });

  it('refuses bad options', () => {
    expect(() => new ActNorm({ eventSize: 0 })).toThrow(/ActNorm: eventSize must be a positive integer/);
    expect(() => new ActNorm({ eventSize: 2, momentum: 0.1 } as never)).toThrow(/ActNorm.*momentum/);
  });
});
