import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectNoLeaks } from '@densityjs/testing';
import { fit, maf, nice, realNVP, neuralSplineFlow } from './index.js';

/**
 * scikit-learn's make_moons (noise 0.1), generated here so the test needs no other package:
 * outer arc (cos t, sin t), inner arc (1 - cos t, 0.5 - sin t), t ~ U(0, pi), plus N(0, 0.1^2).
 */
function moons(n: number, seed: number): tf.Tensor2D {
  let s = seed * 7919 + 17;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return (s + 0.5) / 2147483647;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = Math.PI * rand();
    const inner = i % 2 === 1;
    out[2 * i] = (inner ? 1 - Math.cos(t) : Math.cos(t)) + 0.1 * gauss();
    out[2 * i + 1] = (inner ? 0.5 - Math.sin(t) : Math.sin(t)) + 0.1 * gauss();
  }
  return tf.tensor2d(out, [n, 2]);
}

/** NLL of the best Gaussian (the MLE fitted to `x` itself), float64: what no learning beats. */
async function gaussianNll(x: tf.Tensor2D): Promise<number> {
  const v = await x.data();
  const n = x.shape[0];
  let m0 = 0, m1 = 0;
  for (let i = 0; i < n; i++) (m0 += v[2 * i]!), (m1 += v[2 * i + 1]!);
  m0 /= n;
  m1 /= n;
  let s00 = 0, s01 = 0, s11 = 0;
  for (let i = 0; i < n; i++) {
    const a = v[2 * i]! - m0, b = v[2 * i + 1]! - m1;
    s00 += a * a;
    s01 += a * b;
    s11 += b * b;
  }
  const det = (s00 / n) * (s11 / n) - (s01 / n) ** 2;
  return Math.log(2 * Math.PI) + 1 + 0.5 * Math.log(det);
}

async function meanNll(flow: { logProb(x: tf.Tensor, o?: { context?: tf.Tensor }): tf.Tensor }, x: tf.Tensor, context?: tf.Tensor): Promise<number> {
  const t = tf.tidy(() => tf.neg(tf.mean(flow.logProb(x, context ? { context } : {}))));
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
}

describeEachBackend(
  'fit (two moons smoke)',
  () => {
    for (const [name, make, bound] of [
      ['maf', maf, 0.25],
      ['realNVP', realNVP, 0.2],
      ['nice', nice, 0.1],
    ] as const) {
      it(`${name} learns two moons beyond the best Gaussian in a few hundred steps, leaking nothing`, async () => {
        const x = moons(2000, 1);
        const xt = moons(2000, 2);
        const flow = make({ eventSize: 2, numLayers: 4, hiddenUnits: [32, 32], seed: 0 });
        const gauss = await gaussianNll(xt);
        let epochsSeen = 0;
        await expectNoLeaks(async () => {
          const res = await fit(flow, x, {
            epochs: 20,
            batchSize: 256,
            learningRate: 5e-3,
            seed: 0,
            validationData: xt,
            // Keep the best validation epoch (affine couplings at this learning rate have spikes).
            patience: 100,
            onEpochEnd: () => {
              epochsSeen++;
            },
          });
          expect(res.history.loss).toHaveLength(20);
          expect(res.history.valLoss).toHaveLength(20);
          expect(res.history.loss.at(-1)!).toBeLessThan(res.history.loss[0]!);
        });
        expect(epochsSeen).toBe(20);
        const nll = await meanNll(flow, xt);
        // A model that does not learn (the base N(0, I)) scores ~2.3 nats, the best Gaussian ~1.95.
        expect(nll).toBeLessThan(gauss - bound);
        flow.dispose();
        tf.dispose([x, xt]);
      });
    }
  },
  { webgpu: false },
);

