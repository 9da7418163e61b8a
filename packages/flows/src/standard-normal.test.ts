import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectGradientsMatchFiniteDifferences } from '@densityjs/testing';
import { it } from 'vitest';
import { StandardNormal } from './standard-normal.js';

describeEachBackend('StandardNormal (the flows\' base, one custom-gradient op)', () => {
  it('log p(z) = -|z|²/2 - D log(2π)/2, and its hand-written gradient -z dy equals finite differences', async () => {
    const base = new StandardNormal(3);
    const rows = [[0.3, -1.2, 2.5], [4, -0.7, 0], [-2, 0.1, 1.5]];
    const z = tf.tensor2d(rows);
    const lp = base.logProb(z);
    await expectAllClose(lp, rows.map((r) => -0.5 * r.reduce((s, v) => s + v * v, 0) - 1.5 * Math.log(2 * Math.PI)), { atol: 1e-5, rtol: 1e-6 });
    lp.dispose();
    // Through a nonlinearity, so the upstream gradient dy differs per row.
    await expectGradientsMatchFiniteDifferences((x) => tf.sin(base.logProb(x)), [z], { label: 'StandardNormal.logProb', directions: 3 });
    z.dispose();
    // Two batch axes: dy of shape [2, 3] meets z of shape [2, 3, 2] on its batch axes.
    const z3 = tf.tensor3d([[[0.5, -1], [2, 0.3], [-0.4, 1.1]], [[1.5, 0.2], [-2, -0.6], [0.9, 0.7]]]);
    const base2 = new StandardNormal(2);
    await expectGradientsMatchFiniteDifferences((x) => tf.sin(base2.logProb(x)), [z3], { label: 'StandardNormal.logProb, batch [2, 3]', directions: 3 });
    z3.dispose();
    base2.dispose();
    base.dispose();
  });
});
