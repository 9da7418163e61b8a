import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { fit, loadFlow, naf, saveFlow } from './index.js';

/** Two interleaved half circles with N(0, 0.1^2) noise (as scikit-learn's make_moons). */
function moons(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const t = tf.mul(tf.randomUniform([n], 0, Math.PI, 'float32', seed), 1);
    const upper = tf.less(tf.randomUniform([n], 0, 1, 'float32', seed + 1), 0.5);
    const x = tf.where(upper, tf.cos(t), tf.sub(1, tf.cos(t)));
    const y = tf.where(upper, tf.sin(t), tf.sub(0.5, tf.sin(t)));
    return tf.add(tf.stack([x, y], 1), tf.randomNormal([n, 2], 0, 0.1, 'float32', seed + 2)) as tf.Tensor2D;
  });
}

/** Negative log-likelihood per point of the maximum-likelihood Gaussian of `rows` (float64). */
function gaussianNll(rows: number[][]): number {
  const n = rows.length;
  const m = [0, 1].map((k) => rows.reduce((s, r) => s + r[k]!, 0) / n);
  const c = (i: number, j: number) => rows.reduce((s, r) => s + (r[i]! - m[i]!) * (r[j]! - m[j]!), 0) / n;
  const det = c(0, 0) * c(1, 1) - c(0, 1) ** 2;
  return Math.log(2 * Math.PI) + 0.5 * Math.log(det) + 1;
}

describeEachBackend(
  'naf preset',
  () => {
    it('learns two moons beyond the best Gaussian, and a save/load round trip reproduces it', async () => {
      const data = moons(512, 3);
      const flow = naf({ eventSize: 2, numLayers: 2, hiddenUnits: [32, 32], hiddenSigmoids: 4, seed: 1 });
      await fit(flow, data, { epochs: 25, batchSize: 128, learningRate: 1e-2, seed: 2 });
      const nll = tf.tidy(() => tf.neg(tf.mean(flow.logProb(data))));
      const gauss = gaussianNll(data.arraySync());
      // Two moons is far from Gaussian: a flow that learned its shape is well below the Gaussian.
      expect((await nll.data())[0]!).toBeLessThan(gauss - 0.3);
      const loaded = loadFlow(await saveFlow(flow));
      expect(loaded.preset).toBe('naf');
      expect(loaded.config?.hiddenSigmoids).toBe(4);
      await expectAllClose(loaded.logProb(data), flow.logProb(data), { atol: 1e-5, rtol: 1e-5 });
      await expectAllClose(loaded.sample(16, { seed: 4 }), flow.sample(16, { seed: 4 }), { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([data, nll]);
      flow.dispose();
      loaded.dispose();
    });

    it('its samples invert the density map: sampleAndLogProb agrees with logProb; nothing leaks', async () => {
      const flow = naf({ eventSize: 3, numLayers: 2, hiddenUnits: [8], hiddenSigmoids: 3, seed: 5 });
      const ws = flow.getWeights();
      const noisy = ws.map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.4, 'float32', 20 + i)));
      flow.setWeights(noisy);
      tf.dispose([...ws, ...noisy]);
      await expectNoLeaks(async () => {
        const { sample, logProb } = flow.sampleAndLogProb(32, { seed: 7 });
        const lp = flow.logProb(sample);
        await expectAllClose(lp, logProb, { atol: 2e-3, rtol: 1e-3 });
        const z = flow.bijector.inverse(sample);
        const back = flow.bijector.forward(z);
        await expectAllClose(back, sample, { atol: 1e-3, rtol: 1e-3 });
        tf.dispose([sample, logProb, lp, z, back]);
      });
      flow.dispose();
    });

    it('is conditional: at eventSize 1 it learns a bimodal p(y | c)', async () => {
      // y | c = +-(1 + c) + N(0, 0.15^2), signs equally likely: no affine map of a Gaussian fits it.
      const c = tf.randomUniform([512, 1], 0, 1, 'float32', 3) as tf.Tensor2D;
      const sign = tf.sub(tf.mul(tf.cast(tf.less(tf.randomUniform([512, 1], 0, 1, 'float32', 4), 0.5), 'float32'), 2), 1);
      const y = tf.add(tf.mul(sign, tf.add(c, 1)), tf.randomNormal([512, 1], 0, 0.15, 'float32', 5)) as tf.Tensor2D;
      const flow = naf({ eventSize: 1, contextSize: 1, numLayers: 2, hiddenUnits: [32], hiddenSigmoids: 6, seed: 2 });
      await fit(flow, y, { context: c, epochs: 30, batchSize: 128, learningRate: 1e-2, seed: 1 });
      const nll = tf.tidy(() => tf.neg(tf.mean(flow.logProb(y, { context: c }))));
      // True conditional entropy: log 2 + 0.5 log(2 pi e 0.15^2) = -0.28 nats; a Gaussian per c
      // (variance (1 + c)^2 + 0.0225) has 0.5 log(2 pi e) + E log(1 + c) > 1.58 nats.
      expect((await nll.data())[0]!).toBeLessThan(0.6);
      const loaded = loadFlow(await saveFlow(flow));
      await expectAllClose(loaded.logProb(y, { context: c }), flow.logProb(y, { context: c }), { atol: 1e-5 });
      tf.dispose([c, sign, y, nll]);
      flow.dispose();
      loaded.dispose();
    });
  },
  { webgpu: false },
);

describe('naf options', () => {
  it('names a bad hiddenSigmoids and unknown keys', () => {
    expect(() => naf({ eventSize: 2, hiddenSigmoids: 0 })).toThrow(/naf: hiddenSigmoids must be a positive integer, received 0/);
    expect(() => naf({ eventSize: 2, sigmoids: 3 } as never)).toThrow(/naf/);
    expect(() => naf({ eventSize: 3, hiddenUnits: [1] })).toThrow(/naf: hiddenUnits\[0\] must be >= eventSize - 1 = 2/);
  });

  it('refuses missing options as an ArgumentError, and takes a single sigmoid (the smallest mixture)', () => {
    expect(() => naf(undefined as never)).toThrow(/^naf: options must be an object such as \{eventSize: 2\}, received undefined$/);
    const flow = naf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], hiddenSigmoids: 1, seed: 1 });
    expect(flow.config?.hiddenSigmoids).toBe(1);
    const x = tf.tensor2d([[0.1, -0.2]]);
    const lp = flow.logProb(x);
    expect(Number.isFinite(lp.dataSync()[0])).toBe(true);
    tf.dispose([x, lp]);
    flow.dispose();
  });
});