describeEachBackend(
  'fit',
  () => {
    it('neural spline flow (coupling) learns too', async () => {
      const x = moons(1000, 3);
      const flow = neuralSplineFlow({ eventSize: 2, numLayers: 2, hiddenUnits: [16, 16], bins: 6, seed: 0 });
      const before = await meanNll(flow, x);
      await fit(flow, x, { epochs: 12, batchSize: 250, learningRate: 1e-2, seed: 1 });
      expect(await meanNll(flow, x)).toBeLessThan(before - 0.4);
      flow.dispose();
      x.dispose();
    });

    it('early stopping on validation data restores the best epoch; BatchNorm trains and is restored to eval mode', async () => {
      const x = moons(512, 4);
      const xv = moons(512, 5);
      const flow = maf({ eventSize: 2, numLayers: 2, hiddenUnits: [16], batchNorm: true, seed: 0 });
      const res = await fit(flow, x, { epochs: 40, batchSize: 128, learningRate: 3e-2, seed: 0, validationData: xv, patience: 2 });
      const val = res.history.valLoss!;
      expect(res.bestEpoch).toBe(val.indexOf(Math.min(...val)));
      // Stopped after `patience` epochs without improvement, or ran every epoch.
      expect(val.length).toBe(res.stoppedEarly ? res.bestEpoch! + 3 : 40);
      // The restored weights score the best validation loss (evaluation mode, as fit measured it).
      expect(flow.training).toBe(false);
      expect(await meanNll(flow, xv)).toBeCloseTo(Math.min(...val), 4); // BatchNorm statistics rewound too
      const running = await flow.stateVariables[1]!.data();
      expect(running[0]).not.toBe(1); // running variance moved
      flow.dispose();
      tf.dispose([x, xv]);
    });

    it('trains a conditional flow: the context moves the density where it belongs', async () => {
      // x | c ~ N(3 (2c - 1), 0.5^2 I): two clusters picked by a binary context.
      const n = 1024;
      const c = tf.tensor2d(Array.from({ length: n }, (_, i) => [i % 2]), [n, 1]);
      const noise = tf.randomNormal([n, 2], 0, 0.5, 'float32', 3);
      const x = tf.tidy(() => tf.add(tf.mul(tf.sub(tf.mul(c, 2), 1), 3), noise)) as tf.Tensor2D;
      const flow = maf({ eventSize: 2, numLayers: 2, hiddenUnits: [16, 16], contextSize: 1, seed: 0 });
      await fit(flow, x, { epochs: 15, batchSize: 128, learningRate: 1e-2, seed: 0, context: c });
      const right = await meanNll(flow, x, c);
      const wrong = tf.sub(1, c);
      expect(right).toBeLessThan(2.2); // true conditional entropy: 2 (0.5 log(2 pi e) + log 0.5) = 1.45
      expect(await meanNll(flow, x, wrong)).toBeGreaterThan(right + 5);
      // Samples at context 1 sit around (+3, +3); a shared [contextSize] context broadcasts.
      const s = flow.sample(200, { context: tf.tensor1d([1]), seed: 4 });
      const m = await tf.mean(s, 0).data();
      expect(m[0]).toBeGreaterThan(2);
      expect(m[1]).toBeGreaterThan(2);
      tf.dispose([c, noise, x, wrong, s]);
      flow.dispose();
    });
  },
  { webgpu: false },
);

