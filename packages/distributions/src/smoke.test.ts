import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Categorical, Independent, MixtureSameFamily, MultivariateNormalDiag, Normal, TransformedDistribution, Uniform, klDivergence } from './index.js';

describe('smoke', () => {
  it('runs the core distributions', async () => {
    const n = new Normal({ loc: [0, 1], scale: 2 });
    expect(n.batchShape).toEqual([2]);
    const lp = n.logProb(tf.tensor([[0, 1]]));
    const ref = -0.5 * Math.log(2 * Math.PI) - Math.log(2);
    const v = await lp.data();
    expect(v[0]).toBeCloseTo(ref, 5);
    expect((await n.cdf(tf.tensor([0, 1])).data())[0]).toBeCloseTo(0.5, 6);
    expect(n.sample([3], { seed: 1 }).shape).toEqual([3, 2]);
    const u = new Uniform({ low: 0, high: 2 });
    expect(Array.from(await u.logProb(tf.tensor([1, 3])).data())).toEqual([Math.fround(-Math.log(2)), -Infinity]);
    const c = new Categorical({ probs: [0.2, 0.8] });
    expect((await c.logProb(tf.tensor([1])).data())[0]).toBeCloseTo(Math.log(0.8), 6);
    const mvn = new MultivariateNormalDiag({ loc: [[0, 0], [1, 1], [2, 2]], scaleDiag: [1, 2] });
    expect(mvn.batchShape).toEqual([3]);
    const mix = new MixtureSameFamily({ mixtureDistribution: new Categorical({ logits: [0, 0, 0] }), componentsDistribution: mvn });
    expect(mix.sample(5, { seed: 2 }).shape).toEqual([5, 2]);
    expect(mix.logProb(tf.zeros([4, 2])).shape).toEqual([4]);
    const ind = new Independent({ distribution: new Normal({ loc: [0, 0], scale: 1 }) });
    expect(ind.eventShape).toEqual([2]);
    const td = new TransformedDistribution({
      distribution: n,
      bijector: {
        eventNdims: 0,
        forward: (x) => tf.exp(x),
        inverse: (y) => tf.log(y),
        forwardAndLogDet: (x) => [tf.exp(x), x],
        inverseAndLogDet: (y) => [tf.log(y), tf.neg(tf.log(y))],
      },
    });
    expect(td.logProb(tf.ones([2])).shape).toEqual([2]);
    const kl = klDivergence(n, new Normal({ loc: 0, scale: 1 }));
    expect(kl.shape).toEqual([2]);
  });
});
