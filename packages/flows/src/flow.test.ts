// A Flow is a bijector plus a base: built by hand from @densityjs/bijectors' classes it trains
// with `fit`, samples, and saves/loads like a preset; any base with event shape [D] works.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Chain, MaskedAutoregressiveFlow, Reverse, RealNVP, Exp, Invert, Scale, Shift, type Bijector } from '@densityjs/bijectors';
import { Independent, MultivariateNormalDiag, Normal, StudentT, TransformedDistribution } from '@densityjs/distributions';
import { MADE } from '@densityjs/made';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '@densityjs/testing';
import { DenseNetwork, fit, Flow, iaf, loadFlow, maf, naf, neuralSplineFlow, realNVP, saveFlow } from './index.js';

const LOG_2PI = Math.log(2 * Math.PI);

function handBuilt(seed: number): Flow {
  const made = (order: 'left-to-right' | 'right-to-left', s: number) => new MADE({ eventSize: 2, hiddenUnits: [16, 16], inputOrder: order, seed: s });
  const bijector = new Chain([
    new MaskedAutoregressiveFlow({ conditioner: made('left-to-right', seed) }),
    new Reverse(),
    new MaskedAutoregressiveFlow({ conditioner: made('right-to-left', seed + 1) }),
    new RealNVP({ numMasked: 1, conditioner: new DenseNetwork({ inputSize: 1, outputShape: [1, 2], hiddenUnits: [8], seed: seed + 2 }) }),
  ]);
  return new Flow({ bijector, base: new MultivariateNormalDiag({ loc: [0.5, -0.5], scaleDiag: [2, 0.5] }) });
}

/** Rows of a correlated 2-D Gaussian (x2 = 0.8 x1 + noise), drawn with a seed. */
function correlated(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.randomNormal([n, 2], 0, 1, 'float32', seed);
    const [a, b] = tf.split(z, 2, 1);
    return tf.concat([a!, tf.add(tf.mul(a!, 0.8), tf.mul(b!, 0.3))], 1) as tf.Tensor2D;
  });
}

// Training and synchronous reads: cpu and wasm (Node's webgpu cannot read synchronously).
describeEachBackend('Flow built by hand', () => {
  it('logProb is the change of variables through the given base', async () => {
    const flow = handBuilt(1);
    const y = tf.randomNormal([7, 2], 0, 1.5, 'float32', 3);
    const [x, ildj] = flow.bijector.inverseAndLogDet(y);
    // Base log-density in float64 from the base's parameters.
    const xs = (await x.array()) as number[][];
    const expected = xs.map((row, i) => {
      const loc = [0.5, -0.5];
      const scale = [2, 0.5];
      let lp = 0;
      row.forEach((v, j) => {
        const z = (v - loc[j]!) / scale[j]!;
        lp += -0.5 * z * z - Math.log(scale[j]!) - 0.5 * LOG_2PI;
      });
      return lp + ((ildj.arraySync() as number[])[i] ?? NaN);
    });
    await expectAllClose(flow.logProb(y), expected, { atol: 1e-4 });
    tf.dispose([y, x, ildj]);
    flow.dispose();
  });

  it('trains with fit, samples, and saves/loads to the same density', async () => {
    const flow = handBuilt(2);
    const data = correlated(512, 4);
    const before = tf.tidy(() => tf.neg(tf.mean(flow.logProb(data))).dataSync()[0]!);
    const result = await fit(flow, data, { epochs: 15, batchSize: 128, learningRate: 3e-3, seed: 5 });
    const after = tf.tidy(() => tf.neg(tf.mean(flow.logProb(data))).dataSync()[0]!);
    // The data's entropy is about 1.63 nats; the start is far from it.
    expect(before).toBeGreaterThan(2.2);
    expect(after).toBeLessThan(before - 0.4);
    expect(result.history.loss).toHaveLength(15);
    const s = flow.sample(5, { seed: 6 });
    expect(s.shape).toEqual([5, 2]);
    const json = JSON.parse(JSON.stringify(await saveFlow(flow)));
    expect(json.preset).toBeUndefined();
    expect(json.bijector.type).toBe('Chain');
    const loaded = loadFlow(json);
    await expectAllClose(loaded.logProb(data), flow.logProb(data), { atol: 1e-5 });
    await expectAllClose(loaded.sample(5, { seed: 6 }), s, { atol: 1e-5 });
    tf.dispose([data, s]);
    flow.dispose();
    loaded.dispose();
  });
}, { webgpu: false });

