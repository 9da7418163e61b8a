import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectAllClose, expectGradientsMatchFiniteDifferences } from '@densityjs/testing';
import { it } from 'vitest';
import { negativeMean } from './fit.js';

describeEachBackend('negativeMean (the custom-gradient loss of fit)', () => {
  it('is -mean(v), and its gradient -dy / n equals central finite differences', async () => {
    const v = tf.tensor1d([0.3, -1.2, 2.5, 4, -0.7]);
    const loss = negativeMean(v);
    await expectAllClose(loss, -(0.3 - 1.2 + 2.5 + 4 - 0.7) / 5, { atol: 1e-6, rtol: 1e-6 });
    loss.dispose();
    // Through a nonlinearity, so the upstream gradient dy is not 1.
    await expectGradientsMatchFiniteDifferences((x) => tf.square(negativeMean(tf.sin(x))), [v], { label: 'negativeMean', directions: 3 });
    v.dispose();
  });
});
