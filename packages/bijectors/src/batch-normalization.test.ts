import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBijector, describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { BatchNormalization } from './index.js';

/** An eval-mode BatchNormalization with non-trivial statistics and parameters. */
function evalBatchNorm(): BatchNormalization {
  const bn = new BatchNormalization({ eventSize: 3, training: false });
  bn.gamma.assign(tf.tensor1d([0.3, -0.2, 0.1]));
  bn.beta.assign(tf.tensor1d([0.5, -1, 0]));
  bn.movingMean.assign(tf.tensor1d([1, -2, 0.5]));
  bn.movingVariance.assign(tf.tensor1d([4, 0.25, 1.5]));
  return bn;
}

describeBijector({ name: 'BatchNormalization (eval mode)', make: evalBatchNorm, eventShape: [3], webgpu: true });

describeEachBackend('BatchNormalization (training mode, as in the tutorial)', () => {
  // Plain-JS float64 reference of the seed's BatchNorm._inverse / _inverse_log_det_jacobian.
  const rows = [[1, 2], [3, -1], [0.5, 0], [2, 4]];
  const mean = [0, 1].map((j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  const variance = [0, 1].map((j) => rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / rows.length);
  const gamma = [0.2, -0.4];
  const beta = [1, -0.5];
  const eps = 1e-5;

  it('normalizes with batch statistics, updates the running ones, and gives the seed log-det', async () => {
    const bn = new BatchNormalization({ eventSize: 2, momentum: 0.05 });
    bn.gamma.assign(tf.tensor1d(gamma));
    bn.beta.assign(tf.tensor1d(beta));
    const y = tf.tensor2d(rows);
    const [u, ld] = bn.inverseAndLogDet(y);
    const expected = rows.map((r) => r.map((v, j) => ((v - mean[j]!) / Math.sqrt(variance[j]! + eps)) * Math.exp(gamma[j]!) + beta[j]!));
    await expectAllClose(u, expected, { atol: 1e-5, rtol: 1e-5 });
    const ldRef = [0, 1].reduce((s, j) => s + gamma[j]! - 0.5 * Math.log(variance[j]! + eps), 0);
    await expectAllClose(ld, rows.map(() => ldRef), { atol: 1e-5, rtol: 1e-5 });
    // Seed: train_m -= decay (train_m - m) with decay 0.95, from 0 and 1.
    await expectAllClose(bn.movingMean, mean.map((m) => 0.95 * m), { atol: 1e-6, rtol: 1e-5 });
    await expectAllClose(bn.movingVariance, variance.map((v) => 1 - 0.95 * (1 - v)), { atol: 1e-6, rtol: 1e-5 });
    // The forward (sampling) pass uses the running statistics.
    const back = bn.forward(u);
    const mm = mean.map((m) => 0.95 * m);
    const mv = variance.map((v) => 1 - 0.95 * (1 - v));
    const ref = expected.map((r) => r.map((v, j) => (v - beta[j]!) * Math.exp(-gamma[j]!) * Math.sqrt(mv[j]! + eps) + mm[j]!));
    await expectAllClose(back, ref, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([y, u, ld, back]);
  });

  it('in eval mode is an exact inverse pair and leaves the statistics alone', async () => {
    const bn = new BatchNormalization({ eventSize: 2 });
    const y = tf.tensor2d(rows);
    tf.dispose(bn.inverse(y)); // training step: statistics move
    bn.training = false;
    const before = await bn.movingMean.data();
    const [u, ld] = bn.inverseAndLogDet(y);
    const [y2, ldf] = bn.forwardAndLogDet(u);
    await expectAllClose(y2, y, { atol: 1e-5, rtol: 1e-5 });
    const neg = tf.neg(ldf);
    await expectAllClose(ld, neg, { atol: 1e-6 });
    await expectAllClose(bn.movingMean, before, { atol: 0, rtol: 0 });
    tf.dispose([y, u, ld, y2, ldf, neg]);
    bn.dispose();
  });

  it('trains gamma and beta through the batch statistics without leaking', async () => {
    const bn = new BatchNormalization({ eventSize: 2 });
    expect(bn.trainableVariables).toHaveLength(2);
    const y = tf.tensor2d(rows);
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(() => {
        const [u, ld] = bn.inverseAndLogDet(y);
        return tf.mean(tf.sub(tf.mul(tf.sum(tf.square(u), -1), 0.5), ld)) as tf.Scalar;
      }, bn.trainableVariables);
      tf.dispose([value, ...Object.values(grads)]);
    });
    y.dispose();
    await expectNoLeaks(() => bn.dispose(), { expectedNew: -4 });
  });
});

describe('BatchNormalization bad input', () => {
  it('names bad options and a wrong event size', () => {
    expect(() => new BatchNormalization({ eventSize: 0 })).toThrow(/BatchNormalization: eventSize must be a positive integer, received 0/);
    expect(() => new BatchNormalization({ eventSize: 2, momentum: 1 })).toThrow(/momentum must be in \[0, 1\)/);
    const bn = new BatchNormalization({ eventSize: 2 });
    const y = tf.zeros([4, 3]);
    expect(() => bn.inverse(y)).toThrow(/BatchNormalization: y must be a tensor whose last dimension is the event size 2, received a tensor of shape \[4, 3\]/);
    tf.dispose(y);
    bn.dispose();
  });
});

describe('BatchNormalization never trains on unusable statistics', () => {
  it('a one-row training batch uses the running statistics and leaves them unchanged', async () => {
    const bn = evalBatchNorm();
    bn.training = true;
    const y = tf.tensor2d([[2, -1, 0.5]]);
    const [u, ld] = bn.inverseAndLogDet(y);
    // Reference in float64 from the running statistics (what evaluation mode computes).
    const mean = [1, -2, 0.5];
    const variance = [4, 0.25, 1.5];
    const gamma = [0.3, -0.2, 0.1];
    const beta = [0.5, -1, 0];
    const expected = [0, 1, 2].map((i) => ((([2, -1, 0.5][i]! - mean[i]!) / Math.sqrt(variance[i]! + 1e-5)) * Math.exp(gamma[i]!) + beta[i]!));
    await expectAllClose(u, [expected], { atol: 1e-5, rtol: 1e-5 });
    const expectedLd = [0, 1, 2].reduce((acc, i) => acc + gamma[i]! - 0.5 * Math.log(variance[i]! + 1e-5), 0);
    await expectAllClose(ld, [expectedLd], { atol: 1e-5, rtol: 1e-5 });
    await expectAllClose(bn.movingMean, mean, { atol: 0, rtol: 0 });
    await expectAllClose(bn.movingVariance, variance, { atol: 0, rtol: 0 });
    tf.dispose([y, u, ld]);
    bn.dispose();
  });

  it('a NaN row leaves the running statistics of its features unchanged', async () => {
    const bn = evalBatchNorm();
    bn.training = true;
    const y = tf.tensor2d([
      [NaN, 1, 2],
      [0, 3, 4],
      [1, 5, 6],
    ]);
    const out = bn.inverseAndLogDet(y);
    const mean = Array.from(await bn.movingMean.data());
    const variance = Array.from(await bn.movingVariance.data());
    expect(mean[0]).toBe(1); // the NaN feature keeps its old value
    expect(variance[0]).toBe(4);
    // The finite features move by the moving average of the batch moments (float64 reference).
    expect(mean[1]).toBeCloseTo(0.05 * -2 + 0.95 * 3, 5);
    expect(variance[1]).toBeCloseTo(0.05 * 0.25 + 0.95 * (8 / 3), 5);
    expect(mean.every(Number.isFinite) && variance.every(Number.isFinite)).toBe(true);
    tf.dispose([y, ...out]);
    bn.dispose();
  });

  it('refuses unknown option keys and a non-boolean training flag', () => {
    expect(() => new BatchNormalization({ eventSize: 2, momentun: 0.1 } as never)).toThrow(/did you mean "momentum"/);
    expect(() => new BatchNormalization({ eventSize: 2, training: 'yes' as never })).toThrow(/training must be a boolean/);
  });
});