describeEachBackend('Flow bases and containers', () => {
  it('a preset on a Student-t base scores with that base and saves it', async () => {
    const base = new Independent({ distribution: new StudentT({ df: [3, 3], loc: [0, 0], scale: [1, 1] }), reinterpretedBatchNdims: 1 });
    const flow = maf({ eventSize: 2, numLayers: 2, hiddenUnits: [8], seed: 3, base });
    const y = tf.randomNormal([6, 2], 0, 2, 'float32', 7);
    const [x, ildj] = flow.bijector.inverseAndLogDet(y);
    const t = (v: number): number => {
      // log density of Student's t with 3 degrees of freedom, float64.
      const nu = 3;
      return Math.log(2 / (Math.PI * Math.sqrt(3))) - ((nu + 1) / 2) * Math.log1p((v * v) / nu);
    };
    const xs = (await x.array()) as number[][];
    const ld = (await ildj.array()) as number[];
    await expectAllClose(flow.logProb(y), xs.map((r, i) => t(r[0]!) + t(r[1]!) + ld[i]!), { atol: 1e-4 });
    const loaded = loadFlow(await saveFlow(flow));
    expect(loaded.base).toBeInstanceOf(Independent);
    await expectAllClose(loaded.logProb(y), flow.logProb(y), { atol: 1e-5 });
    tf.dispose([y, x, ildj]);
    flow.dispose();
    loaded.dispose();
  });

  it('fit trains a TransformedDistribution whose bijector has variables', async () => {
    const made = new MADE({ eventSize: 2, hiddenUnits: [8], seed: 1 });
    const dist = new TransformedDistribution({
      distribution: new Independent({ distribution: new Normal({ loc: [0, 0], scale: [1, 1] }), reinterpretedBatchNdims: 1 }),
      bijector: new MaskedAutoregressiveFlow({ conditioner: made }),
    });
    const data = correlated(256, 8);
    const nll = (): number => tf.tidy(() => tf.neg(tf.mean(dist.logProb(data))).dataSync()[0]!);
    const before = nll();
    await fit(dist, data, { epochs: 20, batchSize: 64, learningRate: 1e-2, seed: 1 });
    expect(nll()).toBeLessThan(before - 0.3);
    tf.dispose(data);
    made.dispose();
  });

  it('refuses bases of the wrong shape, unknown parts on save, and leaks nothing', async () => {
    const bijector = (): Bijector => new Chain([new Exp(), new Invert(new Exp())]);
    expect(() => new Flow({ bijector: bijector(), base: new Normal({ loc: 0, scale: 1 }) })).toThrow(/Flow: base must be a distribution with event shape \[D\] and no batch shape/);
    expect(() => new Flow({ bijector: bijector() })).toThrow(/Flow: base must be a distribution of event shape \[D\] \(the bijector does not fix its event size\)/);
    expect(() => new Flow({} as never)).toThrow(/Flow: bijector must be a Bijector/);
    const flow = new Flow({ bijector: new Chain([new MaskedAutoregressiveFlow({ conditioner: (y) => tf.stack([y, y], -1), eventSize: 2 })]) });
    await expect(saveFlow(flow)).rejects.toThrow(/saveFlow: flow must be a flow built from known parts .* received a conditioner function at bijector.bijectors\[0\].conditioner/);
    await expectNoLeaks(async () => {
      await expect(saveFlow(flow)).rejects.toThrow(/known parts/);
    });
    flow.dispose();
  });
}, { webgpu: false });

