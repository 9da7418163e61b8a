import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectAllClose } from '@densityjs/testing';
import { MDN } from './mdn.js';
import { inverseSine } from '@densityjs/datasets';

/** Number of separated groups: runs of occupied 0.25-wide bins holding >= 5% of the samples. */
function countClusters(values: ArrayLike<number>): number {
  const width = 0.25;
  const bins = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor(values[i]! / width);
    bins.set(b, (bins.get(b) ?? 0) + 1);
  }
  const keys = [...bins.keys()].sort((a, b) => a - b);
  // A bin is occupied above 0.2% of the samples (ignores stray tail draws); clusters are
  // maximal runs of occupied bins, counted when they hold >= 5% of all samples.
  const occupied = keys.filter((k) => bins.get(k)! >= 0.002 * values.length);
  let clusters = 0;
  let mass = 0;
  for (let i = 0; i < occupied.length; i++) {
    mass += bins.get(occupied[i]!)!;
    const endOfRun = i === occupied.length - 1 || occupied[i + 1]! !== occupied[i]! + 1;
    if (endOfRun) {
      if (mass >= 0.05 * values.length) clusters++;
      mass = 0;
    }
  }
  return clusters;
}

describeEachBackend(
  "MDN on the seed's inverse problem",
  () => {
    it('reaches test NLL <= 1.6 nats, samples the branches at x = 0, and leaks nothing', async () => {
      const train = inverseSine(1000, { inverse: true, seed: 1 });
      const test = inverseSine(5000, { inverse: true, seed: 2 });
      const x = tf.tensor2d(train.x, [1000, 1]);
      const y = tf.tensor2d(train.y, [1000, 1]);
      const xt = tf.tensor2d(test.x, [5000, 1]);
      const yt = tf.tensor2d(test.y, [5000, 1]);
      const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 5, hiddenUnits: 20, seed: 0 });
      const before = tf.memory().numTensors;
      // Smoke level: the full <= 1.40 run (more epochs) is `pnpm bench quality --task mdn`.
      const { history } = await mdn.fit(x, y, { epochs: 900, batchSize: 1000, learningRate: 1e-2, seed: 1 });
      expect(tf.memory().numTensors).toBe(before);
      expect(history.loss).toHaveLength(900);
      const nll = mdn.loss(xt, yt);
      const value = (await nll.data())[0]!;
      expect(value).toBeLessThanOrEqual(1.6);
      // The same number from the distribution's logProb.
      const lp = mdn.logProb(xt, yt);
      await expectAllClose(tf.neg(tf.mean(lp)), value, { atol: 1e-3, rtol: 1e-4 });

      // x = 0 has five preimages (t = 0, about +-4.6 and +-7.7): at least 3 separated clusters.
      const x0 = tf.zeros([2000, 1]);
      const s = mdn.sample(x0, { seed: 3 });
      expect(countClusters(await s.data())).toBeGreaterThanOrEqual(3);
      tf.dispose([x, y, xt, yt, nll, lp, x0, s]);
      mdn.dispose();
    });
  },
  { only: ['cpu'] },
);