describe('fit errors', () => {
  it('rejects bad data, context misuse and bad options with clear messages', async () => {
    const flow = maf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], seed: 0 });
    const x = tf.tensor2d([[0, 1], [2, 3], [4, 5]]);
    const bad = tf.tensor2d([[0, 1], [NaN, 3], [4, 5]]);
    const x3 = tf.zeros([3, 3]);
    const c = tf.zeros([3, 1]);
    await expectNoLeaks(async () => {
      await expect(fit(flow, bad)).rejects.toThrow('fit: data must be finite values (no NaN or Infinity), received a non-finite value in row 1 of a tensor of shape [3, 2]');
      await expect(fit(flow, x3)).rejects.toThrow(/fit: data must be a 2-D tensor of shape \[n, 2\] \(eventSize 2\), received a float32 tensor of shape \[3, 3\]/);
      await expect(fit(flow, x, { context: c })).rejects.toThrow(/fit: context must be undefined \(this model is unconditional/);
      await expect(fit(flow, x, { validationData: bad })).rejects.toThrow(/fit: validationData must be finite values/);
      await expect(fit(flow, x, { epochs: -1 })).rejects.toThrow(/fit: epochs must be a positive integer, received -1/);
      await expect(fit({} as never, x)).rejects.toThrow(/fit: model must be a trainable density \(a Flow, a TransformedDistribution with variables, or an MDN\)/);
    });
    const cond = maf({ eventSize: 2, numLayers: 1, hiddenUnits: [4], contextSize: 1, seed: 0 });
    await expect(fit(cond, x)).rejects.toThrow(/fit: context must be a 2-D tensor of shape \[3, 1\] \(the model is conditional\)/);
    await expect(fit(cond, x, { context: tf.zeros([2, 1]) })).rejects.toThrow(/fit: context must be a 2-D tensor of shape \[3, 1\]/);
    await expect(fit(cond, x, { context: c, validationData: x })).rejects.toThrow(/fit: validationContext must be a 2-D tensor of shape \[3, 1\]/);
    tf.dispose([x, bad, x3, c]);
    flow.dispose();
    cond.dispose();
  });
});

describe('training keeps the model sound', () => {
  it('a BatchNorm flow trained on 257 rows (a one-row last batch) scores its data as its training loss says', async () => {
    const flow = maf({ eventSize: 2, numLayers: 3, hiddenUnits: [16], batchNorm: true, seed: 0 });
    const x = moons(257, 3);
    const { history } = await fit(flow, x, { epochs: 20, seed: 1 });
    const nll = tf.tidy(() => tf.neg(tf.mean(flow.logProb(x))).dataSync()[0]!);
    // A one-row batch would have fed a zero variance to BatchNorm and ruined it (NLL ~5e4).
    expect(Number.isFinite(nll)).toBe(true);
    expect(Math.abs(nll - history.loss.at(-1)!)).toBeLessThan(0.5);
    x.dispose();
    flow.dispose();
  });

  it('a diverging run stops with a NumericalError and keeps the best weights it saw (here the starting ones)', async () => {
    const flow = maf({ eventSize: 2, numLayers: 2, hiddenUnits: [8], seed: 2 });
    const x = moons(256, 4);
    const before = await flow.logProb(x).data();
    const error = await fit(flow, x, { learningRate: 10, batchSize: 16, epochs: 20, seed: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NumericalError', code: 'ERR_DENSITYJS_NUMERICAL' });
    const restored = (error as { restoredEpoch: number }).restoredEpoch;
    const after = await flow.logProb(x).data();
    if (restored === -1) expect(Array.from(after)).toEqual(Array.from(before));
    // Whatever epoch it restored, the model is no worse than where it started.
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
    expect(mean(after)).toBeGreaterThanOrEqual(mean(before) - 1e-6);
    x.dispose();
    flow.dispose();
  });
});

describeEachBackend(
  'fit defaults',
  () => {
    // The same seeded run twice, read back as the flow's weights.
    const weightsAfter = async (rows: number, batchSize: number, opts: Record<string, number>): Promise<Float32Array> => {
      const x = moons(rows, 3);
      const flow = maf({ eventSize: 2, numLayers: 1, hiddenUnits: [8], seed: 4 });
      await fit(flow, x, { epochs: 3, batchSize, seed: 5, ...opts });
      const w = tf.tidy(() => tf.concat(flow.trainableVariables.map((v) => tf.reshape(v, [-1]))));
      const values = (await w.data()) as Float32Array;
      tf.dispose([w, x]);
      flow.dispose();
      return values;
    };
    const plain = { learningRate: 2e-3, warmup: 0, emaMomentum: 0 };

    it('full-batch training is plain Adam at 2e-3 (no warmup, no averaging); minibatch training is not', async () => {
      await expectNoLeaks(async () => {
        expect(Array.from(await weightsAfter(64, 64, {}))).toEqual(Array.from(await weightsAfter(64, 64, plain)));
        expect(Array.from(await weightsAfter(64, 16, {}))).not.toEqual(Array.from(await weightsAfter(64, 16, plain)));
      });
    });
  },
  { webgpu: false },
);