describeEachBackend('Glow options of the presets', () => {
  it('actnorm and an LU linear map train, initialize ActNorm from the first batch, and round-trip', async () => {
    const flow = realNVP({ eventSize: 2, numLayers: 2, hiddenUnits: [16], actnorm: true, linear: 'lu', seed: 3 });
    const names = flow.bijector.members.map((m) => m.name);
    expect(names).toEqual(['ActNorm', 'ScaleMatvecLU', 'RealNVP', 'ActNorm', 'ScaleMatvecLU', 'RealNVP']);
    const data = tf.add(tf.mul(correlated(512, 9), 3), 5) as tf.Tensor2D;
    const before = tf.tidy(() => tf.neg(tf.mean(flow.logProb(data))).dataSync()[0]!);
    await fit(flow, data, { epochs: 5, batchSize: 128, learningRate: 3e-3, seed: 1 });
    const after = tf.tidy(() => tf.neg(tf.mean(flow.logProb(data))).dataSync()[0]!);
    expect(after).toBeLessThan(before - 1);
    // The first ActNorm (data side) was initialized: its shift is near the data mean 5.
    const actnorm = flow.bijector.members[0] as unknown as { shift: tf.Variable; initialized: tf.Variable };
    expect((await actnorm.initialized.data())[0]).toBe(1);
    const shift = await actnorm.shift.data();
    expect(Math.abs(shift[0]! - 5)).toBeLessThan(0.5);
    const loaded = loadFlow(JSON.parse(JSON.stringify(await saveFlow(flow))));
    await expectAllClose(loaded.logProb(data), flow.logProb(data), { atol: 1e-4 });
    tf.dispose(data);
    flow.dispose();
    loaded.dispose();
  });
}, { webgpu: false });