describeEachBackend(
  'MDN.fit',
  (backend) => {
    const data = inverseSine(200, { inverse: true, seed: 5 });
    const make = () => ({ x: tf.tensor2d(data.x, [200, 1]), y: tf.tensor2d(data.y, [200, 1]) });

    // The fused kernel has cpu and wasm implementations only.
    it.skipIf(backend === 'webgpu')('fused and composed paths follow the same trajectory', async () => {
      const { x, y } = make();
      const a = new MDN({ inputSize: 1, outputSize: 1, numComponents: 3, hiddenUnits: 8, seed: 2 });
      const b = new MDN({ inputSize: 1, outputSize: 1, numComponents: 3, hiddenUnits: 8, seed: 2, fused: false });
      expect(a.usesFusedKernel()).toBe(true);
      expect(b.usesFusedKernel()).toBe(false);
      const ha = await a.fit(x, y, { epochs: 5, batchSize: 64, seed: 4, learningRate: 1e-2 });
      const hb = await b.fit(x, y, { epochs: 5, batchSize: 64, seed: 4, learningRate: 1e-2 });
      await expectAllClose(ha.history.loss, hb.history.loss, { atol: 1e-4, rtol: 1e-4 });
      await expectAllClose(a.params, b.params, { atol: 1e-4, rtol: 1e-3 });
      tf.dispose([x, y]);
      a.dispose();
      b.dispose();
    });

    it("fit frees what it made and never the caller's data (fused and composed, normalized or not)", async () => {
      const { x, y } = make();
      const v = inverseSine(50, { inverse: true, seed: 7 });
      const vx = tf.tensor2d(v.x, [50, 1]);
      const vy = tf.tensor2d(v.y, [50, 1]);
      for (const fused of ['auto', false] as const) {
        for (const normalize of [true, false]) {
          const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: 4, seed: 3, fused, normalize });
          const before = tf.memory().numTensors;
          // A minibatch (gathered rows) and a validation set: every buffer fit makes.
          await mdn.fit(x, y, { epochs: 2, batchSize: 64, seed: 1, validationData: [vx, vy] });
          expect(tf.memory().numTensors, `fused ${fused}, normalize ${normalize}`).toBe(before);
          for (const t of [x, y, vx, vy]) expect(t.isDisposed).toBe(false);
          expect(mdn.normalizer === null).toBe(!normalize);
          mdn.dispose();
        }
      }
      tf.dispose([x, y, vx, vy]);
    });

    it("fused: true and 'auto' both take the kernel here, at any batch size", () => {
      const options = { inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: 4, seed: 3 } as const;
      const forced = new MDN({ ...options, fused: true });
      const auto = new MDN({ ...options, fused: 'auto' });
      expect(forced.usesFusedKernel()).toBe(true);
      // The WebAssembly kernel beats the composed ops at every size, so 'auto' never leaves it.
      expect(auto.usesFusedKernel(1)).toBe(true);
      expect(auto.usesFusedKernel(1e6)).toBe(true);
      forced.dispose();
      auto.dispose();
    });

    it('validationData, early stopping with best weights, onEpochEnd, abort', async () => {
      const { x, y } = make();
      const v = inverseSine(100, { inverse: true, seed: 6 });
      const vx = tf.tensor2d(v.x, [100, 1]);
      const vy = tf.tensor2d(v.y, [100, 1]);
      const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 3, hiddenUnits: 8, seed: 2 });
      const seen: number[] = [];
      const result = await mdn.fit(x, y, {
        epochs: 6,
        batchSize: 1000,
        validationData: [vx, vy],
        patience: 100,
        // The knock below edits the weights between epochs: without averaging, the steps go on
        // from them (with it, from the un-averaged iterate).
        emaMomentum: 0,
        onEpochEnd: (epoch) => {
          seen.push(epoch);
          // Knock the weights off after epoch 2: the validation curve then rises, and the best
          // epoch is not the last one (on a falling curve "restores the best" cannot fail).
          if (epoch === 2) {
            const w = mdn.trainableVariables[0]!;
            tf.tidy(() => w.assign(tf.add(w, tf.randomNormal(w.shape, 0, 0.5, 'float32', 9))));
          }
        },
      });
      expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
      const valLoss = result.history.valLoss!;
      expect(valLoss).toHaveLength(6);
      const best = Math.min(...valLoss);
      expect(valLoss.indexOf(best), `validation curve ${valLoss}`).toBeLessThanOrEqual(2);
      expect(valLoss[5]! - best, `validation curve ${valLoss}`).toBeGreaterThan(0.05);
      // Restored best weights: the validation NLL now equals the best epoch's.
      const now = mdn.loss(vx, vy);
      await expectAllClose(now, best, { atol: 1e-4, rtol: 1e-4 });
      const controller = new AbortController();
      const aborted = await mdn.fit(x, y, {
        epochs: 50,
        signal: controller.signal,
        onEpochEnd: (epoch) => {
          if (epoch === 1) controller.abort();
        },
      });
      expect(aborted.aborted).toBe(true);
      expect(aborted.history.loss).toHaveLength(2);
      tf.dispose([x, y, vx, vy, now]);
      mdn.dispose();
    });

    it('records the normalizer at the first fit and saves it with the weights', async () => {
      const { x, y } = make();
      const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 3, hiddenUnits: 8, seed: 2 });
      expect(mdn.normalizer).toBeNull();
      await mdn.fit(x, y, { epochs: 2 });
      const nz = mdn.normalizer!;
      const mean = data.y.reduce((a, v) => a + v, 0) / data.y.length;
      const std = Math.sqrt(data.y.reduce((a, v) => a + (v - mean) ** 2, 0) / data.y.length);
      expect(nz.yMean[0]).toBeCloseTo(mean, 4);
      expect(nz.yStd[0]).toBeCloseTo(std, 4);
      const back = MDN.fromJSON(JSON.parse(JSON.stringify(mdn.toJSON())));
      expect(back.normalizer).toEqual(nz);
      const a = mdn.logProb(x, y);
      const b = back.logProb(x, y);
      await expectAllClose(a, b, { atol: 0, rtol: 0 });
      // A second fit keeps the first normalizer (the weights are in its units).
      await mdn.fit(tf.mul(x, 3), y, { epochs: 1 });
      expect(mdn.normalizer).toEqual(nz);
      tf.dispose([x, y, a, b]);
      mdn.dispose();
      back.dispose();
    });

    it('trains without NaN on far targets (|y| = 1000) and reports losses in the original units', async () => {
      const xs = tf.tensor2d([[0], [0.1], [0.2], [0.3], [5], [5.1]]);
      const ys = tf.tensor2d([[1000], [1000.5], [999.5], [1001], [-1000], [-1000.2]]);
      for (const normalize of [true, false]) {
        const mdn = new MDN({ inputSize: 1, outputSize: 1, numComponents: 2, hiddenUnits: 4, seed: 1, normalize });
        const { history } = await mdn.fit(xs, ys, { epochs: 20, learningRate: 1e-2 });
        expect(history.loss.every(Number.isFinite)).toBe(true);
        const nll = mdn.loss(xs, ys);
        await expectAllClose(nll, history.loss[19]!, { atol: Math.abs(history.loss[19]!) * 0.5 + 1, rtol: 0 });
        // logProb agrees with the loss in the original units.
        const lp = mdn.logProb(xs, ys);
        await expectAllClose(tf.neg(tf.mean(lp)), nll, { atol: 1e-3, rtol: 1e-4 });
        tf.dispose([nll, lp]);
        mdn.dispose();
      }
      tf.dispose([xs, ys]);
    });
  },
  { webgpu: false },
);
