// What the composite distributions cannot compute from their parts ends in a NotImplementedError
// that names the composite and the method, before any tensor is made.
import * as tf from '@tensorflow/tfjs-core';
import type { BijectorLike } from '@densityjs/core';
import { notImplementedErrorOf } from '@densityjs/testing';
import { describe, expect, it } from 'vitest';
import { Categorical } from './categorical.js';
import type { Distribution } from './distribution.js';
import { Independent } from './independent.js';
import { Mixture } from './mixture.js';
import { MixtureSameFamily } from './mixture-same-family.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { Normal } from './normal.js';
import { TransformedDistribution } from './transformed-distribution.js';

/** A user-written distribution with only the required methods: no moments, no cdf. */
function bare(batchShape: number[]): Distribution {
  const logProb = (x: tf.Tensor) => tf.neg(tf.square(x));
  return {
    batchShape,
    eventShape: [],
    logProb,
    prob: (x) => tf.exp(logProb(x)),
    sample: (n = []) => tf.zeros([...(typeof n === 'number' ? [n] : n), ...batchShape]),
    sampleAndLogProb(n = []) {
      const sample = this.sample(n);
      return { sample, logProb: logProb(sample) };
    },
  };
}

/** y = x + 1, declaring itself affine or not. */
function shift(affine: boolean): BijectorLike & { affine?: boolean } {
  return {
    affine: affine || undefined,
    eventNdims: 0,
    forward: (x) => tf.add(x, tf.scalar(1)),
    inverse: (y) => tf.sub(y, tf.scalar(1)),
    forwardAndLogDet: (x) => [tf.add(x, tf.scalar(1)), tf.zerosLike(x)],
    inverseAndLogDet: (y) => [tf.sub(y, tf.scalar(1)), tf.zerosLike(y)],
  };
}

function refuses(fn: () => unknown, what: string): void {
  notImplementedErrorOf(fn, `${what} is not implemented for this distribution`);
}

describe('composite distributions without a method of their parts', () => {
  it('Independent: the moments and entropy the base lacks', () => {
    const d = new Independent({ distribution: bare([2, 3]), reinterpretedBatchNdims: 1 });
    // A base that does not say is taken as not reparameterized.
    expect(d.reparameterized).toBe(false);
    refuses(() => d.mean(), 'Independent: mean');
    refuses(() => d.variance(), 'Independent: variance');
    refuses(() => d.mode(), 'Independent: mode');
    refuses(() => d.entropy(), 'Independent: entropy');
  });

  it('MixtureSameFamily: the moments its components lack, and a cdf of vector events', () => {
    const cat = new Categorical({ logits: [0, 1] });
    const d = new MixtureSameFamily({ mixtureDistribution: cat, componentsDistribution: bare([2]) });
    const x = tf.tensor1d([0.5]);
    refuses(() => d.mean(), 'MixtureSameFamily: mean');
    // The variance of a mixture needs the component means first.
    refuses(() => d.variance(), 'MixtureSameFamily: mean');
    refuses(() => d.cdf(x), 'MixtureSameFamily: cdf/logCdf');
    const mvn = new MultivariateNormalDiag({ loc: [[0, 0], [1, 1]], scaleDiag: [1, 1] });
    const vector = new MixtureSameFamily({ mixtureDistribution: cat, componentsDistribution: mvn });
    const y = tf.tensor1d([0.5, 0.5]);
    refuses(() => vector.logCdf(y), 'MixtureSameFamily: cdf/logCdf');
    tf.dispose([x, y]);
    mvn.dispose();
    cat.dispose();
  });

  it('Mixture: the moments and cdf a component lacks', () => {
    const cat = new Categorical({ logits: [0, 1] });
    const normal = new Normal({ loc: 0, scale: 1 });
    const d = new Mixture({ cat, components: [normal, bare([])] });
    const x = tf.scalar(0.5);
    refuses(() => d.mean(), 'Mixture: mean (a component has none)');
    refuses(() => d.variance(), 'Mixture: mean (a component has none)');
    refuses(() => d.cdf(x), 'Mixture: cdf (a component has none)');
    tf.dispose([x]);
    normal.dispose();
    cat.dispose();
  });

  it('TransformedDistribution: mean and mode only through an affine bijector, of a base that has them', () => {
    const normal = new Normal({ loc: 0, scale: 1 });
    const curved = new TransformedDistribution({ distribution: normal, bijector: shift(false) });
    refuses(() => curved.mean(), 'TransformedDistribution: mean (only through an affine bijector, one with affine: true)');
    refuses(() => curved.mode(), 'TransformedDistribution: mode (only through an affine bijector, one with affine: true)');
    const noMoments = new TransformedDistribution({ distribution: bare([]), bijector: shift(true) });
    refuses(() => noMoments.mean(), 'TransformedDistribution: mean (the base distribution has none)');
    refuses(() => noMoments.mode(), 'TransformedDistribution: mode (the base distribution has none)');
    normal.dispose();
  });
});