describeEachBackend('1-D conditional coupling flows', () => {
  it('a coupling preset at eventSize 1 with a context learns p(y | c) and round-trips; without a context it names what works', async () => {
    expect(() => realNVP({ eventSize: 1 })).toThrow(/realNVP: eventSize must be an integer >= 2 for an unconditional coupling flow \(1-D data: give a contextSize, or use maf/);
    // y | c ~ N(2c, 0.3^2): the conditional density is far sharper than the marginal.
    const c = tf.randomUniform([1024, 1], -1, 1, 'float32', 3) as tf.Tensor2D;
    const y = tf.add(tf.mul(c, 2), tf.randomNormal([1024, 1], 0, 0.3, 'float32', 4)) as tf.Tensor2D;
    const flow = realNVP({ eventSize: 1, contextSize: 1, numLayers: 2, hiddenUnits: [16], seed: 2 });
    await fit(flow, y, { context: c, epochs: 30, batchSize: 128, learningRate: 1e-2, seed: 1 });
    const nll = tf.tidy(() => tf.neg(tf.mean(flow.logProb(y, { context: c }))).dataSync()[0]!);
    // The true conditional entropy is 0.5 log(2 pi e 0.09) = 0.214 nats; the marginal's is above 1.
    expect(nll).toBeLessThan(0.6);
    const loaded = loadFlow(await saveFlow(flow));
    await expectAllClose(loaded.logProb(y, { context: c }), flow.logProb(y, { context: c }), { atol: 1e-5 });
    tf.dispose([c, y]);
    flow.dispose();
    loaded.dispose();
  });
}, { webgpu: false });

describeEachBackend('affine bijectors declare it', () => {
  it('a TransformedDistribution through Shift and Scale has the mapped mean; through Exp it has none', async () => {
    const affineMap = new Chain([new Shift({ shift: 2 }), new Scale({ scale: 3 })]);
    expect(affineMap.affine).toBe(true);
    expect(new Chain([new Exp(), new Shift({ shift: 1 })]).affine).toBe(false);
    expect(new Invert(new Scale({ scale: 2 })).affine).toBe(true);
    const d = new TransformedDistribution({ distribution: new Normal({ loc: [1, -1], scale: [1, 2] }), bijector: affineMap });
    // y = 2 + 3 x: E[y] = 2 + 3 loc.
    await expectAllClose(d.mean(), [5, -1], { atol: 1e-6 });
    const curved = new TransformedDistribution({ distribution: new Normal({ loc: 0, scale: 1 }), bijector: new Exp() });
    expect(() => curved.mean()).toThrow(/affine/);
  });
}, { webgpu: false });

describeEachBackend('conditional Flow calls', () => {
  const presets = { maf, iaf, realNVP, neuralSplineFlow, naf };
  it.each(Object.keys(presets) as (keyof typeof presets)[])('%s: a single context row stands for every row of a batch, in logProb, prob, sample and sampleAndLogProb', async (name) => {
    const flow = presets[name]({ eventSize: 2, contextSize: 1, numLayers: 2, hiddenUnits: [8], seed: 4 });
    const x = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 1);
    const row = tf.tensor1d([0.7]);
    const rows = tf.fill([2, 3, 1], 0.7);
    // A first call builds the spline's process-wide constants (kept on purpose) where no fused kernel runs.
    tf.dispose(flow.logProb(x, { context: rows }));
    await expectNoLeaks(async () => {
      const [a, b] = [flow.logProb(x, { context: row }), flow.logProb(x, { context: rows })];
      expect(a.shape).toEqual([2, 3]);
      await expectAllClose(a, b, { atol: 1e-6 });
      const [p, q] = [flow.prob(x, { context: row }), flow.prob(x, { context: rows })];
      await expectAllClose(p, q, { atol: 1e-6 });
      const expB = tf.exp(b);
      await expectAllClose(p, expB, { rtol: 1e-5 });
      const [s, t] = [flow.sample([2, 3], { seed: 5, context: row }), flow.sample([2, 3], { seed: 5, context: rows })];
      expect(s.shape).toEqual([2, 3, 2]);
      await expectAllClose(s, t, { atol: 1e-6 });
      const one = flow.sampleAndLogProb([2, 3], { seed: 6, context: row });
      const all = flow.sampleAndLogProb([2, 3], { seed: 6, context: rows });
      await expectAllClose(one.sample, all.sample, { atol: 1e-6 });
      await expectAllClose(one.logProb, all.logProb, { atol: 1e-5 });
      tf.dispose([a, b, expB, p, q, s, t, one.sample, one.logProb, all.sample, all.logProb]);
    });
    tf.dispose([x, row, rows]);
    flow.dispose();
  });

  it('names the method in its argument errors', () => {
    const flow = maf({ eventSize: 2, contextSize: 1, numLayers: 1, hiddenUnits: [4], seed: 4 });
    const x = tf.zeros([3, 2]);
    const [row, wide] = [tf.zeros([1]), tf.zeros([3, 2])];
    expect(() => flow.sample(-1)).toThrow(/^maf\.sample: sampleShape/);
    expect(() => flow.sampleAndLogProb(-1)).toThrow(/^maf\.sampleAndLogProb: sampleShape/);
    expect(() => flow.sampleAndLogProb(2, { seed: 'x' as never, context: row })).toThrow(/^maf\.sampleAndLogProb: seed/);
    expect(() => flow.sampleAndLogProb(2, { context: wide })).toThrow(/^maf\.sampleAndLogProb: context must be a tensor of shape \[2, 1\] or \[1\]/);
    expect(() => flow.prob(x, { context: wide })).toThrow(/^maf\.prob: context must be a tensor of shape \[3, 1\] or \[1\]/);
    tf.dispose([x, row, wide]);
    flow.dispose();
  });

  it('disposes a base that has no dispose method', () => {
    const mvn = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] });
    const base = { logProb: (x: tf.Tensor) => mvn.logProb(x), sample: (n: number) => mvn.sample(n), eventShape: [2], batchShape: [] };
    const flow = new Flow({ bijector: new Reverse(), base: base as never });
    expect(() => flow.dispose()).not.toThrow();
    expect(flow.isDisposed).toBe(true);
    mvn.dispose();
  });
});
