import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { resolveFitOptions, trainLoop } from './train-loop.js';
import { WeightAverage } from './weight-average.js';
import { setDirectKernelsEnabled } from './kernels/direct-backend.js';

/** Bias-corrected EMA of the iterates w_1..w_t in float64: sum b^(t-k) w_k / sum b^(t-k). */
function reference(iterates: number[], b: number): number {
  let num = 0;
  let den = 0;
  iterates.forEach((w, k) => {
    const weight = Math.pow(b, iterates.length - 1 - k);
    num += weight * w;
    den += weight;
  });
  return num / den;
}

describeEachBackend('WeightAverage', () => {
  it('holds the bias-corrected weighted mean of the iterates, and gives the iterates back', async () => {
    await expectNoLeaks(async () => {
      const v = tf.tidy(() => tf.variable(tf.tensor1d([0, 10])));
      const avg = new WeightAverage([v], 0.9);
      const iterates: number[][] = [];
      for (const step of [[1, 2], [3, -4], [-2, 8], [5, 5]]) {
        tf.tidy(() => v.assign(tf.tensor1d(step)));
        iterates.push(step);
        avg.update();
      }
      expect(avg.count).toBe(4);
      avg.swapIn();
      expect(avg.swapped).toBe(true);
      await expectAllClose(v, [reference(iterates.map((w) => w[0]!), 0.9), reference(iterates.map((w) => w[1]!), 0.9)], { atol: 1e-5 });
      avg.swapOut();
      await expectAllClose(v, [5, 5], { atol: 0 });
      avg.finish();
      await expectAllClose(v, [reference(iterates.map((w) => w[0]!), 0.9), reference(iterates.map((w) => w[1]!), 0.9)], { atol: 1e-5 });
      avg.dispose();
      v.dispose();
    });
  });

  it('does nothing before the first step; dispose frees the iterates it keeps while swapped in', async () => {
    await expectNoLeaks(async () => {
      const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
      const avg = new WeightAverage([v], 0.5);
      avg.swapIn();
      expect(avg.swapped).toBe(false);
      expect(avg.count).toBe(0);
      tf.tidy(() => v.assign(tf.tensor1d([3, 5])));
      avg.update();
      avg.swapIn();
      avg.swapIn(); // a second swapIn keeps the iterates of the first
      await expectAllClose(v, [3, 5], { atol: 0 });
      avg.swapOut();
      await expectAllClose(v, [3, 5], { atol: 0 });
      avg.swapIn();
      avg.dispose();
      v.dispose();
    });
  });

  it('averages several variables of different shapes alike through the fused and the composed update', async () => {
    // Three variables (a matrix, a vector, a scalar-shaped one): the one-kernel update over the
    // flat sums must give every entry its own float64 mean, as the composed ops do.
    const steps = [
      [[1, 2, 3, 4], [5, -6], [7]],
      [[-1, 0, 2, 8], [1, 1], [-3]],
      [[4, 4, -4, 0.5], [2, -2], [0]],
    ];
    // Also a single variable (the composed update skips its concatenation).
    for (const [direct, count] of [[true, 3], [false, 3], [false, 1]] as const) {
      const previous = setDirectKernelsEnabled(direct);
      try {
        await expectNoLeaks(async () => {
          const vars = tf.tidy(() => ([[2, 2], [2], [1, 1]] as const).slice(0, count).map((shape) => tf.variable(tf.zeros([...shape]))));
          const avg = new WeightAverage(vars, 0.8);
          for (const values of steps) {
            tf.tidy(() => vars.forEach((v, i) => v.assign(tf.reshape(tf.tensor1d(values[i]!), v.shape))));
            avg.update();
          }
          avg.finish();
          for (let i = 0; i < vars.length; i++) {
            const expected = steps[0]![i]!.map((_, j) => reference(steps.map((st) => st[i]![j]!), 0.8));
            const flat = tf.reshape(vars[i]!, [-1]);
            await expectAllClose(flat, expected, { atol: 1e-5 });
            flat.dispose();
          }
          avg.dispose();
          tf.dispose(vars);
        });
      } finally {
        setDirectKernelsEnabled(previous);
      }
    }
  });

  it('trainLoop ends each epoch with the average and steps on from the iterate', async () => {
    // loss = w has the constant gradient 1: each SGD step (rate 0.1) moves the iterate by -0.1
    // whatever the averaged value, so iterate k is -0.1 k; the epochs (10 steps each) end with
    // the average of the iterates so far (30 planned steps: the cap 1 - 10 / 30 is above 0.5).
    await expectNoLeaks(async () => {
      const w = tf.tidy(() => tf.variable(tf.scalar(0)));
      const sgd = tf.train.sgd(0.1);
      const atEpochEnd: number[] = [];
      await trainLoop(
        { owner: 'test', variables: [w], numExamples: 10, batchLoss: () => tf.mul(w, 1) as tf.Scalar },
        { epochs: 3, batchSize: 1, optimizer: sgd, seed: 0, emaMomentum: 0.5, onEpochEnd: async () => void atEpochEnd.push((await w.data())[0]!) },
      );
      const iterates = Array.from({ length: 30 }, (_, k) => -0.1 * (k + 1));
      const expected = [10, 20, 30].map((t) => reference(iterates.slice(0, t), 0.5));
      await expectAllClose(atEpochEnd, expected, { atol: 1e-6 });
      await expectAllClose(w, expected[2]!, { atol: 1e-6 });
      // A short run averages over a tenth of its steps at most: 20 planned steps cap the
      // momentum at 1 - 10 / 20 = 0.5 whatever emaMomentum asks.
      tf.tidy(() => w.assign(tf.scalar(0)));
      const capped: number[] = [];
      await trainLoop(
        { owner: 'test', variables: [w], numExamples: 10, batchLoss: () => tf.mul(w, 1) as tf.Scalar },
        { epochs: 2, batchSize: 1, optimizer: sgd, seed: 0, emaMomentum: 0.99, onEpochEnd: async () => void capped.push((await w.data())[0]!) },
      );
      await expectAllClose(capped, [10, 20].map((t) => reference(iterates.slice(0, t), 0.5)), { atol: 1e-6 });
      sgd.dispose();
      w.dispose();
    });
  });

  it('emaMomentum 0 (the default of trainLoop) keeps the last iterate; values outside [0, 1) are refused', async () => {
    const w = tf.tidy(() => tf.variable(tf.scalar(0)));
    const sgd = tf.train.sgd(0.1);
    await trainLoop({ owner: 'test', variables: [w], numExamples: 2, batchLoss: () => tf.mul(w, 1) as tf.Scalar }, { epochs: 2, batchSize: 1, optimizer: sgd, seed: 0, emaMomentum: 0 });
    await expectAllClose(w, -0.4, { atol: 1e-6 });
    sgd.dispose();
    w.dispose();
    expect(resolveFitOptions('trainLoop', {}).emaMomentum).toBe(0);
    for (const bad of [1, -0.1, NaN, '0.9']) expect(() => resolveFitOptions('fit', { emaMomentum: bad as never })).toThrow(/fit: emaMomentum must be a number in \[0, 1\)/);
  });
});
